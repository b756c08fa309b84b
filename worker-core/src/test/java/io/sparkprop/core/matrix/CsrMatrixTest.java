package io.sparkprop.core.matrix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CsrMatrixTest {

    /** A random sparse [rows x cols] matrix (about density of the entries non-zero; some rows empty) and its dense copy. */
    private static CsrMatrix randomCsr(SplittableRandom rng, int rows, int cols, double density, float[] dense) {
        int[] indptr = new int[rows + 1];
        int[] indices = new int[rows * cols];
        float[] values = new float[rows * cols];
        int nnz = 0;
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                if (rng.nextDouble() < density) {
                    float v = (float) (2 * rng.nextDouble() - 1);
                    indices[nnz] = c;
                    values[nnz] = v;
                    dense[r * cols + c] = v;
                    nnz++;
                }
            }
            indptr[r + 1] = nnz;
        }
        return new CsrMatrix(rows, cols, indptr, indices, values);
    }

    private static float[] random(SplittableRandom rng, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = (float) (2 * rng.nextDouble() - 1);
        }
        return x;
    }

    @Test
    void multiplyTransposedMatchesDense() {
        SplittableRandom rng = new SplittableRandom(11);
        int rows = 23;
        int cols = 40;
        int out = 9;
        float[] dense = new float[rows * cols];
        CsrMatrix x = randomCsr(rng, rows, cols, 0.15, dense);
        int wOff = 5;
        float[] w = random(rng, wOff + out * cols);
        float[] z = new float[rows * out];
        Arrays.fill(z, Float.NaN);
        x.multiplyTransposed(w, wOff, out, z);
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < out; o++) {
                double want = 0;
                for (int c = 0; c < cols; c++) {
                    want += (double) dense[r * cols + c] * w[wOff + o * cols + c];
                }
                assertEquals(want, z[r * out + o], 1e-5, "Z[" + r + "][" + o + "]");
            }
        }
    }

    @Test
    void addTransposedProductMatchesDense() {
        SplittableRandom rng = new SplittableRandom(12);
        int rows = 19;
        int cols = 33;
        int out = 7;
        float[] dense = new float[rows * cols];
        CsrMatrix x = randomCsr(rng, rows, cols, 0.2, dense);
        float[] d = random(rng, rows * out);
        int gOff = 4;
        float[] gw = random(rng, gOff + out * cols + 2);
        float[] before = gw.clone();
        x.addTransposedProduct(d, out, gw, gOff);
        for (int o = 0; o < out; o++) {
            for (int c = 0; c < cols; c++) {
                double want = before[gOff + o * cols + c];
                for (int r = 0; r < rows; r++) {
                    want += (double) d[r * out + o] * dense[r * cols + c];
                }
                assertEquals(want, gw[gOff + o * cols + c], 1e-5, "gW[" + o + "][" + c + "]");
            }
        }
        assertEquals(before[0], gw[0]);
        assertEquals(before[gw.length - 1], gw[gw.length - 1]);
    }

    @Test
    void appendRowGrowsTheBuffersAndKeepsRows() {
        SplittableRandom rng = new SplittableRandom(13);
        int cols = 50;
        float[] dense = new float[30 * cols];
        CsrMatrix src = randomCsr(rng, 30, cols, 0.5, dense);
        CsrMatrix buf = CsrMatrix.buffer(2, cols, 1);
        int[] order = new int[30];
        for (int i = 0; i < order.length; i++) {
            order[i] = (i * 7) % 30;
            buf.appendRow(src, order[i]);
        }
        assertEquals(30, buf.rows());
        assertEquals(src.nnz(), buf.nnz());
        for (int i = 0; i < order.length; i++) {
            int r = order[i];
            int from = src.indptr()[r];
            int to = src.indptr()[r + 1];
            int at = buf.indptr()[i];
            assertEquals(to - from, buf.indptr()[i + 1] - at, "length of row " + i);
            assertArrayEquals(Arrays.copyOfRange(src.indices(), from, to), Arrays.copyOfRange(buf.indices(), at, at + to - from));
            assertArrayEquals(Arrays.copyOfRange(src.values(), from, to), Arrays.copyOfRange(buf.values(), at, at + to - from));
        }
        int capacity = buf.indices().length;
        buf.clear();
        assertEquals(0, buf.rows());
        assertEquals(0, buf.nnz());
        buf.appendRow(src, 3);
        assertEquals(capacity, buf.indices().length, "clear keeps the capacity");
        assertEquals(src.indptr()[4] - src.indptr()[3], buf.nnz());
    }

    @Test
    void appendRowRejectsAnotherWidth() {
        CsrMatrix buf = CsrMatrix.buffer(4, 10, 8);
        CsrMatrix other = CsrMatrix.buffer(4, 11, 8);
        other.appendRow(new CsrMatrix(1, 11, new int[] {0, 1}, new int[] {2}, new float[] {1f}), 0);
        assertThrows(IllegalArgumentException.class, () -> buf.appendRow(other, 0));
    }
}
