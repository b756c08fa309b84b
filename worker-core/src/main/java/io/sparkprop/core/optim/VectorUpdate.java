package io.sparkprop.core.optim;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fused update loops with the Vector API: per lane exactly {@link PlainUpdate}'s operations in
 * its order (multiplies and adds kept apart, no FMA: a fused multiply-add rounds once where the plain
 * loop rounds twice; the square root of a float is correctly rounded in both), so both give the same
 * bits on any CPU. The last {@code (to - from) mod lanes} entries of a segment go through the plain loop.
 */
final class VectorUpdate implements UpdateKernel {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();

    /** {@code (s / div) * clip}, plus {@code lambda w} when lambda is on. */
    private static FloatVector gradient(float[] s, int i, FloatVector w, float div, float clip, float lambda) {
        FloatVector g = FloatVector.fromArray(SPECIES, s, i).div(div).mul(clip);
        return lambda != 0f ? g.add(w.mul(lambda)) : g;
    }

    /** The end of the whole vectors of segment j. */
    private static int upper(GradientTerms t, int j) {
        return t.from(j) + SPECIES.loopBound(t.to(j) - t.from(j));
    }

    @Override
    public void sgd(float[] p, float[] s, GradientTerms t, int j, float lr) {
        float div = t.divisor();
        float clip = t.clip();
        float lambda = t.lambda(j);
        float shrink = t.shrink(j);
        int i = t.from(j);
        for (int upper = upper(t, j); i < upper; i += LANES) {
            FloatVector w = FloatVector.fromArray(SPECIES, p, i);
            FloatVector g = gradient(s, i, w, div, clip, lambda);
            w.mul(shrink).sub(g.mul(lr)).intoArray(p, i);
        }
        PlainUpdate.sgd(p, s, t, j, lr, i);
    }

    @Override
    public void momentum(float[] p, float[] s, float[] v, GradientTerms t, int j, float mu, float lr, boolean nesterov) {
        float div = t.divisor();
        float clip = t.clip();
        float lambda = t.lambda(j);
        float shrink = t.shrink(j);
        int i = t.from(j);
        for (int upper = upper(t, j); i < upper; i += LANES) {
            FloatVector w = FloatVector.fromArray(SPECIES, p, i);
            FloatVector g = gradient(s, i, w, div, clip, lambda);
            FloatVector vel = FloatVector.fromArray(SPECIES, v, i).mul(mu).add(g);
            vel.intoArray(v, i);
            FloatVector direction = nesterov ? g.add(vel.mul(mu)) : vel;
            w.mul(shrink).sub(direction.mul(lr)).intoArray(p, i);
        }
        PlainUpdate.momentum(p, s, v, t, j, mu, lr, nesterov, i);
    }

    @Override
    public void adam(float[] p, float[] s, float[] m, float[] v, GradientTerms t, int j, AdamCoefficients c) {
        float div = t.divisor();
        float clip = t.clip();
        float lambda = t.lambda(j);
        float shrink = t.shrink(j);
        int i = t.from(j);
        for (int upper = upper(t, j); i < upper; i += LANES) {
            FloatVector w = FloatVector.fromArray(SPECIES, p, i);
            FloatVector g = gradient(s, i, w, div, clip, lambda);
            FloatVector mi = FloatVector.fromArray(SPECIES, m, i).mul(c.b1).add(g.mul(c.c1));
            FloatVector vi = FloatVector.fromArray(SPECIES, v, i).mul(c.b2).add(g.mul(c.c2).mul(g));
            mi.intoArray(m, i);
            vi.intoArray(v, i);
            FloatVector denominator = vi.sqrt().mul(c.invSqrtBc2).add(c.eps);
            w.mul(shrink).sub(mi.mul(c.stepSize).div(denominator)).intoArray(p, i);
        }
        PlainUpdate.adam(p, s, m, v, t, j, c, i);
    }
}
