package io.sparkprop.driver.train;

import java.io.Serializable;
import java.util.Arrays;

/**
 * One partition's partial sums of a round as they travel to be added, or a slice {@code [lo, hi)}
 * of them. The whole array, of length {@code L = B P + 3}, is
 * <pre>
 *   [ block_1 | ... | block_B | lossSum, weightSum, rows ]
 *   block_j [P]: the gradient sum or parameter change (j = 1), then optimizer state arrays, each in the
 *                one flat parameter layout, so each starts with the first layer's weights
 *                W1 [n1 x n0] row-major (W1[o][i] at (j - 1) P + o n0 + i)
 * </pre>
 * Either dense ({@code columns == null}: {@code values} are entries lo..hi-1), or <em>column-sparse</em>:
 * a column i of W1 that is zero in every block (an input feature that none of the partition's rows in the
 * round had nonzero, typical of wide sparse data) is left out; {@code columns} lists the kept ones
 * (ascending) and {@code values} holds, in index order, the kept columns of each W1 row followed by the
 * other entries densely. Leaving out exact zeros changes no sum: the sums start at +0.0, and adding
 * +0.0 or -0.0 to a double that is not -0.0 leaves it unchanged bit for bit, so a sparse and a dense
 * partial add up to the same bits.
 *
 * <p>A slice's bounds must not cut a W1 row ({@link #sliceBounds}), so a slice's values are a
 * contiguous part of the whole's.
 */
