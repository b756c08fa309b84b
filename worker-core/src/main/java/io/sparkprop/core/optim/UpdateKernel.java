package io.sparkprop.core.optim;

import io.sparkprop.core.matrix.Gemm;

/**
 * The optimizers' fused loops over segment j of a {@link GradientTerms} split: each reads the gradient
 * sum s, the parameters and the state once and writes the parameters and the state once, forming the
 * gradient g with the terms on the way. The two implementations do the same float operations in the
 * same order per entry, so they give the same bits: the Vector API one ({@link VectorUpdate}, multiply
 * and add kept separate, never fused) and the plain-Java one ({@link PlainUpdate}).
 */
interface UpdateKernel {
    /** The Vector API loops when the GEMM is the Vector API one (the same JVM choice), else the plain ones. */
    UpdateKernel BEST = "vector".equals(Gemm.best().name()) ? VectorLoader.load() : new PlainUpdate();

    /** {@code p <- p - lr g}. */
    void sgd(float[] p, float[] s, GradientTerms t, int j, float lr);

    /** {@code v <- mu v + g}; {@code p <- p - lr v}, or Nesterov {@code p <- p - lr (g + mu v)}. */
    void momentum(float[] p, float[] s, float[] v, GradientTerms t, int j, float mu, float lr, boolean nesterov);

    /** Adam's moments and step with the coefficients of this step (see {@link AdamCoefficients}). */
    void adam(float[] p, float[] s, float[] m, float[] v, GradientTerms t, int j, AdamCoefficients c);

    /** Kept in its own class so the Vector API classes are loaded only when they are used. */
    final class VectorLoader {
        private VectorLoader() {
        }

        static UpdateKernel load() {
            return new VectorUpdate();
        }
    }
}
