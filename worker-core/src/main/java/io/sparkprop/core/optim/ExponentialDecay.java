package io.sparkprop.core.optim;

/** {@code lr(t) = lr0 * gamma^t}. */
public final class ExponentialDecay implements LearningRateSchedule {
    private final double lr0;
    private final double gamma;

    public ExponentialDecay(double lr0, double gamma) {
        OptimizerChecks.checkPositive("learning rate", lr0);
        if (!(gamma > 0 && gamma <= 1)) {
            throw new IllegalArgumentException("exponential decay gamma must be in (0, 1], got " + gamma);
        }
        this.lr0 = lr0;
        this.gamma = gamma;
    }

    @Override
    public double rate(long t) {
        return lr0 * Math.pow(gamma, t);
    }

    @Override
    public String describe() {
        return "exponential(" + lr0 + ", x" + gamma + " per iteration)";
    }
}
