package io.sparkprop.core.optim;

import static io.sparkprop.core.optim.OptimTestSupport.assertBitIdentical;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The fused, vectorised update against a scalar reference written here from the formulas, one
 * separate pass per term in {@link UpdateRule}'s documented order (mean, clip, weight decay, rule),
 * each entry's operations in the order the formula is written. Every operation on an entry is one
 * correctly rounded float operation in the same order in both (no fused multiply-add, a float square
 * root), so the results are equal bit for bit; the norm is the same double sum in index order in both.
 * P = 1037 is not a multiple of any vector length, so every segment has a scalar tail.
 */
class FusedStepTest {
    private static final int P = 1037;
    /** Weights [0, 600) and [700, 1000); biases [600, 700) and [1000, 1037). */
    private static final int[] WEIGHTS = {0, 600, 700, 1000};
    private static final float ROWS = 64f;

    /** What the reference keeps between steps: the parameters and the state arrays. */
    private static final class Reference {
        final float[] p;
        final float[] a = new float[P];
        final float[] b = new float[P];

        Reference(float[] p0) {
            p = p0.clone();
        }

        /** One update from the gradient sum s over ROWS rows, at rate lr and 1-based step t. */
        void step(String optimizer, float[] s, double lr, long t, double lambda, double maxNorm) {
            float[] g = new float[P];
            for (int i = 0; i < P; i++) {
                g[i] = s[i] / ROWS;
            }
            double sum = 0;
            for (int i = 0; i < P; i++) {
                sum += (double) g[i] * g[i];
            }
            double norm = Math.sqrt(sum);
            if (maxNorm > 0 && norm > maxNorm) {
                float c = (float) (maxNorm / norm);
                for (int i = 0; i < P; i++) {
                    g[i] = g[i] * c;
                }
            }
            boolean decoupled = optimizer.equals("adamw");
            for (int r = 0; lambda > 0 && r < WEIGHTS.length; r += 2) {
                for (int i = WEIGHTS[r]; i < WEIGHTS[r + 1]; i++) {
                    if (decoupled) {
                        p[i] = p[i] * (float) (1 - lr * lambda);
                    } else {
                        g[i] = g[i] + (float) lambda * p[i];
                    }
                }
            }
            float rate = (float) lr;
            float mu = 0.9f;
            for (int i = 0; i < P; i++) {
                switch (optimizer) {
                    case "sgd":
                        p[i] = p[i] - rate * g[i];
                        break;
                    case "momentum":
                        a[i] = mu * a[i] + g[i];
                        p[i] = p[i] - rate * a[i];
                        break;
                    case "nesterov":
                        a[i] = mu * a[i] + g[i];
                        p[i] = p[i] - rate * (g[i] + mu * a[i]);
                        break;
                    default:
                        // Adam: m, v; p -= (lr / (1 - b1^t)) m / (sqrt(v) / sqrt(1 - b2^t) + eps)
                        a[i] = 0.9f * a[i] + (float) (1 - 0.9) * g[i];
                        b[i] = 0.999f * b[i] + (float) (1 - 0.999) * g[i] * g[i];
                        float stepSize = (float) (lr / (1 - Math.pow(0.9, t)));
                        float invSqrtBc2 = (float) (1 / Math.sqrt(1 - Math.pow(0.999, t)));
                        p[i] = p[i] - stepSize * a[i] / ((float) Math.sqrt(b[i]) * invSqrtBc2 + 1e-8f);
                }
            }
        }
    }

    private static float[] random(SplittableRandom rng, double scale) {
        float[] x = new float[P];
        for (int i = 0; i < P; i++) {
            x[i] = (float) ((rng.nextDouble() - 0.5) * scale);
        }
        return x;
    }

