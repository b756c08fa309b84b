package io.sparkprop.core.optim;

/**
 * Gradient clipping by global L2 norm, over all entries or over the entries an update visits
 * ({@link ParameterRanges}: with a gradient that is zero elsewhere, the same norm to the bit, since
 * adding +0.0 changes no sum).
 */
public final class GradientClipping {
    private GradientClipping() {
    }

    /** {@code ||g||_2 = sqrt(sum_i g_i^2)}, accumulated in double in index order. */
    public static double globalNorm(float[] grad) {
        return globalNorm(grad, ParameterRanges.all(grad.length));
    }

    /** {@link #globalNorm(float[])} over the entries in {@code ranges}. */
    public static double globalNorm(float[] grad, ParameterRanges ranges) {
        return Math.sqrt(ranges.sumOfSquares(grad));
    }

    /**
     * If {@code ||g|| > maxNorm}, scales g in place by {@code maxNorm / ||g||} so its norm becomes
     * maxNorm. Returns the norm before clipping.
     */
    public static double clipByGlobalNorm(float[] grad, double maxNorm) {
        return clipByGlobalNorm(grad, maxNorm, ParameterRanges.all(grad.length));
    }

    /** {@link #clipByGlobalNorm(float[], double)} over the entries in {@code ranges}, allocating nothing. */
    public static double clipByGlobalNorm(float[] grad, double maxNorm, ParameterRanges ranges) {
        OptimizerChecks.checkPositive("clipping norm", maxNorm);
        double norm = globalNorm(grad, ranges);
        if (norm > maxNorm) {
            ranges.scale(grad, (float) (maxNorm / norm));
        }
        return norm;
    }
}
