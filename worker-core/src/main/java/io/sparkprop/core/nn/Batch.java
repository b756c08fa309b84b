package io.sparkprop.core.nn;

import io.sparkprop.core.matrix.CsrMatrix;

/**
 * A reusable mini-batch buffer: up to {@code capacity} examples, features either dense
 * ({@code dense} [rows x inputWidth] row-major) or sparse ({@code sparse}, CSR), and targets
 * [rows x targetWidth]. Filled by the data layer, read by {@link Network}.
 */
public final class Batch {
    private final int capacity;
    private final int inputWidth;
    private final int targetWidth;
    private final float[] dense;
    private final CsrMatrix sparse;
    private final float[] targets;
    private int rows;
    private boolean isSparse;

    public Batch(int capacity, int inputWidth, int targetWidth) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("batch capacity must be positive, got " + capacity);
        }
        this.capacity = capacity;
        this.inputWidth = inputWidth;
        this.targetWidth = targetWidth;
        this.dense = new float[capacity * inputWidth];
        this.sparse = CsrMatrix.buffer(capacity, inputWidth, capacity * 16);
        this.targets = new float[capacity * targetWidth];
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
        return dense;
    }

    public CsrMatrix sparse() {
        return sparse;
    }

    /** Targets [capacity x targetWidth]; the first {@link #rows()} rows are this batch. */
    public float[] targets() {
        return targets;
    }

    /** Declares the batch filled with {@code rows} dense rows (already written to {@link #dense()}). */
    public void setDense(int rows) {
        checkRows(rows);
        this.rows = rows;
        this.isSparse = false;
    }

    /** Declares the batch filled from {@link #sparse()}, whose row count is taken. */
    public void setSparse() {
        checkRows(sparse.rows());
        this.rows = sparse.rows();
        this.isSparse = true;
    }

    private void checkRows(int n) {
        if (n < 0 || n > capacity) {
            throw new IllegalArgumentException("batch of " + n + " rows does not fit capacity " + capacity);
        }
    }
}
