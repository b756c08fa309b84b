package io.sparkprop.core.optim;

/**
 * The whole update of one iteration, in this order:
 * <pre>
 *   0. mean:          g <- s / divisor                                 (s a gradient sum, {@link #applySum}; divisor 1 for {@link #apply})
 *   1. clip:          g <- g * min(1, maxNorm / ||g||)               (when clipping is on)
 *   2. weight decay:  g_W <- g_W + lambda * W                         (L2, weights only, never biases)
 *                     or, for a decoupled optimizer (AdamW), W <- W - lr * lambda * W
 *   3. step:          optimizer.step(params, g, lr(t), t + 1)
 * </pre>
 * t counts completed steps from 0; lr(t) comes from the schedule. With SGD this gives exactly
 * {@code W <- W - lr * (mean_grad_W + lambda * W)} and {@code b <- b - lr * mean_grad_b}.
 * Steps 0-3 are one pass over the parameters (see {@link GradientTerms}); the norm, a pass of its own,
 * is computed only when clipping needs it or the caller asks for it ({@link #apply}, which logs it).
 * State for checkpoints: {@link #steps()} and the optimizer's {@link Optimizer#state()}.
 */
public final class UpdateRule {
    private final Optimizer optimizer;
    private final LearningRateSchedule schedule;
    private final double weightDecay;
    private final double clipNorm;
    private final GradientTerms terms;
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
            int floor = i == 0 ? 0 : weightRanges[i - 1];
            if (weightRanges[i] < floor || weightRanges[i] > weightRanges[i + 1] || weightRanges[i + 1] > parameterCount) {
                throw new IllegalArgumentException("weight range [" + weightRanges[i] + ", " + weightRanges[i + 1]
                        + ") is not after the previous one or not inside [0, " + parameterCount + ")");
            }
        }
        this.optimizer = optimizer;
        this.schedule = schedule;
        this.weightDecay = weightDecay;
        this.clipNorm = clipNorm;
        this.terms = new GradientTerms(weightRanges.clone());
        this.all = ParameterRanges.all(parameterCount);
        optimizer.initialize(parameterCount);
    }

    /**
     * Applies one update to {@code params} in place from the mean gradient {@code grad}, which may be
     * modified; {@link #lastGradientNorm()} is its norm.
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
        update(params, grad, 1f, ranges, true);
    }

    /**
     * {@link #apply(float[], float[], ParameterRanges)} from the gradient sum over a batch of weight
     * {@code divisor} ({@code g = gradSum / divisor}, folded into the step; the same bits as dividing
     * first). The norm is computed only when clipping is on; otherwise {@link #lastGradientNorm()} is NaN.
     * {@code gradSum} may be modified.
     */
    public void applySum(float[] params, float[] gradSum, float divisor, ParameterRanges ranges) {
        if (!(divisor > 0) || Float.isInfinite(divisor)) {
            throw new IllegalArgumentException("gradient divisor must be a finite number > 0, got " + divisor);
        }
        update(params, gradSum, divisor, ranges, false);
    }

    private void update(float[] params, float[] gradSum, float divisor, ParameterRanges ranges, boolean norm) {
        if (params.length != gradSum.length) {
            throw new IllegalArgumentException("gradient has length " + gradSum.length + ", parameters " + params.length);
        }
        double lr = schedule.rate(steps);
        float clip = 1f;
        lastGradientNorm = Double.NaN;
        if (norm || clipNorm > 0) {
            lastGradientNorm = Math.sqrt(ranges.sumOfSquares(gradSum, divisor));
            if (lastGradientNorm > clipNorm && clipNorm > 0) {
                clip = (float) (clipNorm / lastGradientNorm);
            }
        }
        boolean decay = weightDecay > 0;
        boolean decoupled = decay && optimizer.decoupledWeightDecay();
        terms.set(divisor, clip, decay && !decoupled ? (float) weightDecay : 0f, decoupled ? (float) (1 - lr * weightDecay) : 1f);
        optimizer.step(params, gradSum, terms, lr, steps + 1, ranges);
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

    /** The gradient's global L2 norm before clipping, at the last step (NaN when {@link #applySum} had no need of it). */
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
