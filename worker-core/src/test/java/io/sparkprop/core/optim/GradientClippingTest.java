package io.sparkprop.core.optim;

import static io.sparkprop.core.optim.OptimTestSupport.assertBitIdentical;
import static io.sparkprop.core.optim.OptimTestSupport.assertClose;
import static io.sparkprop.core.optim.OptimTestSupport.f;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class GradientClippingTest {

    @Test
    void globalNorm() {
        assertEquals(5.0, GradientClipping.globalNorm(f(3, 4)), 0);
        assertEquals(3.0, GradientClipping.globalNorm(f(1, -2, 2)), 0);
        assertEquals(0.0, GradientClipping.globalNorm(new float[0]), 0);
    }

    @Test
    void normFiveClippedToOne() {
        float[] g = f(3, 4);
        double norm = GradientClipping.clipByGlobalNorm(g, 1.0);
        assertEquals(5.0, norm, 0);
        // (3, 4) * 1/5
        assertClose(new double[] {0.6, 0.8}, g, 1e-7);
        assertEquals(1.0, GradientClipping.globalNorm(g), 1e-6);
    }

    @Test
    void clippedToALargerNormKeepsDirection() {
        float[] g = f(-6, 0, 8); // norm 10
        assertEquals(10.0, GradientClipping.clipByGlobalNorm(g, 2.5), 0);
        assertClose(new double[] {-1.5, 0, 2}, g, 1e-6);
    }

    @Test
    void belowOrAtTheThresholdUnchanged() {
        float[] g = f(0.3, 0.4);
        assertEquals(0.5, GradientClipping.clipByGlobalNorm(g, 1.0), 1e-7);
        assertBitIdentical(f(0.3, 0.4), g, "unclipped gradient");
        float[] h = f(3, 4);
        assertEquals(5.0, GradientClipping.clipByGlobalNorm(h, 5.0), 0);
        assertBitIdentical(f(3, 4), h, "gradient at the threshold");
    }
}
