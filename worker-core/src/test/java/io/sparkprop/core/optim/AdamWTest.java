package io.sparkprop.core.optim;

import static io.sparkprop.core.optim.OptimTestSupport.assertBitIdentical;
import static io.sparkprop.core.optim.OptimTestSupport.assertClose;
import static io.sparkprop.core.optim.OptimTestSupport.assertRelClose;
import static io.sparkprop.core.optim.OptimTestSupport.f;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AdamWTest {

    @Test
    void decoupledDecayShrinksWeightsAndLeavesBiasesAlone() {
        // Zero gradient: the Adam step is 0 / (0 + eps) = 0, so only the decay acts.
        // weights [0, 2), bias [2, 3); lr = 0.1, lambda = 0.5: shrink = 1 - 0.05 = 0.95 per step.
        UpdateRule rule = new UpdateRule(new AdamW(), new ConstantRate(0.1), 0.5, 0, new int[] {0, 2}, 3);
        float[] p = f(2, -4, 3);
        rule.apply(p, new float[3]);
        assertClose(new double[] {1.9, -3.8, 3}, p, 1e-6);
        rule.apply(p, new float[3]);
        assertClose(new double[] {1.805, -3.61, 3}, p, 1e-6);
    }

    @Test
    void decayIsNotAddedToTheGradient() {
        // If lambda * W were added to the gradient (L2), Adam would normalise it away: with g = 0 on a
        // weight of 100 the first step would move it by ~lr, not by lr * lambda * 100.
        UpdateRule rule = new UpdateRule(new AdamW(), new ConstantRate(0.01), 0.1, 0, new int[] {0, 1}, 1);
        float[] p = f(100);
        rule.apply(p, new float[1]);
        // 100 * (1 - 0.01 * 0.1) = 99.9
        assertClose(new double[] {99.9}, p, 1e-4);
        assertTrue(new AdamW().decoupledWeightDecay());
        assertFalse(new Adam().decoupledWeightDecay());
    }

    /**
     * PyTorch's documented AdamW (torch.optim.AdamW, amsgrad = False, maximize = False), for each t:
     * <pre>
     *   theta <- theta - gamma * lambda * theta
     *   m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2
     *   m_hat = m / (1 - b1^t);  v_hat = v / (1 - b2^t)
     *   theta <- theta - gamma * m_hat / (sqrt(v_hat) + eps)
     * </pre>
     * with the decay applied here only to the weights (parameter groups: biases get weight_decay 0).
     */
    @Test
    void matchesPyTorchAdamWAlgorithmInDouble() {
        double b1 = 0.9, b2 = 0.999, eps = 1e-8, lambda = 0.1;
        LearningRateSchedule schedule = new StepDecay(0.05, 2, 0.5); // 0.05, 0.05, 0.025
        int[] weights = {0, 2};
        double[] theta = {1.0, -2.0, 0.5};
        double[][] grads = {{0.3, -0.1, 0.2}, {0.1, 0.4, -0.3}, {-0.2, 0.2, 0.1}};

        UpdateRule rule = new UpdateRule(new AdamW(b1, b2, eps), schedule, lambda, 0, weights, 3);
        float[] p = f(theta);
        double[] m = new double[3];
        double[] v = new double[3];
        for (int t = 1; t <= 3; t++) {
            double gamma = schedule.rate(t - 1);
            for (int i = 0; i < 3; i++) {
                boolean isWeight = i < 2;
                if (isWeight) {
                    theta[i] -= gamma * lambda * theta[i];
                }
                double g = grads[t - 1][i];
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                double mHat = m[i] / (1 - Math.pow(b1, t));
                double vHat = v[i] / (1 - Math.pow(b2, t));
                theta[i] -= gamma * mHat / (Math.sqrt(vHat) + eps);
            }
            rule.apply(p, f(grads[t - 1]));
            assertRelClose(theta, p, 1e-6);
        }
    }

    @Test
    void stepAloneIsAdam() {
        AdamW adamw = new AdamW(0.8, 0.99, 1e-6);
        Adam adam = new Adam(0.8, 0.99, 1e-6);
        adamw.initialize(2);
        adam.initialize(2);
        float[] p1 = f(1, 2);
        float[] p2 = f(1, 2);
        for (int t = 1; t <= 3; t++) {
            adamw.step(p1, f(0.3 * t, -0.1), 0.01, t);
            adam.step(p2, f(0.3 * t, -0.1), 0.01, t);
        }
        assertBitIdentical(p2, p1, "params");
        assertEquals("adamw", adamw.name());
    }
}
