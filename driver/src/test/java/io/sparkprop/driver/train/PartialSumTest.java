package io.sparkprop.driver.train;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The travelling form of a partition's partial sums: column-sparse and dense, whole and sliced, must
 * add up to exactly what a plain loop over the dense arrays gives, in partition order in double.
 */
class PartialSumTest {
    /** A network 50-7-3: W1 [7 x 50] at 0, b1 at 350, W2 [3 x 7] at 357, b2 at 378; P = 381. */
    private static final int N0 = 50;
    private static final int N1 = 7;
    private static final int P = N1 * N0 + N1 + 3 * N1 + 3;

    /**
     * B blocks of P with only {@code touched} of W1's columns nonzero (some entries -0.0, some exact
     * zeros inside touched columns), random elsewhere, and three statistics.
     */
    private static float[] partial(Random r, int blocks, int touched) {
        float[] a = new float[blocks * P + 3];
        boolean[] cols = new boolean[N0];
        for (int t = 0; t < touched; t++) {
            cols[r.nextInt(N0)] = true;
        }
        for (int j = 0; j < blocks; j++) {
            for (int x = 0; x < P; x++) {
                boolean w1 = x < N1 * N0;
                float v = (float) r.nextGaussian() * (r.nextBoolean() ? 1e-6f : 10f);
                a[j * P + x] = w1 && !cols[x % N0] ? (r.nextInt(5) == 0 ? -0f : 0f) : (r.nextInt(10) == 0 ? 0f : v);
            }
        }
        a[blocks * P] = r.nextFloat();
        a[blocks * P + 1] = 40;
        a[blocks * P + 2] = 40;
        return a;
    }

    /** The reference: sum_i a_i in partition order, in double, by a plain loop. */
    private static double[] denseSum(float[][] parts) {
        double[] s = new double[parts[0].length];
        for (float[] a : parts) {
            for (int x = 0; x < a.length; x++) {
                s[x] += a[x];
            }
        }
        return s;
    }

    @Test
    void sparsePartialsAddUpToTheDenseSumBitForBit() {
        Random r = new Random(1);
        for (int blocks = 1; blocks <= 3; blocks++) {
            float[][] parts = new float[5][];
            for (int i = 0; i < parts.length; i++) {
                parts[i] = partial(r, blocks, 6);
            }
            double[] sum = new double[parts[0].length];
            for (int i = 0; i < parts.length; i++) {
                PartialSum p = PartialSum.of(i, parts[i], blocks, P, N0, N1, true);
                assertTrue(p.sparse(), "6 of 50 columns touched: sparse is smaller");
                assertTrue(p.bytes() < 0.5 * 4 * parts[i].length, p.bytes() + " bytes");
                p.addTo(sum, 0);
            }
            assertArrayEquals(denseSum(parts), sum, 0.0);
        }
    }

    @Test
    void denseDataStaysDenseAndIsTheSameArray() {
        float[] a = partial(new Random(2), 1, 400);
        PartialSum p = PartialSum.of(0, a, 1, P, N0, N1, true);
        assertFalse(p.sparse());
        assertEquals(4L * a.length, p.bytes());
        assertFalse(PartialSum.of(0, partial(new Random(3), 1, 6), 1, P, N0, N1, false).sparse(), "sparse transfer off");
    }

    @Test
    void shardedSlicesKeepAReduceTasksPartialsWithin64MegabytesAndAreOnePerSlotOtherwise() {
        // 235,146 parameters on 64 partitions: 64 x 0.94 MB = 60 MB fit one task, so one slice per slot
        assertEquals(2, GradientAggregator.sliceCount(64, 235_149, 2));
        assertEquals(1, GradientAggregator.sliceCount(1, 235_149, 2), "at most one slice per partition by slots");
        // 9,768,970 parameters on 64 partitions: 2.5 GB of partials, ceil(2,500,857,088 / 67,108,864) = 38 slices
        assertEquals(38, GradientAggregator.sliceCount(64, 9_768_973, 2));
        long perTask = 64L * (9_768_973 / 38 + 1) * Float.BYTES;
        assertTrue(perTask <= GradientAggregator.SLICE_TASK_BYTES + 64 * 4, "a reduce task holds " + perTask + " bytes");
        // never more slices than elements, nor than 4096
        assertEquals(1, GradientAggregator.sliceCount(64, 1, 2));
        assertEquals(4096, GradientAggregator.sliceCount(10_000, 1L << 30, 2));
    }

    @Test
    void slicesSummedPerSliceInPartitionOrderEqualTheWholeSum() {
        Random r = new Random(4);
        for (int blocks = 1; blocks <= 3; blocks++) {
            for (int slices : new int[] {1, 2, 3, 7, 16, 64}) {
                float[][] parts = new float[4][];
                for (int i = 0; i < parts.length; i++) {
                    parts[i] = partial(r, blocks, i == 2 ? 400 : 5);
                }
                int[] bounds = PartialSum.sliceBounds(blocks, P, N0, N1, slices);
                assertEquals(0, bounds[0]);
                assertEquals(blocks * P + 3, bounds[bounds.length - 1]);
                for (int s = 1; s < bounds.length; s++) {
                    assertTrue(bounds[s] > bounds[s - 1], "ascending, no empty slice");
                    int into = bounds[s] % P;
                    assertTrue(bounds[s] >= blocks * P || into >= N1 * N0 || into % N0 == 0, "bound " + bounds[s] + " cuts a W1 row");
                }
                double[] sum = new double[blocks * P + 3];
                for (int s = 0; s + 1 < bounds.length; s++) {
                    double[] slice = new double[bounds[s + 1] - bounds[s]];
                    for (int i = 0; i < parts.length; i++) {
                        PartialSum.of(i, parts[i], blocks, P, N0, N1, true).slice(bounds[s], bounds[s + 1]).addTo(slice, bounds[s]);
                    }
                    System.arraycopy(slice, 0, sum, bounds[s], slice.length);
                }
                assertArrayEquals(denseSum(parts), sum, 0.0, blocks + " blocks, " + slices + " slices");
            }
        }
    }

    @Test
    void aBoundThatCutsAFirstLayerRowIsRefused() {
        PartialSum p = PartialSum.of(0, partial(new Random(5), 1, 3), 1, P, N0, N1, true);
        assertTrue(p.sparse());
        assertThrows(IllegalArgumentException.class, () -> p.slice(0, N0 + 1));
        assertThrows(IllegalArgumentException.class, () -> PartialSum.of(0, new float[P], 1, P, N0, N1, true));
    }
}
