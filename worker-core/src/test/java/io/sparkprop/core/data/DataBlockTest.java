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
}
