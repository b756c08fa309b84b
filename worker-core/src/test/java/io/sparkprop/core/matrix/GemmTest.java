package io.sparkprop.core.matrix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Both kernels against {@link ReferenceGemm} over the four transpose cases and awkward shapes. */
class GemmTest {

    static Stream<Gemm> kernels() {
        return Stream.of(new VectorGemm(), new PlainGemm());
    }

    /** One product to check: shapes, layout padding and beta. */
    private static final class Case {
        final boolean transA;
        final boolean transB;
        final int m;
        final int n;
        final int k;
        final int aOff;
        final int bOff;
        final int cOff;
        final int ldPad;
        final float beta;

        Case(boolean transA, boolean transB, int m, int n, int k, int aOff, int bOff, int cOff, int ldPad, float beta) {
            this.transA = transA;
            this.transB = transB;
            this.m = m;
            this.n = n;
            this.k = k;
            this.aOff = aOff;
            this.bOff = bOff;
            this.cOff = cOff;
            this.ldPad = ldPad;
            this.beta = beta;
        }

        @Override
        public String toString() {
            return (transA ? "T" : "N") + (transB ? "T" : "N") + " m=" + m + " n=" + n + " k=" + k
                    + " offs=" + aOff + "/" + bOff + "/" + cOff + " ldPad=" + ldPad + " beta=" + beta;
        }
    }

    /** Operands laid out for a case, C pre-filled (NaN where beta = 0 must ignore it). */
    private static final class Operands {
        final int lda;
        final int ldb;
        final int ldc;
        final float[] a;
        final float[] b;
        final float[] c;

        Operands(Case t, SplittableRandom rng) {
            int aRows = t.transA ? t.k : t.m;
            int aCols = t.transA ? t.m : t.k;
            int bRows = t.transB ? t.n : t.k;
            int bCols = t.transB ? t.k : t.n;
            lda = aCols + t.ldPad;
            ldb = bCols + t.ldPad;
            ldc = t.n + t.ldPad;
            a = random(rng, t.aOff + aRows * lda + 3);
            b = random(rng, t.bOff + bRows * ldb + 3);
            c = t.beta == 0f ? nans(t.cOff + t.m * ldc + 3) : random(rng, t.cOff + t.m * ldc + 3);
        }

        void run(Gemm g, Case t, float[] into) {
            g.gemm(t.transA, t.transB, t.m, t.n, t.k, a, t.aOff, lda, b, t.bOff, ldb, t.beta, into, t.cOff, ldc);
        }
    }

