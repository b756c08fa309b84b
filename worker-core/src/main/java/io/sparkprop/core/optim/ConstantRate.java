package io.sparkprop.core.optim;

/** {@code lr(t) = lr0}. */
public final class ConstantRate implements LearningRateSchedule {
    private final double lr0;

    public ConstantRate(double lr0) {
        OptimizerChecks.checkPositive("learning rate", lr0);
        this.lr0 = lr0;
    }

    @Override
    public double rate(long t) {
        return lr0;
    }

    @Override
    public String describe() {
        return "constant(" + lr0 + ")";
    }
}
