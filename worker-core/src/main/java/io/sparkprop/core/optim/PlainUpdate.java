package io.sparkprop.core.optim;

/**
 * The fused update loops in plain Java: the reference arithmetic of every optimizer, the whole update
 * without the Vector API, and the tails of {@link VectorUpdate}'s loops (from {@code i} on).
 */
final class PlainUpdate implements UpdateKernel {

    /** {@code g = (s / divisor) * clip}, plus {@code lambda p} when lambda is on. */
    static float gradient(float s, float p, float divisor, float clip, float lambda) {
        float g = s / divisor * clip;
        return lambda != 0f ? g + lambda * p : g;
    }

    @Override
    public void sgd(float[] p, float[] s, GradientTerms t, int j, float lr) {
        sgd(p, s, t, j, lr, t.from(j));
    }

    static void sgd(float[] p, float[] s, GradientTerms t, int j, float lr, int i) {
        float div = t.divisor();
        float clip = t.clip();
        float lambda = t.lambda(j);
        float shrink = t.shrink(j);
        for (int end = t.to(j); i < end; i++) {
            float w = p[i];
            float g = gradient(s[i], w, div, clip, lambda);
            p[i] = w * shrink - lr * g;
        }
    }

    @Override
    public void momentum(float[] p, float[] s, float[] v, GradientTerms t, int j, float mu, float lr, boolean nesterov) {
        momentum(p, s, v, t, j, mu, lr, nesterov, t.from(j));
    }

    static void momentum(float[] p, float[] s, float[] v, GradientTerms t, int j, float mu, float lr, boolean nesterov,
                         int i) {
        float div = t.divisor();
        float clip = t.clip();
        float lambda = t.lambda(j);
        float shrink = t.shrink(j);
        for (int end = t.to(j); i < end; i++) {
            float w = p[i];
            float g = gradient(s[i], w, div, clip, lambda);
            float vel = mu * v[i] + g;
            v[i] = vel;
            p[i] = w * shrink - lr * (nesterov ? g + mu * vel : vel);
        }
    }

    @Override
    public void adam(float[] p, float[] s, float[] m, float[] v, GradientTerms t, int j, AdamCoefficients c) {
        adam(p, s, m, v, t, j, c, t.from(j));
    }

    static void adam(float[] p, float[] s, float[] m, float[] v, GradientTerms t, int j, AdamCoefficients c, int i) {
        float div = t.divisor();
        float clip = t.clip();
        float lambda = t.lambda(j);
        float shrink = t.shrink(j);
        for (int end = t.to(j); i < end; i++) {
            float w = p[i];
            float g = gradient(s[i], w, div, clip, lambda);
            float mi = c.b1 * m[i] + c.c1 * g;
            float vi = c.b2 * v[i] + c.c2 * g * g;
            m[i] = mi;
            v[i] = vi;
            p[i] = w * shrink - c.stepSize * mi / ((float) Math.sqrt(vi) * c.invSqrtBc2 + c.eps);
        }
    }
}
