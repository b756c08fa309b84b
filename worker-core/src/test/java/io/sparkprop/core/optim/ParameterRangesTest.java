package io.sparkprop.core.optim;

import static io.sparkprop.core.optim.OptimTestSupport.assertBitIdentical;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Touched-column ranges (train.sparseUpdate) against hand-written ones, and touched steps against the
 * dense step: the entries inside the ranges move exactly as in the dense step, the others not at all.
 */
class ParameterRangesTest {
    // W1 [3 x 10] at 0..29, b1 [3] at 30..32, then 8 more entries: P = 41
    private static final int N0 = 10;
    private static final int N1 = 3;
    private static final int P = 41;

    private static int[] flat(ParameterRanges r) {
        int[] out = new int[2 * r.size()];
        for (int k = 0; k < r.size(); k++) {
            out[2 * k] = r.start(k);
            out[2 * k + 1] = r.end(k);
        }
        return out;
    }

    @Test
    void touchedColumnsBecomeOneRangePerRowAndRunThenTheRest() {
        ParameterRanges r = new ParameterRanges();
        // columns 7, 2, 3, 2 (a repeat), 9 in any order: runs {2, 3}, {7}, {9} in each of the 3 rows
        r.setColumns(new int[] {-1, 7, 2, 3, 2, 9, -1}, 1, 6, N0, N1, P);
        assertArrayEquals(new int[] {2, 4, 7, 8, 9, 10, 12, 14, 17, 18, 19, 20, 22, 24, 27, 28, 29, 41}, flat(r));
        assertEquals(4, r.columns());
        assertEquals(3 * 4 + 11, r.entries());
        // the marks are cleared: a second fill sees only its own columns
        r.setColumns(new int[] {0}, 0, 1, N0, N1, P);
        assertArrayEquals(new int[] {0, 1, 10, 11, 20, 21, 30, 41}, flat(r));
    }

    @Test
    void everyColumnTouchedIsTheDenseRange() {
        ParameterRanges r = new ParameterRanges();
        int[] all = {9, 8, 7, 6, 5, 4, 3, 2, 1, 0};
        r.setColumns(all, 0, all.length, N0, N1, P);
        assertArrayEquals(new int[] {0, P}, flat(r));
        r.setAll(P);
        assertArrayEquals(new int[] {0, P}, flat(r));
        assertEquals(-1, r.columns());
        // no column touched: only the entries after W1
        r.setColumns(all, 0, 0, N0, N1, P);
        assertArrayEquals(new int[] {30, 41}, flat(r));
    }

    @Test
    void nonzeroColumnsOfAGradient() {
        float[] g = new float[P];
        g[1 * N0 + 4] = 0.5f;   // W1[1][4]
        g[2 * N0 + 5] = -2f;    // W1[2][5]
        g[0 * N0 + 5] = -0f;    // a negative zero is zero
        ParameterRanges r = new ParameterRanges();
        r.setNonzeroColumns(g, N0, N1, P);
        assertArrayEquals(new int[] {4, 6, 14, 16, 24, 26, 30, 41}, flat(r));
        assertEquals(2, r.columns());
    }

    @Test
    void zeroScaleDivideAndNormVisitOnlyTheRanges() {
        ParameterRanges r = new ParameterRanges();
        r.setColumns(new int[] {3}, 0, 1, N0, N1, P);
        float[] a = new float[P];
        Arrays.fill(a, 2f);
        assertEquals(4.0 * (N1 + 11), r.sumOfSquares(a));
        r.scale(a, 3f);
        r.divide(a, 2f);
        assertEquals(3f, a[3]);
        assertEquals(3f, a[40]);
        assertEquals(2f, a[4]);
        r.zero(a);
        assertEquals(0f, a[13]);
        assertEquals(0f, a[30]);
        assertEquals(2f, a[12]);
    }

    private static List<Optimizer> optimizers() {
        List<Optimizer> all = new ArrayList<>();
        for (String name : Optimizer.NAMES) {
            all.add(Optimizer.named(name, 0.9, 0.9, 0.999, 1e-8));
        }
        return all;
    }

