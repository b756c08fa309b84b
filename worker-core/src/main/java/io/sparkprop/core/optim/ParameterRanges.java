package io.sparkprop.core.optim;

import java.util.Arrays;

/**
 * The entries of the flat parameter array one update visits, as ascending, disjoint index ranges
 * {@code [start_k, end_k)}:
 * <ul>
 *   <li>all of it, {@code [0, P)}, for a dense update ({@link #setAll});</li>
 *   <li>a touched-column update (train.sparseUpdate): the first layer's weights only in the input
 *       columns c that a sparse batch touched, {@code W1[o][c]} at {@code o n0 + c} for every row o
 *       (one range per row and run of consecutive touched columns), then everything after W1 (b1 and
 *       the later layers) in one range ({@link #setColumns}, {@link #setNonzeroColumns}).</li>
 * </ul>
 * A gradient that is zero outside the ranges gives, for SGD without weight decay, exactly the dense
 * step: {@code p - lr * 0 = p}. Reused: filling allocates only while its buffers grow.
 */
public final class ParameterRanges {
    /** start_k at 2k, end_k at 2k + 1. */
    private int[] bounds = new int[2];
    private int count;
    private long entries;
    /** Column marks for {@link #setColumns} [n0], cleared after each use. */
    private boolean[] marked = new boolean[0];
    private int[] columns = new int[0];
    private int columnCount;

    /** One range, {@code [0, parameters)}. */
    public static ParameterRanges all(int parameters) {
        ParameterRanges r = new ParameterRanges();
        r.setAll(parameters);
        return r;
    }

    /** Sets one range, {@code [0, parameters)}. */
    public void setAll(int parameters) {
        count = 0;
        entries = 0;
        columnCount = -1;
        add(0, parameters);
    }

    /**
     * Sets the ranges of a touched-column update for the columns listed in {@code indices[from, to)}
     * (any order, repeats allowed: a CSR batch's column indices) of a first layer W1 [n1 x n0] at
     * offset 0 of {@code parameters} entries.
     */
    public void setColumns(int[] indices, int from, int to, int n0, int n1, int parameters) {
        if (marked.length < n0) {
            marked = new boolean[n0];
        }
        columnCount = 0;
        for (int k = from; k < to; k++) {
            int c = indices[k];
            if (!marked[c]) {
                marked[c] = true;
                appendColumn(c);
            }
        }
        for (int k = 0; k < columnCount; k++) {
            marked[columns[k]] = false;
        }
        Arrays.sort(columns, 0, columnCount);
        fromColumns(n0, n1, parameters);
    }

    /**
     * Sets the ranges of a touched-column update for the columns of W1 [n1 x n0] (at offset 0) in which
     * {@code grad} has a nonzero entry: one pass over W1, row by row.
     */
    public void setNonzeroColumns(float[] grad, int n0, int n1, int parameters) {
        if (marked.length < n0) {
            marked = new boolean[n0];
        }
        for (int o = 0; o < n1; o++) {
            int row = o * n0;
            for (int c = 0; c < n0; c++) {
                if (grad[row + c] != 0f) {
                    marked[c] = true;
                }
            }
        }
        columnCount = 0;
        for (int c = 0; c < n0; c++) {
            if (marked[c]) {
                marked[c] = false;
                appendColumn(c);
            }
        }
        fromColumns(n0, n1, parameters);
    }

    private void appendColumn(int c) {
        if (columnCount == columns.length) {
            columns = Arrays.copyOf(columns, Math.max(16, 2 * columnCount));
        }
        columns[columnCount++] = c;
    }

    /** The ranges for the sorted distinct {@code columns[0, columnCount)}. */
    private void fromColumns(int n0, int n1, int parameters) {
        if ((long) n0 * n1 > parameters) {
            throw new IllegalArgumentException("a first layer of " + n1 + " x " + n0 + " does not fit in " + parameters + " parameters");
        }
        count = 0;
        entries = 0;
        for (int o = 0; o < n1; o++) {
            int row = o * n0;
            for (int k = 0; k < columnCount; ) {
                int start = columns[k];
                int end = start + 1;
                while (++k < columnCount && columns[k] == end) {
                    end++;
                }
                add(row + start, row + end);
            }
        }
        add(n0 * n1, parameters);
    }

    private void add(int start, int end) {
        if (start >= end) {
            return;
        }
        if (count > 0 && bounds[2 * count - 1] == start) {
            bounds[2 * count - 1] = end;
        } else {
            if (2 * count == bounds.length) {
                bounds = Arrays.copyOf(bounds, 2 * bounds.length);
            }
            bounds[2 * count] = start;
            bounds[2 * count + 1] = end;
            count++;
        }
        entries += end - start;
    }

    /** The number of ranges. */
    public int size() {
        return count;
    }

    public int start(int k) {
        return bounds[2 * k];
    }

    public int end(int k) {
        return bounds[2 * k + 1];
    }

    /** The entries covered, sum_k (end_k - start_k). */
    public long entries() {
        return entries;
    }

    /** The touched first-layer columns of the last touched-column fill; -1 after {@link #setAll}. */
    public int columns() {
        return columnCount;
    }

    /** Sets {@code a[i] = 0} for every covered i. */
    public void zero(float[] a) {
        for (int k = 0; k < count; k++) {
            Arrays.fill(a, bounds[2 * k], bounds[2 * k + 1], 0f);
        }
    }

    /** {@code a[i] *= s} for every covered i. */
    public void scale(float[] a, float s) {
        for (int k = 0; k < count; k++) {
            for (int i = bounds[2 * k], e = bounds[2 * k + 1]; i < e; i++) {
                a[i] *= s;
            }
        }
    }

    /** {@code a[i] /= s} for every covered i. */
    public void divide(float[] a, float s) {
        for (int k = 0; k < count; k++) {
            for (int i = bounds[2 * k], e = bounds[2 * k + 1]; i < e; i++) {
                a[i] /= s;
            }
        }
    }

    /** {@code sum_i a[i]^2} over the covered i, in double, in index order. */
    public double sumOfSquares(float[] a) {
        return sumOfSquares(a, 1f);
    }

    /**
     * {@code sum_i (a[i] / divisor)^2} over the covered i: each quotient rounded to float (as a divided
     * array would hold it; {@code x / 1} is exact), squared and summed in double, in index order.
     */
    public double sumOfSquares(float[] a, float divisor) {
        double sum = 0;
        for (int k = 0; k < count; k++) {
            for (int i = bounds[2 * k], e = bounds[2 * k + 1]; i < e; i++) {
                double x = a[i] / divisor;
                sum += x * x;
            }
        }
        return sum;
    }
}