public final class PartialSum implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The partition this came from (the sharded sum orders by it). */
    private final int partition;
    private final int lo;
    private final int hi;
    private final int blocks;
    private final int blockLength;
    private final int n0;
    private final int n1;
    /** Kept W1 columns, ascending; null when dense. */
    private final int[] columns;
    private final float[] values;

    private PartialSum(int partition, int lo, int hi, int blocks, int blockLength, int n0, int n1, int[] columns, float[] values) {
        this.partition = partition;
        this.lo = lo;
        this.hi = hi;
        this.blocks = blocks;
        this.blockLength = blockLength;
        this.n0 = n0;
        this.n1 = n1;
        this.columns = columns;
        this.values = values;
    }

    /**
     * Wraps {@code whole} [B P + 3] of partition {@code partition}; with {@code sparse}, W1's all-zero
     * columns are left out when that makes the message smaller (4 bytes per kept column index).
     *
     * @param n0 W1's columns (the input width)
     * @param n1 W1's rows (the first layer's width)
     */
    static PartialSum of(int partition, float[] whole, int blocks, int blockLength, int n0, int n1, boolean sparse) {
        if (whole.length != (long) blocks * blockLength + 3) {
            throw new IllegalArgumentException("a partial of " + blocks + " blocks of " + blockLength + " has length "
                    + ((long) blocks * blockLength + 3) + ", got " + whole.length);
        }
        if (!sparse) {
            return new PartialSum(partition, 0, whole.length, blocks, blockLength, n0, n1, null, whole);
        }
        boolean[] kept = new boolean[n0];
        int count = 0;
        for (int j = 0; j < blocks && count < n0; j++) {
            int base = j * blockLength;
            for (int o = 0; o < n1; o++) {
                int row = base + o * n0;
                for (int i = 0; i < n0; i++) {
                    if (!kept[i] && whole[row + i] != 0f) {
                        kept[i] = true;
                        count++;
                    }
                }
            }
        }
        long dropped = (long) (n0 - count) * n1 * blocks;
        if (dropped <= count) {
            return new PartialSum(partition, 0, whole.length, blocks, blockLength, n0, n1, null, whole);
        }
        int[] columns = new int[count];
        for (int i = 0, c = 0; i < n0; i++) {
            if (kept[i]) {
                columns[c++] = i;
            }
        }
        float[] values = new float[(int) (whole.length - dropped)];
        int v = 0;
        int x = 0;
        int w1 = n1 * n0;
        while (x < whole.length) {
            if (inW1(x, blocks, blockLength, w1)) {
                for (int c : columns) {
                    values[v++] = whole[x + c];
                }
                x += n0;
            } else {
                int end = denseEnd(x, whole.length, blocks, blockLength);
                System.arraycopy(whole, x, values, v, end - x);
                v += end - x;
                x = end;
            }
        }
        return new PartialSum(partition, 0, whole.length, blocks, blockLength, n0, n1, columns, values);
    }

    /** Whether entry x (at a row start when inside W1) lies in some block's W1 region. */
    private static boolean inW1(int x, int blocks, int blockLength, int w1) {
        return x < (long) blocks * blockLength && x % blockLength < w1;
    }

    /** Where the dense run starting at x (outside W1) ends: the next block's W1, or the end. */
    private static int denseEnd(int x, int end, int blocks, int blockLength) {
        int next = x / blockLength + 1;
        return next < blocks ? Math.min(end, next * blockLength) : end;
    }

    /** target[x - targetLo] += entry x, for every stored entry x in [lo, hi), in index order. */
    void addTo(double[] target, int targetLo) {
        if (columns == null) {
            for (int k = 0; k < values.length; k++) {
                target[lo + k - targetLo] += values[k];
            }
            return;
        }
        int w1 = n1 * n0;
        int v = 0;
        int x = lo;
        while (x < hi) {
            if (inW1(x, blocks, blockLength, w1)) {
                int row = x - targetLo;
                for (int c : columns) {
                    target[row + c] += values[v++];
                }
                x += n0;
            } else {
                int end = denseEnd(x, hi, blocks, blockLength);
                for (; x < end; x++) {
                    target[x - targetLo] += values[v++];
                }
            }
        }
    }

    /** The entries [from, to) of this whole partial (bounds from {@link #sliceBounds}). */
    PartialSum slice(int from, int to) {
        if (lo != 0 || hi != (long) blocks * blockLength + 3 || from < 0 || to > hi || from > to) {
            throw new IllegalArgumentException("slice [" + from + ", " + to + ") of a partial covering [" + lo + ", " + hi + ")");
        }
        int a = storedBefore(from);
        int b = storedBefore(to);
        boolean rows = columns != null && w1RowsBefore(to) > w1RowsBefore(from);
        return new PartialSum(partition, from, to, blocks, blockLength, n0, n1, rows ? columns : null,
                Arrays.copyOfRange(values, a, b));
    }

    /** The number of stored values for entries below x (a slice bound). */
    private int storedBefore(int x) {
        return columns == null ? x : x - (n0 - columns.length) * w1RowsBefore(x);
    }

    /** W1 rows (of all blocks) wholly below x; x must not cut a row. */
    private int w1RowsBefore(int x) {
        int rows = 0;
        for (int j = 0; j < blocks; j++) {
            long into = (long) x - (long) j * blockLength;
            if (into <= 0) {
                break;
            }
            if (into < (long) n1 * n0 && into % n0 != 0) {
                throw new IllegalArgumentException("slice bound " + x + " cuts a first-layer row");
            }
            rows += (int) Math.min(n1, into / n0);
        }
        return rows;
    }

    /**
     * {@code slices + 1} ascending bounds that cut the whole array [B P + 3] into about equal
     * slices, none cutting a W1 row (a bound inside W1 moves to the nearest row start); empty
     * slices are dropped, so there may be fewer.
     */
    static int[] sliceBounds(int blocks, int blockLength, int n0, int n1, int slices) {
        int length = blocks * blockLength + 3;
        int w1 = n1 * n0;
        int[] bounds = new int[slices + 1];
        int count = 0;
        bounds[count++] = 0;
        for (int s = 1; s < slices; s++) {
            int c = (int) ((long) length * s / slices);
            if (inW1(c, blocks, blockLength, w1)) {
                int base = c - c % blockLength;
                c = base + (c - base + n0 / 2) / n0 * n0;
            }
            if (c > bounds[count - 1] && c < length) {
                bounds[count++] = c;
            }
        }
        bounds[count++] = length;
        return Arrays.copyOf(bounds, count);
    }

    int partition() {
        return partition;
    }

    int lo() {
        return lo;
    }

    int hi() {
        return hi;
    }

    boolean sparse() {
        return columns != null;
    }

    /** The bytes this message carries (values and column indices), for the round's accounting. */
    long bytes() {
        return 4L * values.length + (columns == null ? 0 : 4L * columns.length);
    }
}
