package io.sparkprop.core.optim;

/**
 * {@code lr(t) = lr0 * gamma^(t / decaySteps)}: a factor gamma every decaySteps iterations, applied
 * smoothly (the continuous form of {@link StepDecay}).
 */
public final class ExponentialDecay implements LearningRateSchedule {
    private final double lr0;
    private final long decaySteps;
    private final double gamma;

    public ExponentialDecay(double lr0, long decaySteps, double gamma) {
        OptimizerChecks.checkPositive("learning rate", lr0);
        if (decaySteps < 1) {
            throw new IllegalArgumentException("exponential decay steps must be >= 1 iteration, got " + decaySteps);
        }
        if (!(gamma > 0 && gamma <= 1)) {
            throw new IllegalArgumentException("exponential decay gamma must be in (0, 1], got " + gamma);
        }
        this.lr0 = lr0;
        this.decaySteps = decaySteps;
        this.gamma = gamma;
    }

    @Override
    public double rate(long t) {
        return lr0 * Math.pow(gamma, (double) t / decaySteps);
    }

    @Override
    public String describe() {
        return "exponential(" + lr0 + ", x" + gamma + " per " + decaySteps + " iterations)";
    }
}
