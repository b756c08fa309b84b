package io.sparkprop.core.nn;

import io.sparkprop.core.matrix.CsrMatrix;

/**
 * A reusable mini-batch buffer: up to {@code capacity} examples, features either dense
 * ({@code dense} [rows x inputWidth] row-major) or sparse ({@code sparse}, CSR), and targets
 * [rows x targetWidth], optionally a weight per row ({@code weights} [rows]; unweighted, every row
 * counts 1), and each row's identity for {@link Dropout} masks. Filled by the data layer, read by
 * {@link Network}.
 */
public final class Batch {
    private final int capacity;
    private final int inputWidth;
    private final int targetWidth;
    /**
     * Allocated on first use: a batch only ever filled sparse (wide LIBSVM data) never holds the
     * capacity x inputWidth floats (512 rows of 1M features would be 2 GB).
     */
    private float[] dense;
    private final CsrMatrix sparse;
    private final float[] targets;
    private final int[] rowIds;
    private final float[] weights;
    private int rows;
    private boolean isSparse;
    private boolean weighted;

    public Batch(int capacity, int inputWidth, int targetWidth) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("batch capacity must be positive, got " + capacity);
        }
        this.capacity = capacity;
        this.inputWidth = inputWidth;
        this.targetWidth = targetWidth;
        this.sparse = CsrMatrix.buffer(capacity, inputWidth, capacity * 16);
        this.targets = new float[capacity * targetWidth];
        this.rowIds = new int[capacity];
        this.weights = new float[capacity];
    }

    public int capacity() {
        return capacity;
    }

    public int inputWidth() {
        return inputWidth;
    }

    public int targetWidth() {
        return targetWidth;
    }

    public int rows() {
        return rows;
    }

    public boolean isSparse() {
        return isSparse;
    }

    /** Dense features [capacity x inputWidth]; the first {@link #rows()} rows are this batch. */
    public float[] dense() {
        if (dense == null) {
            dense = new float[Math.multiplyExact(capacity, inputWidth)];
        }
        return dense;
    }

    public CsrMatrix sparse() {
        return sparse;
    }

    /** Targets [capacity x targetWidth]; the first {@link #rows()} rows are this batch. */
    public float[] targets() {
        return targets;
    }

    /**
     * The identity of each row [capacity], which keys its dropout masks: {@link #setDense} and
     * {@link #setSparse} set the first {@link #rows()} to 0..rows-1, their position in the batch; a
     * caller that knows a stabler identity writes it after them ({@code DataBlock.gather}: the row's
     * index in its block, the same in every recomputation of a partition whatever the epoch's order).
     */
    public int[] rowIds() {
        return rowIds;
    }

    /** Row weights [capacity]; the first {@link #rows()} are this batch's when {@link #isWeighted()}. */
    public float[] weights() {
        return weights;
    }

    public boolean isWeighted() {
        return weighted;
    }

    /** Declares whether {@link #weights()} holds this batch's row weights (else every row weighs 1). */
    public void setWeighted(boolean weighted) {
        this.weighted = weighted;
    }

    /** {@code sum_r w_r} over the batch's rows: its row count when unweighted. */
    public double weightSum() {
        if (!weighted) {
            return rows;
        }
        double sum = 0;
        for (int r = 0; r < rows; r++) {
            sum += weights[r];
        }
        return sum;
    }

    /** Declares the batch filled with {@code rows} dense rows (already written to {@link #dense()}). */
    public void setDense(int rows) {
        checkRows(rows);
        this.rows = rows;
        this.isSparse = false;
        positionsAsRowIds();
    }

    /** Declares the batch filled from {@link #sparse()}, whose row count is taken. */
    public void setSparse() {
        checkRows(sparse.rows());
        this.rows = sparse.rows();
        this.isSparse = true;
        positionsAsRowIds();
    }

    private void positionsAsRowIds() {
        for (int i = 0; i < rows; i++) {
            rowIds[i] = i;
        }
    }

    private void checkRows(int n) {
        if (n < 0 || n > capacity) {
            throw new IllegalArgumentException("batch of " + n + " rows does not fit capacity " + capacity);
        }
    }
}