    /** Three steps of the rule (decay lambda, clipping at maxNorm) against the reference, bit for bit. */
    private static void matchesReference(String name, double lambda, double maxNorm) {
        SplittableRandom rng = new SplittableRandom(name.hashCode() + 31 * (long) (lambda * 1000) + (long) maxNorm);
        float[] p0 = random(rng, 2);
        Optimizer optimizer = Optimizer.named(name, 0.9, 0.9, 0.999, 1e-8);
        UpdateRule rule = new UpdateRule(optimizer, new StepDecay(0.05, 1, 0.5), lambda, maxNorm, WEIGHTS, P);
        Reference ref = new Reference(p0);
        float[] p = p0.clone();
        ParameterRanges all = ParameterRanges.all(P);
        for (int t = 1; t <= 3; t++) {
            float[] s = random(rng, 40);
            ref.step(name, s.clone(), rule.nextRate(), t, lambda, maxNorm);
            rule.applySum(p, s, ROWS, all);
            String what = name + " lambda " + lambda + " clip " + maxNorm + " step " + t;
            assertBitIdentical(ref.p, p, what + " parameters");
            float[][] state = optimizer.state();
            if (state.length > 0) {
                assertBitIdentical(ref.a, state[0], what + " state 0");
            }
            if (state.length > 1) {
                assertBitIdentical(ref.b, state[1], what + " state 1");
            }
        }
    }

    @Test
    void everyOptimizerMatchesTheSeparatePassesBitForBit() {
        for (String name : Optimizer.NAMES) {
            matchesReference(name, 0, 0);
            matchesReference(name, 0.01, 0);
            // the gradient means have norm ~ sqrt(P / 12) * 40 / 64 ~ 5.8: clipping at 1 scales every step
            matchesReference(name, 0.01, 1);
        }
    }

    @Test
    void vectorAndPlainLoopsGiveTheSameBits() {
        for (String name : Optimizer.NAMES) {
            float[][] results = new float[2][];
            UpdateKernel[] kernels = {new VectorUpdate(), new PlainUpdate()};
            for (int k = 0; k < 2; k++) {
                SplittableRandom rng = new SplittableRandom(5);
                float[] p = random(rng, 2);
                float[] m = new float[P];
                float[] v = new float[P];
                GradientTerms terms = new GradientTerms(WEIGHTS);
                AdamCoefficients c = new AdamCoefficients();
                for (int t = 1; t <= 3; t++) {
                    float[] s = random(rng, 40);
                    boolean adamw = name.equals("adamw");
                    terms.set(ROWS, 0.75f, adamw ? 0f : 0.01f, adamw ? 0.999f : 1f);
                    c.set(0.9, 0.999, 1e-8, 0.01, t);
                    for (int j = 0, n = terms.split(ParameterRanges.all(P)); j < n; j++) {
                        switch (name) {
                            case "sgd" -> kernels[k].sgd(p, s, terms, j, 0.01f);
                            case "momentum", "nesterov" -> kernels[k].momentum(p, s, m, terms, j, 0.9f, 0.01f,
                                    name.equals("nesterov"));
                            default -> kernels[k].adam(p, s, m, v, terms, j, c);
                        }
                    }
                }
                results[k] = p;
            }
            assertBitIdentical(results[1], results[0], name + " vector against plain");
        }
    }

    @Test
    void theNormIsComputedOnlyWhenClippingOrTheCallerNeedsIt() {
        ParameterRanges all = ParameterRanges.all(P);
        float[] s = random(new SplittableRandom(3), 40);
        UpdateRule plain = new UpdateRule(new Adam(), new ConstantRate(0.01), 0, 0, WEIGHTS, P);
        plain.applySum(new float[P], s.clone(), ROWS, all);
        assertTrue(Double.isNaN(plain.lastGradientNorm()), "no clipping: no norm pass");
        UpdateRule clipped = new UpdateRule(new Adam(), new ConstantRate(0.01), 0, 1, WEIGHTS, P);
        clipped.applySum(new float[P], s.clone(), ROWS, all);
        double sum = 0;
        for (float x : s) {
            double g = x / ROWS;
            sum += g * g;
        }
        assertEquals(Math.sqrt(sum), clipped.lastGradientNorm(), 0);
        // apply(), the synchronous driver's update, logs the norm of the mean it is given
        plain.apply(new float[P], s.clone());
        assertEquals(Math.sqrt(sum) * ROWS, plain.lastGradientNorm(), 1e-9 * sum * ROWS);
    }

    @Test
    void aZeroOrInfiniteDivisorIsRefused() {
        UpdateRule rule = new UpdateRule(new Sgd(), new ConstantRate(0.01), 0, 0, WEIGHTS, P);
        ParameterRanges all = ParameterRanges.all(P);
        for (float bad : new float[] {0f, -1f, Float.POSITIVE_INFINITY, Float.NaN}) {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> rule.applySum(new float[P], new float[P], bad, all));
            assertTrue(e.getMessage().contains("gradient divisor"), e.getMessage());
        }
    }
}
