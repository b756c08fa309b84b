package io.sparkprop.core.optim;

import static io.sparkprop.core.optim.OptimTestSupport.assertClose;
import static io.sparkprop.core.optim.OptimTestSupport.f;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SgdTest {

    @Test
    void oneAndTwoStepsByHand() {
        Sgd sgd = new Sgd();
        sgd.initialize(3);
        float[] p = f(1, -2, 0.5);

        // p - 0.1 * (0.5, 1, -2) = (1 - 0.05, -2 - 0.1, 0.5 + 0.2)
        sgd.step(p, f(0.5, 1, -2), 0.1, 1);
        assertClose(new double[] {0.95, -2.1, 0.7}, p, 1e-6);

        // p - 0.1 * (1, -1, 0.25) = (0.95 - 0.1, -2.1 + 0.1, 0.7 - 0.025)
        sgd.step(p, f(1, -1, 0.25), 0.1, 2);
        assertClose(new double[] {0.85, -2.0, 0.675}, p, 1e-6);
    }

    @Test
    void zeroLearningRateLeavesParametersAlone() {
        Sgd sgd = new Sgd();
        sgd.initialize(2);
        float[] p = f(1.5, -3);
        sgd.step(p, f(100, -100), 0.0, 1);
        assertClose(new double[] {1.5, -3}, p, 0);
    }

    @Test
    void hasNoState() {
        Sgd sgd = new Sgd();
        sgd.initialize(4);
        assertEquals(0, sgd.state().length);
        sgd.restoreState(new float[0][]);
        assertEquals("sgd", sgd.name());
    }
}
