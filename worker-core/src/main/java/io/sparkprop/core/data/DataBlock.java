package io.sparkprop.core.data;

import io.sparkprop.core.matrix.CsrMatrix;
import io.sparkprop.core.nn.Batch;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

/**
 * A block of examples held in memory: what one Spark partition caches. Features are either dense
 * ({@code dense} [rows x cols] row-major float32, no per-row objects) or sparse (CSR), and targets are
 * [rows x targetWidth] (a class index per row for softmax cross-entropy). A weighted block also holds a
 * weight w_r >= 0 per row ({@code weights} [rows], null when every row weighs 1): the loss, its gradient
 * and the metrics count row r w_r times. Its size is the raw float32 size plus a few bytes.
 * <p>
 * Dense features may instead be held compact ({@link #compact(CompactFeatures, int, float[])}, data.cacheFormat:
 * bfloat16, float16 or uint8), decoded row by row into the batch's float32 buffer when a mini-batch
 * is gathered. Sparse blocks keep their values in float32: a CSR value costs 4 bytes of value and 4 of
 * column index, so a 16-bit value would save a quarter at most.
 */
public final class DataBlock implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int rows;
    private final int cols;
    private final int targetWidth;
    private final float[] dense;
    private final CompactFeatures compact;
    private final CsrMatrix sparse;
    private final float[] targets;
    private final float[] weights;

    private DataBlock(int rows, int cols, int targetWidth, float[] dense, CompactFeatures compact, CsrMatrix sparse,
                      float[] targets, float[] weights) {
        if (targets.length != (long) rows * targetWidth) {
            throw new IllegalArgumentException("targets have length " + targets.length + ", expected rows * targetWidth = "
                    + rows + " * " + targetWidth);
        }
        if (weights != null && weights.length != rows) {
            throw new IllegalArgumentException("weights have length " + weights.length + ", expected one per row (" + rows + ")");
        }
        this.rows = rows;
        this.cols = cols;
        this.targetWidth = targetWidth;
        this.dense = dense;
        this.compact = compact;
        this.sparse = sparse;
        this.targets = targets;
        this.weights = weights;
    }

    /** Dense features [rows x cols] and targets [rows x targetWidth]. */
    public static DataBlock dense(int rows, int cols, float[] features, int targetWidth, float[] targets) {
        if (features.length != (long) rows * cols) {
            throw new IllegalArgumentException("features have length " + features.length + ", expected rows * cols = "
                    + rows + " * " + cols);
        }
        return new DataBlock(rows, cols, targetWidth, features, null, null, targets, null);
    }

    /** Dense features held compact, and targets [rows x targetWidth]. */
    public static DataBlock compact(CompactFeatures features, int targetWidth, float[] targets) {
        return new DataBlock(features.rows(), features.cols(), targetWidth, null, features, null, targets, null);
    }

    /** Sparse features and targets [rows x targetWidth]. */
    public static DataBlock sparse(CsrMatrix features, int targetWidth, float[] targets) {
        return new DataBlock(features.rows(), features.cols(), targetWidth, null, null, features, targets, null);
    }

    /** This block with row weights {@code weights} [rows] (null: unweighted); the other arrays are shared. */
    public DataBlock withWeights(float[] weights) {
        return new DataBlock(rows, cols, targetWidth, dense, compact, sparse, targets, weights);
    }

    /** This block with targets {@code targets} [rows x targetWidth]; the features and weights are shared. */
    public DataBlock withTargets(int targetWidth, float[] targets) {
        return new DataBlock(rows, cols, targetWidth, dense, compact, sparse, targets, weights);
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    public int targetWidth() {
        return targetWidth;
    }

    public boolean isSparse() {
        return sparse != null;
    }

    /** Dense float32 features, or null when sparse or compact. */
    public float[] dense() {
        return dense;
    }

    /** Whether the dense features are held in a compact format ({@link #compact()}). */
    public boolean isCompact() {
        return compact != null;
    }

    /** The compact dense features, or null when float32 or sparse. */
    public CompactFeatures compact() {
        return compact;
    }

    /** The format of the features: float32 unless compact. */
    public CacheFormat cacheFormat() {
        return compact == null ? CacheFormat.FLOAT32 : compact.format();
    }

    /** Sparse features, or null when dense. */
    public CsrMatrix sparse() {
        return sparse;
    }

    public float[] targets() {
        return targets;
    }

    /** Row weights [rows], or null when every row weighs 1. */
    public float[] weights() {
        return weights;
    }

    public boolean isWeighted() {
        return weights != null;
    }

    /** Rows {@code [from, to)} of a dense block as a new dense block (copies). */
    public DataBlock denseRows(int from, int to) {
        if (dense == null) {
            throw new IllegalArgumentException("denseRows takes a dense float32 block");
        }
        if (from < 0 || from > to || to > rows) {
            throw new IllegalArgumentException("row range [" + from + ", " + to + ") is not inside [0, " + rows + "]");
        }
        return dense(to - from, cols, Arrays.copyOfRange(dense, from * cols, to * cols), targetWidth,
                Arrays.copyOfRange(targets, from * targetWidth, to * targetWidth))
                .withWeights(weights == null ? null : Arrays.copyOfRange(weights, from, to));
    }

    /**
     * Rows {@code first, first + step, first + 2 step, ...} of a dense float32 or sparse block, in that
     * order, as a new block (copies): the piece of a block that goes to one balanced block.
     */
    public DataBlock strided(int first, int step) {
        if (compact != null) {
            throw new IllegalArgumentException("strided takes a dense float32 or sparse block, not a compact one");
        }
        int n = first >= rows ? 0 : (rows - first + step - 1) / step;
        float[] t = new float[n * targetWidth];
        float[] w = weights == null ? null : new float[n];
        float[] x = sparse == null ? new float[n * cols] : null;
        int[] indptr = sparse == null ? null : new int[n + 1];
        for (int i = 0; i < n; i++) {
            int r = first + i * step;
            System.arraycopy(targets, r * targetWidth, t, i * targetWidth, targetWidth);
            if (w != null) {
                w[i] = weights[r];
            }
            if (x != null) {
                System.arraycopy(dense, r * cols, x, i * cols, cols);
            } else {
                indptr[i + 1] = indptr[i] + sparse.indptr()[r + 1] - sparse.indptr()[r];
            }
        }
        if (x != null) {
            return dense(n, cols, x, targetWidth, t).withWeights(w);
        }
        int[] indices = new int[indptr[n]];
        float[] values = new float[indptr[n]];
        for (int i = 0; i < n; i++) {
            int from = sparse.indptr()[first + i * step];
            System.arraycopy(sparse.indices(), from, indices, indptr[i], indptr[i + 1] - indptr[i]);
            System.arraycopy(sparse.values(), from, values, indptr[i], indptr[i + 1] - indptr[i]);
        }
        return sparse(new CsrMatrix(n, cols, indptr, indices, values), targetWidth, t).withWeights(w);
    }

    /**
     * The rows of {@code blocks} one after another, as one block (copies). All dense float32 gives a
     * dense block; any sparse one gives a sparse block (dense rows stored by their non-zeros). Weights
     * are kept when any block is weighted (an unweighted block's rows weigh 1).
     */
    public static DataBlock concat(List<DataBlock> blocks) {
        DataBlock head = blocks.get(0);
        int rows = 0;
        long nnz = 0;
        boolean sparse = false;
        boolean weighted = false;
        for (DataBlock b : blocks) {
            if (b.cols != head.cols || b.targetWidth != head.targetWidth || b.compact != null) {
                throw new IllegalArgumentException("concat takes dense float32 or sparse blocks of the same widths");
            }
            rows += b.rows;
            sparse |= b.sparse != null;
            weighted |= b.weights != null;
            nnz += b.sparse != null ? b.sparse.indptr()[b.rows] : countNonzeros(b.dense);
        }
        float[] t = new float[rows * head.targetWidth];
        float[] w = weighted ? new float[rows] : null;
        float[] x = sparse ? null : new float[rows * head.cols];
        int[] indptr = sparse ? new int[rows + 1] : null;
        int[] indices = sparse ? new int[(int) nnz] : null;
        float[] values = sparse ? new float[(int) nnz] : null;
        int at = 0;
        for (DataBlock b : blocks) {
            System.arraycopy(b.targets, 0, t, at * head.targetWidth, b.targets.length);
            if (w != null) {
                if (b.weights != null) {
                    System.arraycopy(b.weights, 0, w, at, b.rows);
                } else {
                    Arrays.fill(w, at, at + b.rows, 1f);
                }
            }
            if (x != null) {
                System.arraycopy(b.dense, 0, x, at * head.cols, b.dense.length);
            } else {
                for (int r = 0; r < b.rows; r++) {
                    indptr[at + r + 1] = b.appendRow(r, indptr[at + r], indices, values);
                }
            }
            at += b.rows;
        }
        DataBlock joined = x != null ? dense(rows, head.cols, x, head.targetWidth, t)
                : sparse(new CsrMatrix(rows, head.cols, indptr, indices, values), head.targetWidth, t);
        return joined.withWeights(w);
    }

    private static long countNonzeros(float[] values) {
        long n = 0;
        for (float v : values) {
            n += v != 0 ? 1 : 0;
        }
        return n;
    }

    /** Writes row r's non-zeros at {@code indices, values [at, ...)}; returns the end. */
    private int appendRow(int r, int at, int[] indices, float[] values) {
        if (sparse != null) {
            int from = sparse.indptr()[r];
            int n = sparse.indptr()[r + 1] - from;
            System.arraycopy(sparse.indices(), from, indices, at, n);
            System.arraycopy(sparse.values(), from, values, at, n);
            return at + n;
        }
        for (int c = 0; c < cols; c++) {
            float v = dense[r * cols + c];
            if (v != 0) {
                indices[at] = c;
                values[at++] = v;
            }
        }
        return at;
    }

    /** Approximate bytes held: the arrays' payloads (the compact ones when compact). */
    public long sizeInBytes() {
        long bytes = 4L * targets.length + (weights == null ? 0 : 4L * weights.length);
        if (dense != null) {
            bytes += 4L * dense.length;
        } else if (compact != null) {
            bytes += compact.sizeInBytes();
        } else {
            bytes += 4L * (sparse.rows() + 1) + 8L * sparse.nnz();
        }
        return bytes;
    }

    /** What {@link #sizeInBytes()} would be with the features in float32 (dense, or sparse as they are). */
    public long float32SizeInBytes() {
        long bytes = sizeInBytes();
        return compact == null ? bytes : bytes - compact.sizeInBytes() + 4L * rows * cols;
    }

    /**
     * Copies the examples {@code order[from..to)} into {@code batch} (features, targets and weights), in
     * that order, and records each one's index in this block as its {@link Batch#rowIds() row identity}.
     * Compact features are decoded straight into the batch's float32 buffer. Allocates nothing unless a
     * sparse batch buffer has to grow.
     */
    public void gather(int[] order, int from, int to, Batch batch) {
        int n = to - from;
        if (n > batch.capacity()) {
            throw new IllegalArgumentException(n + " rows do not fit a batch of capacity " + batch.capacity());
        }
        if (batch.inputWidth() != cols || batch.targetWidth() != targetWidth) {
            throw new IllegalArgumentException("block has " + cols + " features and " + targetWidth
                    + " targets per row, the network expects " + batch.inputWidth() + " and " + batch.targetWidth());
        }
        float[] bt = batch.targets();
        for (int i = 0; i < n; i++) {
            System.arraycopy(targets, order[from + i] * targetWidth, bt, i * targetWidth, targetWidth);
        }
        if (compact != null) {
            float[] bx = batch.dense();
            for (int i = 0; i < n; i++) {
                compact.decodeRow(order[from + i], bx, i * cols);
            }
            batch.setDense(n);
        } else if (sparse == null) {
            float[] bx = batch.dense();
            for (int i = 0; i < n; i++) {
                System.arraycopy(dense, order[from + i] * cols, bx, i * cols, cols);
            }
            batch.setDense(n);
        } else {
            CsrMatrix bx = batch.sparse();
            bx.clear();
            for (int i = 0; i < n; i++) {
                bx.appendRow(sparse, order[from + i]);
            }
            batch.setSparse();
        }
        System.arraycopy(order, from, batch.rowIds(), 0, n);
        if (weights != null) {
            float[] bw = batch.weights();
            for (int i = 0; i < n; i++) {
                bw[i] = weights[order[from + i]];
            }
        }
        batch.setWeighted(weights != null);
    }

    /** Copies rows {@code [from, to)} in stored order (evaluation). */
    public void gatherRange(int from, int to, int[] scratchOrder, Batch batch) {
        for (int i = from; i < to; i++) {
            scratchOrder[i - from] = i;
        }
        gather(scratchOrder, 0, to - from, batch);
    }
}