    private static float[] random(SplittableRandom rng, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = (float) (2 * rng.nextDouble() - 1);
        }
        return x;
    }

    private static float[] nans(int size) {
        float[] x = new float[size];
        Arrays.fill(x, Float.NaN);
        return x;
    }

    private static void check(Gemm g, Case t, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Operands o = new Operands(t, rng);
        float[] c = o.c.clone();
        o.run(g, t, c);
        double[] scale = new double[t.m * t.n];
        double[] want = ReferenceGemm.gemm(t.transA, t.transB, t.m, t.n, t.k, o.a, t.aOff, o.lda, o.b, t.bOff, o.ldb,
                t.beta, o.c, t.cOff, o.ldc, scale);
        double tol = 1e-5 * Math.sqrt(Math.max(1, t.k));
        for (int i = 0; i < t.m; i++) {
            for (int j = 0; j < t.n; j++) {
                float got = c[t.cOff + i * o.ldc + j];
                double err = Math.abs(got - want[i * t.n + j]);
                if (!(err <= tol * scale[i * t.n + j] + 1e-30)) {
                    fail(g.name() + " " + t + ": C[" + i + "][" + j + "] = " + got + ", expected " + want[i * t.n + j]);
                }
            }
        }
        // Nothing outside the m x n window of C may change (padding columns, before cOff, after the end).
        for (int x = 0; x < c.length; x++) {
            int rel = x - t.cOff;
            boolean inside = rel >= 0 && rel < t.m * o.ldc && rel % o.ldc < t.n;
            if (!inside && Float.floatToRawIntBits(c[x]) != Float.floatToRawIntBits(o.c[x])) {
                fail(g.name() + " " + t + ": wrote outside C at index " + x);
            }
        }
    }

    private static final int[][] EDGE_SHAPES = {
        {1, 1, 1}, {1, 7, 3}, {5, 1, 9}, {3, 4, 1}, {7, 13, 5}, {17, 33, 19}, {6, 16, 8}, {12, 32, 16},
        {13, 10, 128}, {10, 128, 31}, {31, 17, 63}, {130, 41, 300}, {7, 300, 9}, {64, 257, 130}, {121, 19, 257},
    };

    @ParameterizedTest
    @MethodSource("kernels")
    void matchesReferenceOnEdgeShapesInAllTransposeCases(Gemm g) {
        long seed = 1;
        float[] betas = {0f, 1f, 0.5f};
        for (int[] s : EDGE_SHAPES) {
            for (int tc = 0; tc < 4; tc++) {
                for (float beta : betas) {
                    check(g, new Case((tc & 2) != 0, (tc & 1) != 0, s[0], s[1], s[2], 0, 0, 0, 0, beta), seed++);
                    check(g, new Case((tc & 2) != 0, (tc & 1) != 0, s[0], s[1], s[2], 3, 5, 7, 2, beta), seed++);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void matchesReferenceOnRandomShapes(Gemm g) {
        SplittableRandom rng = new SplittableRandom(7);
        for (int trial = 0; trial < 60; trial++) {
            int m = 1 + rng.nextInt(rng.nextBoolean() ? 20 : 140);
            int n = 1 + rng.nextInt(rng.nextBoolean() ? 20 : 140);
            int k = 1 + rng.nextInt(rng.nextBoolean() ? 20 : 300);
            float beta = new float[] {0f, 1f, -2f}[rng.nextInt(3)];
            check(g, new Case(rng.nextBoolean(), rng.nextBoolean(), m, n, k, rng.nextInt(4), rng.nextInt(4),
                    rng.nextInt(4), rng.nextInt(3), beta), trial);
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void matchesReferenceOnMlpShapes(Gemm g) {
        check(g, new Case(false, false, 512, 256, 784, 0, 0, 0, 0, 0f), 100);
        check(g, new Case(false, true, 512, 256, 784, 0, 0, 0, 0, 0f), 101);
        check(g, new Case(false, true, 512, 128, 256, 0, 0, 0, 0, 0f), 102);
        check(g, new Case(false, true, 512, 10, 128, 0, 0, 0, 0, 0f), 103);
        check(g, new Case(true, false, 256, 784, 512, 0, 0, 0, 0, 1f), 104);
        check(g, new Case(true, false, 128, 256, 512, 0, 0, 0, 0, 1f), 105);
        check(g, new Case(true, false, 10, 128, 512, 0, 0, 0, 0, 1f), 106);
        check(g, new Case(false, false, 512, 256, 128, 0, 0, 0, 0, 0f), 107);
        check(g, new Case(false, false, 512, 128, 10, 0, 0, 0, 0, 0f), 108);
    }

    /**
     * The Vector API kernel's bits are fixed by the shapes alone, whatever its blocking, packing or
     * operand order: C(i, j) = beta C(i, j) + s_1 + s_2 + ..., s_q = fma chains from 0 over the q-th of
     * k's equal blocks of at most 256, in order of k (with beta = 0 the first block is stored as 0 + s_1).
     */
    @Test
    void vectorKernelSumsEachElementInKBlocksOfOneFmaPerStep() {
        Case[] cases = {
            new Case(false, true, 64, 256, 784, 0, 0, 0, 0, 0f), new Case(false, true, 128, 128, 256, 0, 0, 0, 0, 0f),
            new Case(false, true, 64, 10, 128, 0, 0, 0, 0, 0f), new Case(false, true, 100, 13, 300, 3, 5, 7, 2, 1f),
            new Case(false, true, 7, 30, 9, 1, 2, 3, 1, -2f), new Case(false, true, 512, 256, 784, 0, 0, 0, 0, 0f),
            new Case(true, false, 256, 784, 64, 0, 0, 0, 0, 0f), new Case(true, false, 10, 128, 128, 0, 0, 0, 0, 1f),
            new Case(false, false, 64, 256, 128, 0, 0, 0, 0, 0f), new Case(false, false, 64, 128, 10, 2, 1, 0, 3, 0f),
            new Case(true, true, 33, 17, 520, 0, 0, 0, 0, 0.5f),
            // in place at a worker's batch: TN (k <= 128) and NN (m <= 128), with partial row and column
            // panels, several k blocks (NN), offsets and padded strides; NT with a partial 4-row group
            new Case(true, false, 256, 784, 128, 0, 0, 0, 0, 1f), new Case(true, false, 13, 50, 100, 1, 2, 3, 1, 0f),
            new Case(true, false, 21, 70, 7, 0, 3, 2, 2, -2f), new Case(false, false, 128, 256, 128, 0, 0, 0, 0, 1f),
            new Case(false, false, 100, 70, 600, 1, 1, 1, 1, 0f), new Case(false, false, 7, 130, 33, 2, 0, 1, 3, 0.5f),
            new Case(false, true, 127, 14, 784, 1, 2, 3, 1, 0f),
        };
        for (int ci = 0; ci < cases.length; ci++) {
            Case t = cases[ci];
            Operands o = new Operands(t, new SplittableRandom(ci));
            float[] got = o.c.clone();
            o.run(new VectorGemm(), t, got);
            float[] want = o.c.clone();
            blockedFma(t, o, want);
            assertArrayEquals(want, got, t.toString());
        }
    }

    private static void blockedFma(Case t, Operands o, float[] c) {
        int blocks = (t.k + 255) / 256;
        int kc = (t.k + blocks - 1) / blocks;
        for (int i = 0; i < t.m; i++) {
            for (int j = 0; j < t.n; j++) {
                int at = t.cOff + i * o.ldc + j;
                float acc = t.beta == 0f ? 0f : t.beta == 1f ? c[at] : t.beta * c[at];
                for (int pc = 0; pc < t.k; pc += kc) {
                    float s = 0f;
                    for (int p = pc; p < Math.min(t.k, pc + kc); p++) {
                        float av = t.transA ? o.a[t.aOff + p * o.lda + i] : o.a[t.aOff + i * o.lda + p];
                        float bv = t.transB ? o.b[t.bOff + j * o.ldb + p] : o.b[t.bOff + p * o.ldb + j];
                        s = Math.fma(av, bv, s);
                    }
                    acc += s;
                }
                c[at] = acc;
            }
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void zeroSizesTouchNothingAndKZeroScalesC(Gemm g) {
        float[] c = {1f, 2f, 3f, 4f};
        g.gemm(false, false, 0, 2, 3, new float[0], 0, 3, new float[6], 0, 2, 0f, c, 0, 2);
        g.gemm(false, false, 2, 0, 3, new float[6], 0, 3, new float[0], 0, 0, 0f, c, 0, 2);
        assertArrayEquals(new float[] {1f, 2f, 3f, 4f}, c);
        g.gemm(false, false, 2, 2, 0, new float[0], 0, 0, new float[0], 0, 2, 2f, c, 0, 2);
        assertArrayEquals(new float[] {2f, 4f, 6f, 8f}, c);
        c[1] = Float.NaN;
        g.gemm(false, false, 2, 2, 0, new float[0], 0, 0, new float[0], 0, 2, 0f, c, 0, 2);
        assertArrayEquals(new float[] {0f, 0f, 0f, 0f}, c);
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void sameInputsGiveSameBitsOnEveryCallAndThread(Gemm g) throws Exception {
        Case[] cases = {
            new Case(false, true, 200, 70, 300, 1, 2, 3, 1, 0f),
            new Case(true, false, 70, 200, 300, 0, 0, 0, 0, 1f),
            new Case(false, false, 33, 10, 129, 0, 0, 0, 0, 0f),
        };
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            for (int round = 0; round < 2; round++) {
                for (int ci = 0; ci < cases.length; ci++) {
                    Case t = cases[ci];
                    Operands o = new Operands(t, new SplittableRandom(ci));
                    float[] first = o.c.clone();
                    o.run(g, t, first);
                    float[] second = o.c.clone();
                    o.run(g, t, second);
                    assertArrayEquals(first, second, t + ": second call differs");
                    // Concurrent calls from other threads (each with its own scratch) give the same bits.
                    List<Future<float[]>> futures = new ArrayList<>();
                    for (int th = 0; th < 3; th++) {
                        futures.add(pool.submit(() -> {
                            float[] out = o.c.clone();
                            for (int rep = 0; rep < 3; rep++) {
                                out = o.c.clone();
                                o.run(g, t, out);
                            }
                            return out;
                        }));
                    }
                    for (Future<float[]> f : futures) {
                        assertArrayEquals(first, f.get(), t + ": other thread differs");
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void plainKernelAllocatesNothingOnceWarm() {
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Gemm g = new PlainGemm();
        Case t = new Case(false, true, 64, 300, 200, 0, 0, 0, 0, 0f);
        Operands o = new Operands(t, new SplittableRandom(3));
        float[] c = o.c.clone();
        o.run(g, t, c);
        long id = Thread.currentThread().getId();
        long before = bean.getThreadAllocatedBytes(id);
        for (int rep = 0; rep < 10; rep++) {
            o.run(g, t, c);
        }
        long allocated = bean.getThreadAllocatedBytes(id) - before;
        assertTrue(allocated < 4096, "10 warm calls allocated " + allocated + " bytes");
    }

    @Test
    void selectionHonoursTheChoice() {
        assertEquals(PlainGemm.class, GemmSelection.select("plain").getClass());
        assertTrue(GemmSelection.vectorModulePresent(), "tests run with --add-modules=jdk.incubator.vector");
        assertEquals(VectorGemm.class, GemmSelection.select("auto").getClass());
        assertEquals(VectorGemm.class, GemmSelection.select("vector").getClass());
        assertEquals("plain", GemmSelection.select("plain").name());
        assertEquals("vector", GemmSelection.select("auto").name());
        try {
            GemmSelection.select("fast");
            fail("unknown choice accepted");
        } catch (IllegalArgumentException expected) {
            assertTrue(expected.getMessage().contains("fast"));
        }
    }
}
