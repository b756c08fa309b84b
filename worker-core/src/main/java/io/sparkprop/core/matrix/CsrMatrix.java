package io.sparkprop.core.matrix;

import java.util.Arrays;

/**
 * A sparse matrix [rows x cols] in compressed sparse row form: the non-zeros of row r are
 * {@code values[k]} at column {@code indices[k]} for {@code k in [indptr[r], indptr[r + 1])}.
 * Arrays may be longer than needed (a reusable buffer); only the first {@code rows} rows count.
 * Sparse input stays sparse: the first layer multiplies it directly, it is never densified.
 */
public final class CsrMatrix implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    private int rows;
    private final int cols;
    private int[] indptr;
    private int[] indices;
    private float[] values;

    public CsrMatrix(int rows, int cols, int[] indptr, int[] indices, float[] values) {
        if (indptr.length < rows + 1) {
            throw new IllegalArgumentException("indptr has length " + indptr.length + ", expected at least rows + 1 = " + (rows + 1));
        }
        int nnz = indptr[rows];
        if (indices.length < nnz || values.length < nnz) {
            throw new IllegalArgumentException("indices/values hold " + Math.min(indices.length, values.length)
                    + " entries, expected at least nnz = " + nnz);
        }
        this.rows = rows;
        this.cols = cols;
        this.indptr = indptr;
        this.indices = indices;
        this.values = values;
    }

    /** An empty buffer with room to grow, for gathering mini-batches into. */
    public static CsrMatrix buffer(int maxRows, int cols, int nnzHint) {
        return new CsrMatrix(0, cols, new int[maxRows + 1], new int[Math.max(1, nnzHint)], new float[Math.max(1, nnzHint)]);
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    public int nnz() {
        return indptr[rows];
    }

    public int[] indptr() {
        return indptr;
    }

    public int[] indices() {
        return indices;
    }

    public float[] values() {
        return values;
    }

    /** Empties the buffer (keeps its capacity). */
    public void clear() {
        rows = 0;
        indptr[0] = 0;
    }

    /** Appends row r of {@code src} (same width); grows the arrays only when they are too small. */
    public void appendRow(CsrMatrix src, int r) {
        if (src.cols != cols) {
            throw new IllegalArgumentException("row has " + src.cols + " columns, expected " + cols);
        }
        int from = src.indptr[r];
        int len = src.indptr[r + 1] - from;
        int at = indptr[rows];
        if (at + len > indices.length) {
            int cap = Math.max(at + len, indices.length * 2);
            indices = Arrays.copyOf(indices, cap);
            values = Arrays.copyOf(values, cap);
        }
        if (rows + 2 > indptr.length) {
            indptr = Arrays.copyOf(indptr, Math.max(rows + 2, indptr.length * 2));
        }
        System.arraycopy(src.indices, from, indices, at, len);
        System.arraycopy(src.values, from, values, at, len);
        rows++;
        indptr[rows] = at + len;
    }

    /**
     * {@code Z[rows x out] = X[rows x cols] * W^T}, W stored [out x cols] row-major at wOff:
     * {@code Z[r][o] = sum_k values[k] * W[o][indices[k]]}.
     */
    public void multiplyTransposed(float[] w, int wOff, int out, float[] z) {
        for (int r = 0; r < rows; r++) {
            int start = indptr[r];
            int end = indptr[r + 1];
            int zr = r * out;
            for (int o = 0; o < out; o++) {
                int wr = wOff + o * cols;
                float s = 0f;
                for (int k = start; k < end; k++) {
                    s += values[k] * w[wr + indices[k]];
                }
                z[zr + o] = s;
            }
        }
    }

    /**
     * {@code gW[out x cols] += D[rows x out]^T * X}: for every non-zero x[r][j],
     * {@code gW[o][j] += D[r][o] * x[r][j]} for all o. Rows are visited in order (deterministic).
     */
    public void addTransposedProduct(float[] d, int out, float[] gw, int gwOff) {
        for (int r = 0; r < rows; r++) {
            int dr = r * out;
            for (int k = indptr[r]; k < indptr[r + 1]; k++) {
                int j = indices[k];
                float v = values[k];
                for (int o = 0; o < out; o++) {
                    gw[gwOff + o * cols + j] += d[dr + o] * v;
                }
            }
        }
    }
}
