package io.sparkprop.core.optim;

/**
 * The whole driver-side update of one iteration, in this order:
 * <pre>
 *   1. clip:          g <- g * min(1, maxNorm / ||g||)               (when clipping is on)
 *   2. weight decay:  g_W <- g_W + lambda * W                         (L2, weights only, never biases)
 *                     or, for a decoupled optimizer (AdamW), W <- W - lr * lambda * W
 *   3. step:          optimizer.step(params, g, lr(t), t + 1)
 * </pre>
 * t counts completed steps from 0; lr(t) comes from the schedule. With SGD this gives exactly
 * {@code W <- W - lr * (mean_grad_W + lambda * W)} and {@code b <- b - lr * mean_grad_b}.
 * State for checkpoints: {@link #steps()} and the optimizer's {@link Optimizer#state()}.
 */
public final class UpdateRule {
    private final Optimizer optimizer;
    private final LearningRateSchedule schedule;
    private final double weightDecay;
    private final double clipNorm;
    private final int[] weightRanges;
    /** [0, P): the dense update's ranges. */
    private final ParameterRanges all;
    private long steps;
    private double lastRate;
    private double lastGradientNorm;

    /**
     * @param weightDecay  lambda >= 0 (0: off)
     * @param clipNorm     maximum global L2 norm of the gradient, or 0 for no clipping
     * @param weightRanges index ranges of the weights as {@code [start, end)} pairs (see ParameterLayout#weightRanges)
     * @param parameterCount P, to size the optimizer state
     */
    public UpdateRule(Optimizer optimizer, LearningRateSchedule schedule, double weightDecay, double clipNorm,
                      int[] weightRanges, int parameterCount) {
        OptimizerChecks.checkNonNegative("weight decay", weightDecay);
        OptimizerChecks.checkNonNegative("clipping norm", clipNorm);
        if (weightRanges.length % 2 != 0) {
            throw new IllegalArgumentException("weight ranges must be [start, end) pairs, got " + weightRanges.length + " numbers");
        }
        for (int i = 0; i < weightRanges.length; i += 2) {
            if (weightRanges[i] < 0 || weightRanges[i] > weightRanges[i + 1] || weightRanges[i + 1] > parameterCount) {
                throw new IllegalArgumentException("weight range [" + weightRanges[i] + ", " + weightRanges[i + 1]
                        + ") is not inside [0, " + parameterCount + ")");
            }
        }
        this.optimizer = optimizer;
        this.schedule = schedule;
        this.weightDecay = weightDecay;
        this.clipNorm = clipNorm;
        this.weightRanges = weightRanges.clone();
        this.all = ParameterRanges.all(parameterCount);
        optimizer.initialize(parameterCount);
    }

    /**
     * Applies one update to {@code params} in place from the mean gradient {@code grad}, which is
     * modified (clipped, decay added).
     */
    public void apply(float[] params, float[] grad) {
        apply(params, grad, all);
    }

    /**
     * {@link #apply(float[], float[])} on the entries in {@code ranges} only (a touched-column update,
     * train.sparseUpdate): the norm, the clipping, the weight decay and the optimizer's step see those
     * entries alone, and {@code grad} is read nowhere else (it may hold anything there). With a gradient
     * that is zero outside the ranges the norm is the dense norm (adding +0.0 changes no sum), so SGD
     * without weight decay gives the dense step's bits; weight decay and the optimizers' state then
     * act on touched entries only (the lazy semantics of {@link Optimizer#step(float[], float[], double, long,
     * ParameterRanges)}).
     */
    public void apply(float[] params, float[] grad, ParameterRanges ranges) {
        if (params.length != grad.length) {
            throw new IllegalArgumentException("gradient has length " + grad.length + ", parameters " + params.length);
        }
        double lr = schedule.rate(steps);
        lastGradientNorm = clipNorm > 0 ? GradientClipping.clipByGlobalNorm(grad, clipNorm, ranges)
                : GradientClipping.globalNorm(grad, ranges);
        if (weightDecay > 0) {
            boolean decoupled = optimizer.decoupledWeightDecay();
            float shrink = (float) (1 - lr * weightDecay);
            float lambda = (float) weightDecay;
            // the weights among the visited entries: each range intersected with each weight range
            for (int k = 0; k < ranges.size(); k++) {
                for (int r = 0; r < weightRanges.length; r += 2) {
                    int end = Math.min(ranges.end(k), weightRanges[r + 1]);
                    for (int i = Math.max(ranges.start(k), weightRanges[r]); i < end; i++) {
                        if (decoupled) {
                            params[i] *= shrink;
                        } else {
                            grad[i] += lambda * params[i];
                        }
                    }
                }
            }
        }
        optimizer.step(params, grad, lr, steps + 1, ranges);
        steps++;
        lastRate = lr;
    }

    /** Completed steps t. */
    public long steps() {
        return steps;
    }

    /** The learning rate the next step will use. */
    public double nextRate() {
        return schedule.rate(steps);
    }

    /** The learning rate of the last step. */
    public double lastRate() {
        return lastRate;
    }

    /** The gradient's global L2 norm before clipping, at the last step. */
    public double lastGradientNorm() {
        return lastGradientNorm;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    public LearningRateSchedule schedule() {
        return schedule;
    }

    /** Continues at step {@code steps} with fresh (zeroed) optimizer state, allocating nothing. */
    public void resetTo(long steps) {
        checkSteps(steps);
        optimizer.reset();
        this.steps = steps;
    }

    /** {@link #restore(long, float[][])} from one flat array ({@link Optimizer#loadState}), allocating nothing. */
    public void restore(long steps, float[] flatState, int offset) {
        checkSteps(steps);
        optimizer.loadState(flatState, offset);
        this.steps = steps;
    }

    /** Restores a checkpointed position: the completed step count and the optimizer state. */
    public void restore(long steps, float[][] optimizerState) {
        checkSteps(steps);
        optimizer.restoreState(optimizerState);
        this.steps = steps;
    }

    private static void checkSteps(long steps) {
        if (steps < 0) {
            throw new IllegalArgumentException("step count must be >= 0, got " + steps);
        }
    }
}
