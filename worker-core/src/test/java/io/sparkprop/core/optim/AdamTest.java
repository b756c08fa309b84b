package io.sparkprop.core.optim;

import static io.sparkprop.core.optim.OptimTestSupport.assertRelClose;
import static io.sparkprop.core.optim.OptimTestSupport.f;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class AdamTest {

    /**
     * The textbook algorithm (Kingma and Ba, Algorithm 1; PyTorch's Adam with weight_decay = 0), in
     * double precision, written out here independently of the production code.
     */
    static double[] adamReference(double[] p0, double[][] grads, double lr, double b1, double b2, double eps) {
        double[] p = p0.clone();
        double[] m = new double[p.length];
        double[] v = new double[p.length];
        for (int t = 1; t <= grads.length; t++) {
            double[] g = grads[t - 1];
            for (int i = 0; i < p.length; i++) {
                m[i] = b1 * m[i] + (1 - b1) * g[i];
                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
                double mHat = m[i] / (1 - Math.pow(b1, t));
                double vHat = v[i] / (1 - Math.pow(b2, t));
                p[i] -= lr * mHat / (Math.sqrt(vHat) + eps);
            }
        }
        return p;
    }

    @Test
    void constantGradientMovesByLrTimesSignEveryStep() {
        // With g constant, bias correction makes m_hat = g and v_hat = g^2 exactly at every t, so each
        // step moves p by lr * g / (|g| + eps) ~ lr * sign(g). From p = 0 the position after k steps is
        // -k * lr * g / (|g| + eps).
        double lr = 0.01;
        double eps = 1e-8;
        double[] g = {0.5, -3, 1e-3, 40};
        Adam adam = new Adam(0.9, 0.999, eps);
        adam.initialize(g.length);
        float[] p = new float[g.length];
        for (int k = 1; k <= 3; k++) {
            adam.step(p, f(g), lr, k);
            double[] expected = new double[g.length];
            for (int i = 0; i < g.length; i++) {
                expected[i] = -k * lr * g[i] / (Math.abs(g[i]) + eps);
            }
            // e.g. for g = 0.5: -k * 0.01 * 0.5 / 0.50000001 = -k * 0.0099999998;
            // for g = 1e-3 eps matters at the 1e-5 level: -k * 0.01 / (1 + 1e-5)
            assertRelClose(expected, p, 1e-6);
        }
        // after step 1 it is (to float precision) exactly lr * sign(g)
        assertRelClose(new double[] {-0.03, 0.03, -0.03 / (1 + 1e-5), -0.03}, p, 1e-6);
    }

    @Test
    void biasCorrectionAtStepTwoByHand() {
        // b1 = 0.9, b2 = 0.999, lr = 0.1, g1 = 1, g2 = 0:
        // t=1: m = 0.1, v = 0.001, m_hat = 1, v_hat = 1, update = 0.1 * 1 / (1 + 1e-8) = 0.099999999
        // t=2: m = 0.09, v = 0.000999, m_hat = 0.09 / 0.19 = 0.47368421,
        //      v_hat = 0.000999 / 0.001999 = 0.49974987, update = 0.1 * 0.47368421 / 0.70693003 = 0.06700582
        Adam adam = new Adam();
        adam.initialize(1);
        float[] p = new float[1];
        adam.step(p, f(1), 0.1, 1);
        assertRelClose(new double[] {-0.099999999}, p, 1e-6);
        adam.step(p, f(0), 0.1, 2);
        assertRelClose(new double[] {-(0.099999999 + 0.0670058244658)}, p, 1e-6);
        float[][] state = adam.state();
        assertRelClose(new double[] {0.09}, state[0], 1e-6);
        assertRelClose(new double[] {0.000999}, state[1], 1e-6);
    }

    @Test
    void varyingGradientsMatchDoublePrecisionUnroll() {
        double b1 = 0.8;
        double b2 = 0.99;
        double eps = 1e-6;
        double lr = 0.1;
        double[] p0 = {0.5, -1.0, 2.0};
        double[][] grads = {{0.1, -0.2, 3}, {-0.3, 0.05, 2}, {0.2, 0.4, -1}};
        Adam adam = new Adam(b1, b2, eps);
        adam.initialize(3);
        float[] p = f(p0);
        for (int t = 1; t <= 3; t++) {
            adam.step(p, f(grads[t - 1]), lr, t);
            double[][] prefix = java.util.Arrays.copyOf(grads, t);
            double[] expected = adamReference(p0, prefix, lr, b1, b2, eps);
            assertRelClose(expected, p, 1e-6);
            // and the displacement itself, not just the position
            double[] moved = new double[3];
            float[] movedF = new float[3];
            for (int i = 0; i < 3; i++) {
                moved[i] = expected[i] - p0[i];
                movedF[i] = (float) (p[i] - p0[i]);
            }
            assertRelClose(moved, movedF, 2e-5);
        }
        // step 1 alone is lr * sign(g): p1 = (0.5 - 0.1, -1 + 0.1, 2 - 0.1) up to eps
        double[] afterOne = adamReference(p0, new double[][] {grads[0]}, lr, b1, b2, eps);
        assertEquals(0.4, afterOne[0], 1e-5);
        assertEquals(-0.9, afterOne[1], 1e-5);
        assertEquals(1.9, afterOne[2], 1e-6);
    }

    @Test
    void stepNumberMustStartAtOne() {
        Adam adam = new Adam();
        adam.initialize(1);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> adam.step(new float[1], new float[1], 0.1, 0));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("got 0"), e.getMessage());
    }
}
