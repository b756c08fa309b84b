package io.sparkprop.core.optim;

import static io.sparkprop.core.optim.OptimTestSupport.assertBitIdentical;
import static io.sparkprop.core.optim.OptimTestSupport.f;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class OptimizerStateTest {
    private static final int P = 5;
    private static final int N = 8;

    /** A deterministic, step-dependent gradient. */
    private static float[] grad(int step) {
        float[] g = new float[P];
        for (int i = 0; i < P; i++) {
            g[i] = (float) Math.sin(0.7 * step + 1.3 * i) * (i + 1);
        }
        return g;
    }

    private static float[] start() {
        return f(0.5, -1.25, 2, 0.1, -0.3);
    }

    static Stream<Arguments> optimizers() {
        return Stream.of(
                Arguments.of("momentum", (Supplier<Optimizer>) () -> new Momentum(0.9, false)),
                Arguments.of("nesterov", (Supplier<Optimizer>) () -> new Momentum(0.8, true)),
                Arguments.of("adam", (Supplier<Optimizer>) () -> new Adam(0.9, 0.99, 1e-7)),
                Arguments.of("adamw", (Supplier<Optimizer>) () -> new AdamW(0.85, 0.995, 1e-8)),
                Arguments.of("sgd", (Supplier<Optimizer>) Sgd::new));
    }

    /** reset() is a fresh start in place: the steps after it equal a new optimizer's, bit for bit. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    void resetStartsAfreshInPlace(String name, Supplier<Optimizer> make) {
        Optimizer used = make.get();
        used.initialize(P);
        float[] scratch = start();
        for (int t = 1; t <= 3; t++) {
            used.step(scratch, grad(t), 0.01, t);
        }
        used.reset();
        Optimizer fresh = make.get();
        fresh.initialize(P);
        assertBitIdentical(fresh.state(), used.state(), name + " state after reset");
        float[] pa = start();
        float[] pb = start();
        for (int t = 1; t <= N; t++) {
            used.step(pa, grad(t), 0.01, t);
            fresh.step(pb, grad(t), 0.01, t);
        }
        assertBitIdentical(pb, pa, name + " params after reset");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    void interruptedAndRestoredContinuesBitIdentically(String name, Supplier<Optimizer> make) {
        for (int k : new int[] {1, 3, N - 1}) {
            Optimizer straight = make.get();
            straight.initialize(P);
            float[] pa = start();
            for (int t = 1; t <= N; t++) {
                straight.step(pa, grad(t), 0.01, t);
            }

            Optimizer first = make.get();
            first.initialize(P);
            float[] pb = start();
            for (int t = 1; t <= k; t++) {
                first.step(pb, grad(t), 0.01, t);
            }
            float[][] saved = first.state();
            float[] savedParams = pb.clone();

            Optimizer resumed = first.copy();
            resumed.initialize(P);
            resumed.restoreState(saved);
            assertBitIdentical(saved, resumed.state(), name + " state after restore");
            float[] pc = savedParams.clone();
            for (int t = k + 1; t <= N; t++) {
                resumed.step(pc, grad(t), 0.01, t);
            }
            assertBitIdentical(pa, pc, name + " params, interrupted at " + k);
            assertBitIdentical(straight.state(), resumed.state(), name + " state, interrupted at " + k);
        }
    }

    /**
     * The flat, allocation-free state of local steps is the array state laid end to end: stored scaled by
     * w, each value is w times state()'s; loaded back (into another optimizer, from an offset), the steps
     * after it equal those after restoreState, bit for bit.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    void flatStateIsTheArraysEndToEnd(String name, Supplier<Optimizer> make) {
        Optimizer used = make.get();
        used.initialize(P);
        float[] p = start();
        for (int t = 1; t <= 3; t++) {
            used.step(p, grad(t), 0.01, t);
        }
        float[][] arrays = used.state();
        int offset = 3;
        float[] flat = new float[offset + arrays.length * P + 2];
        Arrays.fill(flat, 99f);
        used.storeState(flat, offset, 2.5f);
        for (int i = 0; i < arrays.length; i++) {
            for (int j = 0; j < P; j++) {
                assertEquals(arrays[i][j] * 2.5f, flat[offset + i * P + j], name + " state " + i + "[" + j + "]");
            }
        }
        assertEquals(99f, flat[offset - 1], "nothing written before the offset");
        assertEquals(99f, flat[offset + arrays.length * P], "nothing written after the state");

        used.storeState(flat, offset, 1f);
        Optimizer loaded = make.get();
        loaded.initialize(P);
        loaded.loadState(flat, offset);
        assertBitIdentical(arrays, loaded.state(), name + " loaded state");
        Optimizer restored = make.get();
        restored.initialize(P);
        restored.restoreState(arrays);
        float[] pa = p.clone();
        float[] pb = p.clone();
        for (int t = 4; t <= N; t++) {
            loaded.step(pa, grad(t), 0.01, t);
            restored.step(pb, grad(t), 0.01, t);
        }
        assertBitIdentical(pb, pa, name + " params after loadState");
        if (arrays.length > 0) {
            assertThrows(IllegalArgumentException.class, () -> loaded.loadState(new float[P], 1), name + " too short");
            assertThrows(IllegalStateException.class, () -> make.get().loadState(flat, 0), name + " not initialised");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    void stateIsACopyBothWays(String name, Supplier<Optimizer> make) {
        Optimizer opt = make.get();
        opt.initialize(P);
        float[] p = start();
        opt.step(p, grad(1), 0.01, 1);
        float[][] s = opt.state();
        float[][] before = deepCopy(s);
        for (float[] a : s) {
            Arrays.fill(a, 123f); // mutating the returned state must not reach the optimizer
        }
        assertBitIdentical(before, opt.state(), name + " state");

        float[][] input = deepCopy(before);
        opt.restoreState(input);
        for (float[] a : input) {
            Arrays.fill(a, -7f); // nor mutating the array handed to restoreState afterwards
        }
        assertBitIdentical(before, opt.state(), name + " restored state");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    void copyIsFreshWithTheSameHyperParameters(String name, Supplier<Optimizer> make) {
        Optimizer used = make.get();
        used.initialize(P);
        float[] p = start();
        for (int t = 1; t <= 3; t++) {
            used.step(p, grad(t), 0.01, t);
        }
        Optimizer copy = used.copy();
        assertNotSame(used, copy);
        assertEquals(used.getClass(), copy.getClass());
        assertEquals(used.name(), copy.name());
        assertEquals(used.decoupledWeightDecay(), copy.decoupledWeightDecay());
        // no state until initialised
        assertThrows(IllegalStateException.class, () -> copy.step(start(), grad(1), 0.01, 1));
        copy.initialize(P);
        for (float[] a : copy.state()) {
            assertBitIdentical(new float[P], a, name + " fresh state");
        }
        // the copy behaves exactly like a brand-new optimizer with the same hyper-parameters
        Optimizer fresh = make.get();
        fresh.initialize(P);
        float[] pa = start();
        float[] pb = start();
        for (int t = 1; t <= N; t++) {
            fresh.step(pa, grad(t), 0.01, t);
            copy.step(pb, grad(t), 0.01, t);
        }
        assertBitIdentical(pa, pb, name + " copy vs fresh");
    }

    @Test
    void copyKeepsHyperParameters() {
        Momentum m = (Momentum) new Momentum(0.7, true).copy();
        assertEquals(0.7, m.momentum());
        assertTrue(m.nesterov());
        Adam a = (Adam) new Adam(0.8, 0.95, 1e-5).copy();
        assertEquals(0.8, a.beta1());
        assertEquals(0.95, a.beta2());
        assertEquals(1e-5, a.epsilon());
        Optimizer w = new AdamW(0.8, 0.95, 1e-5).copy();
        assertInstanceOf(AdamW.class, w);
        assertTrue(w.decoupledWeightDecay());
        // AdamW's hyper-parameters survive copy(): its steps differ from the defaults'
        w.initialize(1);
        Optimizer d = new AdamW();
        d.initialize(1);
        float[] pw = f(1);
        float[] pd = f(1);
        for (int t = 1; t <= 2; t++) {
            w.step(pw, f(t), 0.1, t);
            d.step(pd, f(t), 0.1, t);
        }
        Optimizer ref = new AdamW(0.8, 0.95, 1e-5);
        ref.initialize(1);
        float[] pr = f(1);
        for (int t = 1; t <= 2; t++) {
            ref.step(pr, f(t), 0.1, t);
        }
        assertBitIdentical(pr, pw, "adamw copy");
        assertFalse(pw[0] == pd[0], "copy with non-default betas should differ from default AdamW");
    }

    static Stream<Arguments> ruleOptimizers() {
        return Stream.of(
                Arguments.of("momentum", (Supplier<Optimizer>) () -> new Momentum(0.9, true)),
                Arguments.of("adam", (Supplier<Optimizer>) Adam::new),
                Arguments.of("adamw", (Supplier<Optimizer>) AdamW::new));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ruleOptimizers")
    void updateRuleRestoreContinuesBitIdentically(String name, Supplier<Optimizer> make) {
        LearningRateSchedule schedule = new LinearWarmup(3, new CosineDecay(0.05, 6, 0.001));
        int[] weights = {0, 3};
        int k = 4;

        UpdateRule straight = new UpdateRule(make.get(), schedule, 0.01, 2.0, weights, P);
        float[] pa = start();
        for (int t = 1; t <= N; t++) {
            straight.apply(pa, grad(t));
        }

        UpdateRule first = new UpdateRule(make.get(), schedule, 0.01, 2.0, weights, P);
        float[] pb = start();
        for (int t = 1; t <= k; t++) {
            first.apply(pb, grad(t));
        }
        float[][] saved = first.optimizer().state();

        UpdateRule resumed = new UpdateRule(first.optimizer().copy(), schedule, 0.01, 2.0, weights, P);
        resumed.restore(first.steps(), saved);
        assertEquals(k, resumed.steps());
        assertEquals(first.nextRate(), resumed.nextRate(), 0);
        float[] pc = pb.clone();
        for (int t = k + 1; t <= N; t++) {
            resumed.apply(pc, grad(t));
        }
        assertBitIdentical(pa, pc, name + " params through UpdateRule");
        assertBitIdentical(straight.optimizer().state(), resumed.optimizer().state(), name + " state through UpdateRule");

        // sanity: the step count matters, so a wrong restore would have been caught
        UpdateRule wrong = new UpdateRule(first.optimizer().copy(), schedule, 0.01, 2.0, weights, P);
        wrong.restore(k - 1, saved);
        float[] pd = pb.clone();
        for (int t = k + 1; t <= N; t++) {
            wrong.apply(pd, grad(t));
        }
        assertFalse(Arrays.equals(pa, pd), "restoring the wrong step count should change the result");
    }

    private static float[][] deepCopy(float[][] s) {
        float[][] c = new float[s.length][];
        for (int i = 0; i < s.length; i++) {
            c[i] = s[i].clone();
        }
        return c;
    }
}
