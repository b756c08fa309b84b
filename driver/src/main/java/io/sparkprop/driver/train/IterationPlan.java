package io.sparkprop.driver.train;

import io.sparkprop.core.data.DataBlock;

import java.io.Serializable;

/**
 * How a global batch of B rows is split over partitions holding n_p rows each (N in total):
 * <pre>
 *   b_p = ceil(B * n_p / N)                 partition p's local batch
 *   iterations per epoch I = max_p ceil(n_p / b_p)
 *   iteration i of an epoch: partition p takes rows [i * b_p, min((i + 1) * b_p, n_p)) of its
 *   shuffled order; once i * b_p >= n_p it has run out and contributes count 0
 * </pre>
 * Every partition thus finishes its rows in about N / B iterations, and an epoch shows every
 * example exactly once.
 */
public final class IterationPlan implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int[] rows;
    private final int[] batch;
    private final int iterationsPerEpoch;
    private final int maxBatch;

    private IterationPlan(int[] rows, int[] batch, int iterationsPerEpoch, int maxBatch) {
        this.rows = rows;
        this.batch = batch;
        this.iterationsPerEpoch = iterationsPerEpoch;
        this.maxBatch = maxBatch;
    }

    public static IterationPlan of(long[] partitionRows, int globalBatch) {
        long total = 0;
        for (long n : partitionRows) {
            if (n <= 0 || n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("partition rows must be in [1, 2^31), got " + n);
            }
            total += n;
        }
        int[] rows = new int[partitionRows.length];
        int[] batch = new int[partitionRows.length];
        int iterations = 0;
        int maxBatch = 0;
        for (int p = 0; p < rows.length; p++) {
            rows[p] = (int) partitionRows[p];
            batch[p] = (int) Math.min(rows[p], ((long) globalBatch * rows[p] + total - 1) / total);
            iterations = Math.max(iterations, (rows[p] + batch[p] - 1) / batch[p]);
            maxBatch = Math.max(maxBatch, batch[p]);
        }
        return new IterationPlan(rows, batch, iterations, maxBatch);
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

    public int iterationsPerEpoch() {
        return iterationsPerEpoch;
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
