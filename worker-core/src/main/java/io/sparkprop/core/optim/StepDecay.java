package io.sparkprop.core.optim;

/** {@code lr(t) = lr0 * gamma^floor(t / stepSize)}: multiply by gamma every stepSize iterations. */
public final class StepDecay implements LearningRateSchedule {
    private final double lr0;
    private final long stepSize;
    private final double gamma;

    public StepDecay(double lr0, long stepSize, double gamma) {
        OptimizerChecks.checkPositive("learning rate", lr0);
        if (stepSize < 1) {
            throw new IllegalArgumentException("step size must be >= 1 iteration, got " + stepSize);
        }
        OptimizerChecks.checkPositive("gamma", gamma);
        this.lr0 = lr0;
        this.stepSize = stepSize;
        this.gamma = gamma;
    }

    @Override
    public double rate(long t) {
        return lr0 * Math.pow(gamma, t / stepSize);
    }

    @Override
    public String describe() {
        return "step(" + lr0 + ", every " + stepSize + ", x" + gamma + ")";
    }
}
