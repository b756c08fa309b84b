package io.sparkprop.core.optim;

/**
 * {@code lr(t) = lrMin + (lr0 - lrMin) * (1 + cos(pi * min(t, T) / T)) / 2}: from lr0 at t = 0 down
 * to lrMin at t = T, then flat.
 */
public final class CosineDecay implements LearningRateSchedule {
    private final double lr0;
    private final long totalSteps;
    private final double lrMin;

    public CosineDecay(double lr0, long totalSteps, double lrMin) {
        OptimizerChecks.checkPositive("learning rate", lr0);
        if (totalSteps < 1) {
            throw new IllegalArgumentException("cosine decay needs total steps >= 1, got " + totalSteps);
        }
        OptimizerChecks.checkNonNegative("minimum learning rate", lrMin);
        if (lrMin > lr0) {
            throw new IllegalArgumentException("minimum learning rate " + lrMin + " exceeds the initial rate " + lr0);
        }
        this.lr0 = lr0;
        this.totalSteps = totalSteps;
        this.lrMin = lrMin;
    }

    @Override
    public double rate(long t) {
        double progress = (double) Math.min(t, totalSteps) / totalSteps;
        return lrMin + (lr0 - lrMin) * 0.5 * (1 + Math.cos(Math.PI * progress));
    }

    @Override
    public String describe() {
        return "cosine(" + lr0 + " -> " + lrMin + " over " + totalSteps + ")";
    }
}
