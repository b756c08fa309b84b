package io.sparkprop.driver.train;

import io.sparkprop.core.data.DataBlock;

import java.io.Serializable;
import java.util.Arrays;

/**
 * How a per-worker batch of b rows runs over partitions (workers) holding n_p rows each:
 * <pre>
 *   b_p = min(b, n_p)                       partition p's batch: the rows its task computes a step on
 *   iterations per epoch I = max_p ceil(n_p / b_p)
 *   iteration i of an epoch: partition p takes rows [i * b_p, min((i + 1) * b_p, n_p)) of its
 *   shuffled order; once i * b_p >= n_p it has run out and contributes count 0
 *   global batch = sum_p b_p                (S b for S balanced blocks of at least b rows)
 * </pre>
 * The batch a task computes on thus stays b whatever the number of workers (as in DDP and Horovod);
 * balanced blocks (n_p equal to within one) finish their rows together, and an epoch shows every
 * example exactly once.
 */
public final class IterationPlan implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int[] rows;
    private final int[] batch;
    private final int iterationsPerEpoch;
    private final int maxBatch;
    private final long globalBatch;

    private IterationPlan(int[] rows, int[] batch, int iterationsPerEpoch, int maxBatch, long globalBatch) {
        this.rows = rows;
        this.batch = batch;
        this.iterationsPerEpoch = iterationsPerEpoch;
        this.maxBatch = maxBatch;
        this.globalBatch = globalBatch;
    }

    /** The plan for a per-worker batch of {@code batch} rows over partitions of {@code partitionRows} rows. */
    public static IterationPlan of(long[] partitionRows, int batch) {
        for (long n : partitionRows) {
            if (n <= 0 || n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("partition rows must be in [1, 2^31), got " + n);
            }
        }
        int[] rows = new int[partitionRows.length];
        int[] perPartition = new int[partitionRows.length];
        long global = 0;
        int iterations = 0;
        int maxBatch = 0;
        for (int p = 0; p < rows.length; p++) {
            rows[p] = (int) partitionRows[p];
            perPartition[p] = Math.min(rows[p], batch);
            iterations = Math.max(iterations, (rows[p] + perPartition[p] - 1) / perPartition[p]);
            maxBatch = Math.max(maxBatch, perPartition[p]);
            global += perPartition[p];
        }
        return new IterationPlan(rows, perPartition, iterations, maxBatch, global);
    }

    public int partitions() {
        return rows.length;
    }

    /** n_p. */
    public int rows(int partition) {
        return rows[partition];
    }

    /** b_p. */
    public int batch(int partition) {
        return batch[partition];
    }

    /** max_p b_p: the capacity of the executors' batch buffers. */
    public int maxBatch() {
        return maxBatch;
    }

    /** sum_p b_p: the rows one iteration computes on over all workers. */
    public long globalBatch() {
        return globalBatch;
    }

    public int iterationsPerEpoch() {
        return iterationsPerEpoch;
    }

    /**
     * The one warning when {@code batch} (the setting {@code setting}) is more than the smallest block's rows,
     * so that some workers' batch was capped to their rows; null when no worker's was.
     */
    public String cappedBatchWarning(int batch, String setting) {
        int smallest = Arrays.stream(rows).min().orElse(batch);
        if (batch <= smallest) {
            return null;
        }
        return setting + " = " + batch + " rows per worker is more than the " + smallest + " rows of the smallest of the "
                + rows.length + " blocks: a worker's batch is capped to its rows (" + globalBatch + " rows per iteration in all)";
    }

    /** Fails when partition p's cached block no longer holds the rows this plan was made for. */
    public void checkBlock(int partition, DataBlock block) {
        if (block.rows() != rows[partition]) {
            throw new IllegalStateException("partition " + partition + " holds " + block.rows() + " rows, the plan expects "
                    + rows[partition] + ": the cached data changed under the trainer");
        }
    }

    /** First position (in the epoch's shuffled order) partition p uses in iteration i. */
    public int from(int partition, int iteration) {
        return (int) Math.min(rows[partition], (long) iteration * batch[partition]);
    }

    /** End (exclusive) of partition p's slice in iteration i; equal to from() when it has run out. */
    public int to(int partition, int iteration) {
        return (int) Math.min(rows[partition], (long) (iteration + 1) * batch[partition]);
    }
}
