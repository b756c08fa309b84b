package io.sparkprop.core.data;

import io.sparkprop.core.matrix.CsrMatrix;
import io.sparkprop.core.nn.Batch;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DataBlockTest {
    private static final int ROWS = 6;
    private static final int COLS = 3;

    /** x[r][c] = 10 r + c + 1, targets (r, -r). */
    private static DataBlock denseBlock() {
        float[] x = new float[ROWS * COLS];
        float[] t = new float[ROWS * 2];
        for (int r = 0; r < ROWS; r++) {
            for (int c = 0; c < COLS; c++) {
                x[r * COLS + c] = 10 * r + c + 1;
            }
            t[2 * r] = r;
            t[2 * r + 1] = -r;
        }
        return DataBlock.dense(ROWS, COLS, x, 2, t);
    }

    /** Row r holds r % 3 + 1 non-zeros: x[r][c] = 10 r + c + 1 at columns c = 0 .. r % 3. */
    private static DataBlock sparseBlock() {
        int[] indptr = new int[ROWS + 1];
        int[] indices = new int[ROWS * COLS];
        float[] values = new float[ROWS * COLS];
        float[] t = new float[ROWS];
        int k = 0;
        for (int r = 0; r < ROWS; r++) {
            for (int c = 0; c <= r % 3; c++) {
                indices[k] = c;
                values[k++] = 10 * r + c + 1;
            }
            indptr[r + 1] = k;
            t[r] = r;
        }
        return DataBlock.sparse(new CsrMatrix(ROWS, COLS, indptr, indices, values), 1, t);
    }

    @Test
    void denseGatherPutsEachChosenRowInItsSlot() {
        DataBlock block = denseBlock();
        Batch batch = new Batch(4, COLS, 2);
        int[] order = {5, 2, 4, 0, 1, 3};
        block.gather(order, 1, 4, batch); // rows 2, 4, 0
        assertFalse(batch.isSparse());
        assertEquals(3, batch.rows());
        int[] expected = {2, 4, 0};
        for (int i = 0; i < 3; i++) {
            int r = expected[i];
            for (int c = 0; c < COLS; c++) {
                assertEquals(10 * r + c + 1, batch.dense()[i * COLS + c], "slot " + i + " column " + c);
            }
            assertEquals(r, batch.targets()[2 * i]);
            assertEquals(-r, batch.targets()[2 * i + 1]);
        }
    }

    @Test
    void sparseGatherPutsEachChosenRowInItsSlot() {
        DataBlock block = sparseBlock();
        Batch batch = new Batch(4, COLS, 1);
        int[] order = {5, 2, 4, 0, 1, 3};
        block.gather(order, 0, 4, batch); // rows 5, 2, 4, 0
        checkSparse(batch, new int[] {5, 2, 4, 0});
        // a second, smaller batch replaces the first completely
        block.gather(order, 4, 6, batch);
        checkSparse(batch, new int[] {1, 3});
    }

    private static void checkSparse(Batch batch, int[] rows) {
        assertTrue(batch.isSparse());
        assertEquals(rows.length, batch.rows());
        CsrMatrix m = batch.sparse();
        assertEquals(rows.length, m.rows());
        for (int i = 0; i < rows.length; i++) {
            int r = rows[i];
            int start = m.indptr()[i];
            assertEquals(r % 3 + 1, m.indptr()[i + 1] - start, "non-zeros in slot " + i);
            for (int c = 0; c <= r % 3; c++) {
                assertEquals(c, m.indices()[start + c]);
                assertEquals(10 * r + c + 1, m.values()[start + c]);
            }
            assertEquals(r, batch.targets()[i]);
        }
    }

    @Test
    void gatherRangeKeepsStoredOrder() {
        DataBlock block = denseBlock();
        Batch batch = new Batch(3, COLS, 2);
        block.gatherRange(3, 6, new int[3], batch);
        assertEquals(3, batch.rows());
        for (int i = 0; i < 3; i++) {
            assertEquals(10 * (3 + i) + 1, batch.dense()[i * COLS]);
            assertEquals(3 + i, batch.targets()[2 * i]);
        }
    }

    @Test
    void sizeCountsThePayload() {
        assertEquals(4L * (ROWS * COLS + ROWS * 2), denseBlock().sizeInBytes());
        // indptr (rows + 1) ints, then an int index and a float value per non-zero (12 of them)
        assertEquals(4L * ROWS + 4L * (ROWS + 1) + 8L * 12, sparseBlock().sizeInBytes());
    }

    @Test
    void denseRowsCopiesARowRangeWithItsTargets() {
        DataBlock b = DataBlock.dense(3, 2, new float[] {1, 2, 3, 4, 5, 6}, 2, new float[] {10, 11, 20, 21, 30, 31});
        DataBlock mid = b.denseRows(1, 3);
        org.junit.jupiter.api.Assertions.assertArrayEquals(new float[] {3, 4, 5, 6}, mid.dense());
        org.junit.jupiter.api.Assertions.assertArrayEquals(new float[] {20, 21, 30, 31}, mid.targets());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> b.denseRows(2, 4));
    }

    /** Rows 1, 4 of a dense block then rows 0, 3 of another: the values x[r][c] = 10 r + c + 1 in that order. */
    @Test
    void stridedPiecesConcatenateInOrder() {
        DataBlock joined = DataBlock.concat(java.util.List.of(denseBlock().strided(1, 3), denseBlock().strided(0, 3)));
        assertEquals(4, joined.rows());
        org.junit.jupiter.api.Assertions.assertArrayEquals(new float[] {11, 12, 13, 41, 42, 43, 1, 2, 3, 31, 32, 33}, joined.dense());
        org.junit.jupiter.api.Assertions.assertArrayEquals(new float[] {1, -1, 4, -4, 0, 0, 3, -3}, joined.targets());
        assertEquals(0, denseBlock().strided(6, 3).rows());
    }

    /** Sparse rows 2, 5 (3 non-zeros each) and a dense weighted row: one sparse block, dense zeros dropped, weights 1 filled in. */
    @Test
    void sparseAndDenseConcatenateSparseWithTheirWeights() {
        DataBlock sparse = sparseBlock().strided(2, 3);
        DataBlock dense = DataBlock.dense(1, COLS, new float[] {0, 7, 0}, 1, new float[] {9}).withWeights(new float[] {0.5f});
        DataBlock joined = DataBlock.concat(java.util.List.of(sparse, dense));
        assertTrue(joined.isSparse());
        org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {0, 3, 6, 7}, java.util.Arrays.copyOf(joined.sparse().indptr(), 4));
        org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {0, 1, 2, 0, 1, 2, 1}, joined.sparse().indices());
        org.junit.jupiter.api.Assertions.assertArrayEquals(new float[] {21, 22, 23, 51, 52, 53, 7}, joined.sparse().values());
        org.junit.jupiter.api.Assertions.assertArrayEquals(new float[] {2, 5, 9}, joined.targets());
        org.junit.jupiter.api.Assertions.assertArrayEquals(new float[] {1, 1, 0.5f}, joined.weights());
    }
}
