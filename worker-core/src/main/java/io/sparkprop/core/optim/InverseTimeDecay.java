package io.sparkprop.core.optim;

/** {@code lr(t) = lr0 / (1 + k * t)}. */
public final class InverseTimeDecay implements LearningRateSchedule {
    private final double lr0;
    private final double k;

    public InverseTimeDecay(double lr0, double k) {
        OptimizerChecks.checkPositive("learning rate", lr0);
        OptimizerChecks.checkNonNegative("inverse-time decay k", k);
        this.lr0 = lr0;
        this.k = k;
    }

    @Override
    public double rate(long t) {
        return lr0 / (1 + k * t);
    }

    @Override
    public String describe() {
        return "inverse_time(" + lr0 + ", k=" + k + ")";
    }
}