    /**
     * Three steps of each optimizer on a gradient that is nonzero only in the touched columns (and
     * after W1): inside the ranges the parameters and the state have the dense steps' bits; outside,
     * the touched steps leave them exactly as they were (the lazy semantics), where the dense steps
     * of the stateful optimizers keep moving them.
     */
    @Test
    void aTouchedStepIsTheDenseStepInsideAndNoStepOutside() {
        SplittableRandom random = new SplittableRandom(5);
        ParameterRanges r = new ParameterRanges();
        r.setColumns(new int[] {1, 2, 6}, 0, 3, N0, N1, P);
        boolean[] inside = new boolean[P];
        for (int k = 0; k < r.size(); k++) {
            Arrays.fill(inside, r.start(k), r.end(k), true);
        }
        float[] start = new float[P];
        float[] warm = new float[P];
        for (int i = 0; i < P; i++) {
            start[i] = (float) random.nextGaussian();
            warm[i] = (float) random.nextGaussian();
        }
        for (Optimizer template : optimizers()) {
            Optimizer dense = template.copy();
            Optimizer touched = template.copy();
            dense.initialize(P);
            touched.initialize(P);
            float[] pd = start.clone();
            float[] pt = start.clone();
            // a first dense step on a full gradient gives both the same nonzero state everywhere
            dense.step(pd, warm.clone(), 0.01, 1);
            touched.step(pt, warm.clone(), 0.01, 1);
            float[] afterWarm = pt.clone();
            float[][] stateAfterWarm = touched.state();
            for (long t = 2; t <= 4; t++) {
                float[] g = new float[P];
                for (int i = 0; i < P; i++) {
                    g[i] = inside[i] ? (float) random.nextGaussian() : 0f;
                }
                dense.step(pd, g.clone(), 0.01, t);
                touched.step(pt, g.clone(), 0.01, t, r);
            }
            float[][] sd = dense.state();
            float[][] st = touched.state();
            boolean denseMovedOutside = false;
            for (int i = 0; i < P; i++) {
                if (inside[i]) {
                    assertEquals(Float.floatToRawIntBits(pd[i]), Float.floatToRawIntBits(pt[i]), template.name() + " parameter " + i);
                    for (int s = 0; s < sd.length; s++) {
                        assertEquals(Float.floatToRawIntBits(sd[s][i]), Float.floatToRawIntBits(st[s][i]), template.name() + " state " + i);
                    }
                } else {
                    assertEquals(Float.floatToRawIntBits(afterWarm[i]), Float.floatToRawIntBits(pt[i]), template.name() + " untouched " + i);
                    for (int s = 0; s < st.length; s++) {
                        assertEquals(Float.floatToRawIntBits(stateAfterWarm[s][i]), Float.floatToRawIntBits(st[s][i]),
                                template.name() + " untouched state " + i);
                    }
                    denseMovedOutside |= pd[i] != afterWarm[i];
                }
            }
            // SGD without state: a zero gradient moves nothing, so touched is the dense step everywhere
            assertEquals(!template.name().equals("sgd"), denseMovedOutside, template.name());
            if (template.name().equals("sgd")) {
                assertBitIdentical(pd, pt, "sgd");
            }
        }
    }

    /** UpdateRule with clipping on a touched gradient: the dense norm, the dense bits (SGD, no weight decay). */
    @Test
    void aTouchedUpdateRuleClipsByTheDenseNorm() {
        ParameterRanges r = new ParameterRanges();
        r.setColumns(new int[] {0, 8}, 0, 2, N0, N1, P);
        float[] g = new float[P];
        for (int k = 0; k < r.size(); k++) {
            for (int i = r.start(k); i < r.end(k); i++) {
                g[i] = 0.5f + i;
            }
        }
        int[] weights = {0, 30, 33, 41};
        UpdateRule dense = new UpdateRule(new Sgd(), new ConstantRate(0.1), 0, 1.0, weights, P);
        UpdateRule touched = new UpdateRule(new Sgd(), new ConstantRate(0.1), 0, 1.0, weights, P);
        float[] pd = new float[P];
        float[] pt = new float[P];
        Arrays.fill(pd, 1f);
        Arrays.fill(pt, 1f);
        float[] garbage = g.clone();
        // outside the ranges a touched gradient may hold anything: it is never read
        garbage[5] = 1e9f;
        dense.apply(pd, g.clone());
        touched.apply(pt, garbage, r);
        assertEquals(dense.lastGradientNorm(), touched.lastGradientNorm());
        assertFalse(dense.lastGradientNorm() <= 1.0);
        assertBitIdentical(pd, pt, "clipped sgd");
        // with weight decay only the visited weights decay (lazily): W1[0][5] stays where it was
        UpdateRule decayed = new UpdateRule(new Sgd(), new ConstantRate(0.1), 0.5, 0, weights, P);
        float[] pw = new float[P];
        Arrays.fill(pw, 1f);
        decayed.apply(pw, new float[P], r);
        assertEquals(1f, pw[5]);
        assertEquals(1f - 0.1f * 0.5f, pw[8]);
        assertEquals(1f, pw[30], "a bias does not decay");
        assertEquals(1f - 0.1f * 0.5f, pw[35]);
    }
}
