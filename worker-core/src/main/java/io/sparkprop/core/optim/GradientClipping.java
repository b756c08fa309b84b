package io.sparkprop.core.optim;

/** Gradient clipping by global L2 norm. */
public final class GradientClipping {
    private GradientClipping() {
    }

    /** {@code ||g||_2 = sqrt(sum_i g_i^2)}, accumulated in double in index order. */
    public static double globalNorm(float[] grad) {
        double sum = 0;
        for (float g : grad) {
            sum += (double) g * g;
        }
        return Math.sqrt(sum);
    }

    /**
     * If {@code ||g|| > maxNorm}, scales g in place by {@code maxNorm / ||g||} so its norm becomes
     * maxNorm. Returns the norm before clipping.
     */
    public static double clipByGlobalNorm(float[] grad, double maxNorm) {
        OptimizerChecks.checkPositive("clipping norm", maxNorm);
        double norm = globalNorm(grad);
        if (norm > maxNorm) {
            float scale = (float) (maxNorm / norm);
            for (int i = 0; i < grad.length; i++) {
                grad[i] *= scale;
            }
        }
        return norm;
    }
}
