package io.sparkprop.core.optim;

/**
 * Linear warm-up in front of another schedule: {@code lr(t) = inner(0) * (t + 1) / W} for t < W,
 * then {@code inner(t - W)}, so the inner schedule starts where warm-up ends.
 */
public final class LinearWarmup implements LearningRateSchedule {
    private final long warmupSteps;
    private final LearningRateSchedule inner;

    public LinearWarmup(long warmupSteps, LearningRateSchedule inner) {
        if (warmupSteps < 1) {
            throw new IllegalArgumentException("warm-up steps must be >= 1, got " + warmupSteps);
        }
        this.warmupSteps = warmupSteps;
        this.inner = inner;
    }

    @Override
    public double rate(long t) {
        return t < warmupSteps ? inner.rate(0) * (t + 1) / warmupSteps : inner.rate(t - warmupSteps);
    }

    @Override
    public String describe() {
        return "warmup(" + warmupSteps + ") then " + inner.describe();
    }
}
