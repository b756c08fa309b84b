package io.sparkprop.core.optim;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class OptimizerValidationTest {

    private static void rejects(Executable call, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' lacks '" + fragment + "'");
        }
    }

    private static void rejectsState(Executable call, String... fragments) {
        IllegalStateException e = assertThrows(IllegalStateException.class, call);
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' lacks '" + fragment + "'");
        }
    }

    @Test
    void learningRates() {
        rejects(() -> new ConstantRate(-0.1), "learning rate", "-0.1");
        rejects(() -> new ConstantRate(0), "learning rate", "0.0");
        rejects(() -> new ConstantRate(Double.NaN), "learning rate", "NaN");
        rejects(() -> new ConstantRate(Double.POSITIVE_INFINITY), "learning rate", "Infinity");
        rejects(() -> new StepDecay(-1, 10, 0.5), "learning rate", "-1.0");
        rejects(() -> new ExponentialDecay(-0.5, 1, 0.9), "learning rate", "-0.5");
        rejects(() -> new InverseTimeDecay(-0.5, 1, 1), "learning rate", "-0.5");
        rejects(() -> new CosineDecay(-0.5, 10, 0), "learning rate", "-0.5");
        // a negative rate handed straight to step
        Sgd sgd = new Sgd();
        sgd.initialize(1);
        rejects(() -> sgd.step(new float[1], new float[1], -0.01, 1), "sgd", "learning rate", "-0.01");
        Momentum mom = new Momentum(0.9, false);
        mom.initialize(1);
        rejects(() -> mom.step(new float[1], new float[1], -0.01, 1), "momentum", "learning rate", "-0.01");
        Adam adam = new Adam();
        adam.initialize(1);
        rejects(() -> adam.step(new float[1], new float[1], Double.NaN, 1), "adam", "learning rate", "NaN");
    }

    @Test
    void scheduleParameters() {
        rejects(() -> new StepDecay(0.1, 0, 0.5), "step size", "got 0");
        rejects(() -> new StepDecay(0.1, 5, 0), "gamma", "0.0");
        rejects(() -> new ExponentialDecay(0.1, 1, 1.5), "gamma", "1.5");
        rejects(() -> new ExponentialDecay(0.1, 1, 0), "gamma", "0.0");
        rejects(() -> new InverseTimeDecay(0.1, 1, -2), "inverse-time decay k", "-2.0");
        rejects(() -> new CosineDecay(0.1, 0, 0), "total steps", "got 0");
        rejects(() -> new CosineDecay(0.1, 10, -0.01), "minimum learning rate", "-0.01");
        rejects(() -> new CosineDecay(0.1, 10, 0.2), "minimum learning rate 0.2", "0.1");
        rejects(() -> new LinearWarmup(0, new ConstantRate(0.1)), "warm-up steps", "got 0");
    }

    @Test
    void betasEpsilonMomentum() {
        rejects(() -> new Adam(1.0, 0.999, 1e-8), "beta1", "[0, 1)", "1.0");
        rejects(() -> new Adam(-0.1, 0.999, 1e-8), "beta1", "-0.1");
        rejects(() -> new Adam(0.9, 1.0, 1e-8), "beta2", "1.0");
        rejects(() -> new Adam(0.9, 1.5, 1e-8), "beta2", "1.5");
        rejects(() -> new Adam(0.9, 0.999, 0), "epsilon", "0.0");
        rejects(() -> new Adam(0.9, 0.999, -1e-8), "epsilon", "-1.0E-8");
        rejects(() -> new Adam(0.9, 0.999, Double.NaN), "epsilon", "NaN");
        rejects(() -> new AdamW(1.0, 0.999, 1e-8), "beta1", "1.0");
        rejects(() -> new AdamW(0.9, 0.9995 + 0.5, 1e-8), "beta2", "1.4995");
        rejects(() -> new AdamW(0.9, 0.999, -1), "epsilon", "-1.0");
        rejects(() -> new Momentum(1.0, false), "momentum", "1.0");
        rejects(() -> new Momentum(-0.5, true), "momentum", "-0.5");
    }

    @Test
    void weightDecayClipNormAndRanges() {
        rejects(() -> new UpdateRule(new Sgd(), new ConstantRate(0.1), -0.01, 0, new int[] {0, 2}, 2),
                "weight decay", "-0.01");
        rejects(() -> new UpdateRule(new Sgd(), new ConstantRate(0.1), 0, -1, new int[] {0, 2}, 2),
                "clipping norm", "-1.0");
        rejects(() -> GradientClipping.clipByGlobalNorm(new float[] {1}, -1), "clipping norm", "-1.0");
        rejects(() -> GradientClipping.clipByGlobalNorm(new float[] {1}, 0), "clipping norm", "0.0");
        rejects(() -> new UpdateRule(new Sgd(), new ConstantRate(0.1), 0, 0, new int[] {0, 3}, 2),
                "weight range [0, 3)", "[0, 2)");
        rejects(() -> new UpdateRule(new Sgd(), new ConstantRate(0.1), 0, 0, new int[] {2, 1}, 4), "[2, 1)");
        rejects(() -> new UpdateRule(new Sgd(), new ConstantRate(0.1), 0, 0, new int[] {0}, 4), "pairs", "1 numbers");
        UpdateRule rule = new UpdateRule(new Sgd(), new ConstantRate(0.1), 0, 0, new int[] {0, 2}, 2);
        rejects(() -> rule.restore(-1, new float[0][]), "step count", "-1");
    }

    @Test
    void stepBeforeInitialise() {
        rejectsState(() -> new Sgd().step(new float[2], new float[2], 0.1, 1), "sgd", "initialize");
        rejectsState(() -> new Momentum(0.9, false).step(new float[2], new float[2], 0.1, 1), "momentum", "initialize");
        rejectsState(() -> new Momentum(0.9, true).step(new float[2], new float[2], 0.1, 1), "nesterov", "initialize");
        rejectsState(() -> new Adam().step(new float[2], new float[2], 0.1, 1), "adam", "initialize");
        rejectsState(() -> new AdamW().step(new float[2], new float[2], 0.1, 1), "initialize");
    }

    @Test
    void wrongParameterAndGradientLengths() {
        Optimizer[] all = {new Sgd(), new Momentum(0.9, false), new Momentum(0.9, true), new Adam(), new AdamW()};
        for (Optimizer opt : all) {
            opt.initialize(3);
            // parameters not the initialised size
            rejects(() -> opt.step(new float[2], new float[2], 0.1, 1), "parameter array has length 2", "expected 3");
            // gradient shorter or longer than the parameters
            rejects(() -> opt.step(new float[3], new float[2], 0.1, 1), "gradient has length 2", "expected 3");
            rejects(() -> opt.step(new float[3], new float[4], 0.1, 1), "gradient has length 4", "expected 3");
        }
        UpdateRule rule = new UpdateRule(new Adam(), new ConstantRate(0.1), 0.1, 1, new int[] {0, 2}, 3);
        rejects(() -> rule.apply(new float[3], new float[2]), "gradient has length 2", "parameters 3");
    }

    @Test
    void wrongStateSizes() {
        Momentum mom = new Momentum(0.9, false);
        mom.initialize(3);
        rejects(() -> mom.restoreState(new float[][] {new float[2]}), "momentum", "length 2", "expected 3");
        rejects(() -> mom.restoreState(new float[][] {new float[3], new float[3]}), "must have 1 arrays", "got 2");
        rejects(() -> mom.restoreState(null), "momentum", "got null");
        rejects(() -> mom.restoreState(new float[][] {null}), "momentum", "null");

        Adam adam = new Adam();
        adam.initialize(3);
        rejects(() -> adam.restoreState(new float[][] {new float[3]}), "adam", "must have 2 arrays", "got 1");
        rejects(() -> adam.restoreState(new float[][] {new float[3], new float[4]}), "adam", "length 4", "expected 3");
        AdamW adamw = new AdamW();
        adamw.initialize(3);
        rejects(() -> adamw.restoreState(new float[][] {new float[5], new float[5]}), "length 5", "expected 3");

        // before initialise, m and v must at least agree
        rejects(() -> new Adam().restoreState(new float[][] {new float[3], new float[2]}), "adam", "length 2", "expected 3");

        Sgd sgd = new Sgd();
        sgd.initialize(3);
        rejects(() -> sgd.restoreState(new float[][] {new float[3]}), "sgd", "must have 0 arrays", "got 1");

        UpdateRule rule = new UpdateRule(new Momentum(0.9, false), new ConstantRate(0.1), 0, 0, new int[] {0, 2}, 3);
        rejects(() -> rule.restore(2, new float[][] {new float[4]}), "momentum", "length 4", "expected 3");
    }
}
