package io.sparkprop.core.optim;

/** {@code lr(t) = lr0 / (1 + k * t / decaySteps)}: the rate is halved after decaySteps / k iterations. */
public final class InverseTimeDecay implements LearningRateSchedule {
    private final double lr0;
    private final long decaySteps;
    private final double k;

    public InverseTimeDecay(double lr0, long decaySteps, double k) {
        OptimizerChecks.checkPositive("learning rate", lr0);
        if (decaySteps < 1) {
            throw new IllegalArgumentException("inverse-time decay steps must be >= 1 iteration, got " + decaySteps);
        }
        OptimizerChecks.checkNonNegative("inverse-time decay k", k);
        this.lr0 = lr0;
        this.decaySteps = decaySteps;
        this.k = k;
    }

    @Override
    public double rate(long t) {
        return lr0 / (1 + k * t / decaySteps);
    }

    @Override
    public String describe() {
        return "inverse_time(" + lr0 + ", k=" + k + " per " + decaySteps + " iterations)";
    }
}
