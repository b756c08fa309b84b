package io.sparkprop.core.optim;

import static io.sparkprop.core.optim.OptimTestSupport.assertClose;
import static io.sparkprop.core.optim.OptimTestSupport.f;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * mu = 0.9, lr = 0.1, p0 = (1, 2), gradients g1 = (1, -1), g2 = (0.5, 2), g3 = (-1, 0).
 * Velocities (v <- mu v + g), the same for both variants:
 * v1 = (1, -1); v2 = (0.9 + 0.5, -0.9 + 2) = (1.4, 1.1); v3 = (1.26 - 1, 0.99 + 0) = (0.26, 0.99).
 */
class MomentumTest {
    private static final float[][] GRADS = {f(1, -1), f(0.5, 2), f(-1, 0)};

    @Test
    void classicalThreeStepsByHand() {
        Momentum opt = new Momentum(0.9, false);
        opt.initialize(2);
        float[] p = f(1, 2);
        // p1 = p0 - 0.1 v1 = (1 - 0.1, 2 + 0.1)
        opt.step(p, GRADS[0].clone(), 0.1, 1);
        assertClose(new double[] {0.9, 2.1}, p, 1e-6);
        assertClose(new double[] {1, -1}, opt.state()[0], 1e-6);
        // p2 = p1 - 0.1 v2 = (0.9 - 0.14, 2.1 - 0.11)
        opt.step(p, GRADS[1].clone(), 0.1, 2);
        assertClose(new double[] {0.76, 1.99}, p, 1e-6);
        assertClose(new double[] {1.4, 1.1}, opt.state()[0], 1e-6);
        // p3 = p2 - 0.1 v3 = (0.76 - 0.026, 1.99 - 0.099)
        opt.step(p, GRADS[2].clone(), 0.1, 3);
        assertClose(new double[] {0.734, 1.891}, p, 1e-6);
        assertClose(new double[] {0.26, 0.99}, opt.state()[0], 1e-6);
    }

    @Test
    void nesterovThreeStepsByHand() {
        // PyTorch SGD(nesterov=True, dampening=0): buf = mu buf + g; p -= lr (g + mu buf)
        Momentum opt = new Momentum(0.9, true);
        opt.initialize(2);
        float[] p = f(1, 2);
        // d1 = g1 + 0.9 v1 = (1 + 0.9, -1 - 0.9) = (1.9, -1.9); p1 = (1 - 0.19, 2 + 0.19)
        opt.step(p, GRADS[0].clone(), 0.1, 1);
        assertClose(new double[] {0.81, 2.19}, p, 1e-6);
        // d2 = g2 + 0.9 v2 = (0.5 + 1.26, 2 + 0.99) = (1.76, 2.99); p2 = (0.81 - 0.176, 2.19 - 0.299)
        opt.step(p, GRADS[1].clone(), 0.1, 2);
        assertClose(new double[] {0.634, 1.891}, p, 1e-6);
        // d3 = g3 + 0.9 v3 = (-1 + 0.234, 0 + 0.891) = (-0.766, 0.891); p3 = (0.634 + 0.0766, 1.891 - 0.0891)
        opt.step(p, GRADS[2].clone(), 0.1, 3);
        assertClose(new double[] {0.7106, 1.8019}, p, 1e-6);
        assertClose(new double[] {0.26, 0.99}, opt.state()[0], 1e-6);
    }

    @Test
    void threeElementsWithVaryingRate() {
        // mu = 0.5, p0 = (0, 1, -1), g = (2, 0, -4) every step, lr 0.1 then 0.2
        // v1 = (2, 0, -4), p1 = (-0.2, 1, -0.6)
        // v2 = (1 + 2, 0, -2 - 4) = (3, 0, -6), p2 = p1 - 0.2 v2 = (-0.8, 1, 0.6)
        Momentum opt = new Momentum(0.5, false);
        opt.initialize(3);
        float[] p = f(0, 1, -1);
        opt.step(p, f(2, 0, -4), 0.1, 1);
        assertClose(new double[] {-0.2, 1, -0.6}, p, 1e-6);
        opt.step(p, f(2, 0, -4), 0.2, 2);
        assertClose(new double[] {-0.8, 1, 0.6}, p, 1e-6);
    }

    @Test
    void namesAndAccessors() {
        assertEquals("momentum", new Momentum(0.9, false).name());
        assertEquals("nesterov", new Momentum(0.9, true).name());
        assertEquals(0.9, new Momentum(0.9, true).momentum());
    }
}
