package io.sparkprop.core.matrix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RowOpsTest {

    /** softmax of one row in double, shifted by the maximum. */
    private static double[] softmaxReference(float[] z, int row, int cols) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < cols; c++) {
            max = Math.max(max, z[row + c]);
        }
        double[] e = new double[cols];
        double sum = 0;
        for (int c = 0; c < cols; c++) {
            e[c] = Math.exp(z[row + c] - max);
            sum += e[c];
        }
        for (int c = 0; c < cols; c++) {
            e[c] /= sum;
        }
        return e;
    }

    @Test
    void softmaxRowsMatchesDoubleReferenceIncludingHugeLogits() {
        int rows = 6;
        int cols = 10;
        SplittableRandom rng = new SplittableRandom(5);
        float[] z = new float[rows * cols];
        for (int i = 0; i < z.length; i++) {
            z[i] = (float) (4 * rng.nextDouble() - 2);
        }
        z[1 * cols + 3] = 1000f;
        z[2 * cols] = 1000f;
        z[2 * cols + 1] = 999f;
        for (int c = 0; c < cols; c++) {
            z[3 * cols + c] = -1000f + c;
            z[4 * cols + c] = 88.7f + c;
            z[5 * cols + c] = 7f;
        }
        float[] out = new float[rows * cols];
        RowOps.softmaxRows(z, out, rows, cols);
        for (int r = 0; r < rows; r++) {
            double[] want = softmaxReference(z, r * cols, cols);
            double sum = 0;
            for (int c = 0; c < cols; c++) {
                float got = out[r * cols + c];
                assertTrue(Float.isFinite(got), "row " + r + " col " + c + " is " + got);
                assertEquals(want[c], got, 1e-6 + 1e-5 * want[c], "row " + r + " col " + c);
                sum += got;
            }
            assertEquals(1.0, sum, 1e-5, "row " + r + " sums to " + sum);
        }
        assertEquals(1.0, out[1 * cols + 3], 1e-6);
        assertEquals(0.1f, out[5 * cols + 4], 1e-7);
    }

    @Test
    void logSumExpIsStableForLargeLogits() {
        float[] z = {0f, 1000f, 1000f, -1000f, 2f, 1f, 0.5f};
        assertEquals(1000 + Math.log(2), RowOps.logSumExp(z, 1, 2), 1e-9);
        assertEquals(1000 + Math.log(2), RowOps.logSumExp(z, 0, 4), 1e-9);
        double want = Math.log(Math.exp(2) + Math.exp(1) + Math.exp(0.5));
        assertEquals(want, RowOps.logSumExp(z, 4, 3), 1e-6);
        assertEquals(-1000.0, RowOps.logSumExp(z, 3, 1), 1e-9);
    }

    @Test
    void addColumnSumsAccumulatesEveryRow() {
        int rows = 37;
        int cols = 11;
        SplittableRandom rng = new SplittableRandom(9);
        float[] x = new float[rows * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (2 * rng.nextDouble() - 1);
        }
        float[] out = new float[cols + 5];
        for (int c = 0; c < out.length; c++) {
            out[c] = c;
        }
        RowOps.addColumnSums(x, rows, cols, out, 3);
        for (int c = 0; c < out.length; c++) {
            double want = c;
            if (c >= 3 && c < 3 + cols) {
                for (int r = 0; r < rows; r++) {
                    want += x[r * cols + c - 3];
                }
            }
            assertEquals(want, out[c], 1e-5, "column " + c);
        }
    }

    @Test
    void addRowVectorAddsToEveryRow() {
        float[] x = {1f, 2f, 3f, 4f, 5f, 6f};
        RowOps.addRowVector(x, 2, 3, new float[] {9f, 10f, 20f, 30f}, 1);
        assertEquals(11f, x[0]);
        assertEquals(22f, x[1]);
        assertEquals(33f, x[2]);
        assertEquals(14f, x[3]);
        assertEquals(36f, x[5]);
    }
}
