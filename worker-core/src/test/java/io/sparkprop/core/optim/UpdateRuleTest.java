package io.sparkprop.core.optim;

import static io.sparkprop.core.optim.OptimTestSupport.assertClose;
import static io.sparkprop.core.optim.OptimTestSupport.f;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class UpdateRuleTest {

    /** Records what UpdateRule hands to the optimizer, and does not move the parameters. */
    static final class Recorder implements Optimizer {
        @Override
        public int stateArrays() {
            return 0;
        }

        final List<float[]> grads = new ArrayList<>();
        final List<float[]> params = new ArrayList<>();
        final List<Double> rates = new ArrayList<>();
        final List<Long> steps = new ArrayList<>();
        int initialisedWith = -1;

        @Override
        public String name() {
            return "recorder";
        }

        @Override
        public void initialize(int parameterCount) {
            initialisedWith = parameterCount;
        }

        @Override
        public void step(float[] p, float[] g, double lr, long t, ParameterRanges ranges) {
            params.add(p.clone());
            grads.add(g.clone());
            rates.add(lr);
            steps.add(t);
        }

        @Override
        public void reset() {
        }

        @Override
        public float[][] state() {
            return new float[0][];
        }

        @Override
        public void restoreState(float[][] state) {
        }

        @Override
        public void loadState(float[] flat, int offset) {
        }

        @Override
        public void storeState(float[] flat, int offset, float scale) {
        }

        @Override
        public Optimizer copy() {
            return new Recorder();
        }
    }

    @Test
    void sgdWithL2DecayOnWeightsOnly() {
        // weights [0, 4), biases [4, 6); lr = 0.1, lambda = 0.5
        // W <- W - 0.1 (g_W + 0.5 W) = 0.95 W - 0.1 g_W;  b <- b - 0.1 g_b
        UpdateRule rule = new UpdateRule(new Sgd(), new ConstantRate(0.1), 0.5, 0, new int[] {0, 4}, 6);
        float[] p = f(1, -2, 3, 0.5, 10, -10);
        rule.apply(p, f(0.1, 0.2, -0.3, 0, 1, 2));
        // (0.95 - 0.01, -1.9 - 0.02, 2.85 + 0.03, 0.475 - 0) and (10 - 0.1, -10 - 0.2)
        assertClose(new double[] {0.94, -1.92, 2.88, 0.475, 9.9, -10.2}, p, 1e-6);
        // second step, zero gradient: weights shrink by 0.95 again, biases stay
        rule.apply(p, new float[6]);
        assertClose(new double[] {0.893, -1.824, 2.736, 0.45125, 9.9, -10.2}, p, 1e-6);
        assertEquals(2, rule.steps());
    }

    @Test
    void severalWeightRanges() {
        // layout W1 [0, 2), b1 [2, 3), W2 [3, 5), b2 [5, 6); lr = 1, lambda = 0.1, zero gradient:
        // weights * 0.9, biases unchanged
        UpdateRule rule = new UpdateRule(new Sgd(), new ConstantRate(1), 0.1, 0, new int[] {0, 2, 3, 5}, 6);
        float[] p = f(1, 2, 3, 4, 5, 6);
        rule.apply(p, new float[6]);
        assertClose(new double[] {0.9, 1.8, 3, 3.6, 4.5, 6}, p, 1e-6);
    }

    @Test
    void noDecayIsPlainSgd() {
        UpdateRule rule = new UpdateRule(new Sgd(), new ConstantRate(0.5), 0, 0, new int[] {0, 2}, 2);
        float[] p = f(1, 1);
        rule.apply(p, f(2, -2));
        assertClose(new double[] {0, 2}, p, 0);
    }

    @Test
    void clipHappensBeforeDecayIsAdded() {
        // w = 10 (weight), b = 0 (bias), g = (3, 4), clip 1, lambda = 1, lr = 0.1.
        // Documented order: clip (3, 4) -> (0.6, 0.8), then g_w = 0.6 + 1 * 10 = 10.6:
        //   w = 10 - 1.06 = 8.94, b = 0 - 0.08 = -0.08.
        // (The other order would clip (13, 4), norm sqrt(185), giving w = 10 - 0.0956 = 9.904.)
        UpdateRule rule = new UpdateRule(new Sgd(), new ConstantRate(0.1), 1.0, 1.0, new int[] {0, 1}, 2);
        float[] p = f(10, 0);
        rule.apply(p, f(3, 4));
        assertClose(new double[] {8.94, -0.08}, p, 1e-6);
        // the reported norm is the raw gradient's, before clipping and without the decay term
        assertEquals(5.0, rule.lastGradientNorm(), 0);
    }

    @Test
    void optimizerReceivesClippedGradientPlusDecay() {
        Recorder rec = new Recorder();
        UpdateRule rule = new UpdateRule(rec, new ConstantRate(0.1), 0.5, 1.0, new int[] {0, 1}, 2);
        assertEquals(2, rec.initialisedWith);
        float[] p = f(2, 7);
        float[] g = f(3, 4);
        rule.apply(p, g);
        // clipped (0.6, 0.8); weight 0 gets + 0.5 * 2 = 1 -> 1.6; bias 1 untouched
        assertClose(new double[] {1.6, 0.8}, rec.grads.get(0), 1e-6);
        // the gradient array is modified in place (documented)
        assertClose(new double[] {1.6, 0.8}, g, 1e-6);
        // no decoupled shrink for a non-decoupled optimizer
        assertClose(new double[] {2, 7}, rec.params.get(0), 0);
    }

    @Test
    void scheduleIsReadAtZeroBasedTAndOptimizerGetsOneBasedT() {
        Recorder rec = new Recorder();
        LearningRateSchedule s = new StepDecay(0.1, 2, 0.5); // 0.1, 0.1, 0.05, 0.05
        UpdateRule rule = new UpdateRule(rec, s, 0, 0, new int[0], 1);
        assertEquals(0.1, rule.nextRate(), 0);
        for (int i = 0; i < 3; i++) {
            rule.apply(new float[1], new float[1]);
        }
        assertEquals(List.of(0.1, 0.1, 0.05), rec.rates);
        assertEquals(List.of(1L, 2L, 3L), rec.steps);
        assertEquals(3, rule.steps());
        assertEquals(0.05, rule.lastRate(), 0);
        assertEquals(0.05, rule.nextRate(), 0); // rate(3)
    }

    @Test
    void sgdThroughStepDecay() {
        // p = 0, g = 1 each step, rates 0.1, 0.1, 0.05: p = -0.25
        UpdateRule rule = new UpdateRule(new Sgd(), new StepDecay(0.1, 2, 0.5), 0, 0, new int[] {0, 1}, 1);
        float[] p = new float[1];
        for (int i = 0; i < 3; i++) {
            rule.apply(p, f(1));
        }
        assertEquals(-0.25, p[0], 1e-7);
    }

    @Test
    void decoupledShrinkUsesTheScheduledRate() {
        // AdamW, zero gradient, lambda = 1, rates 0.1 then 0.05 (step decay every 1, x0.5):
        // w = 4 * 0.9 * 0.95 = 3.42
        UpdateRule rule = new UpdateRule(new AdamW(), new StepDecay(0.1, 1, 0.5), 1.0, 0, new int[] {0, 1}, 2);
        float[] p = f(4, 4);
        rule.apply(p, new float[2]);
        rule.apply(p, new float[2]);
        assertClose(new double[] {3.42, 4}, p, 1e-6);
    }
}
