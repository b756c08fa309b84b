package io.sparkprop.driver.train;

import io.sparkprop.core.data.DataBlock;
import io.sparkprop.core.nn.Dropout;
import io.sparkprop.core.nn.NetworkSpec;
import org.apache.spark.broadcast.Broadcast;

import java.util.Arrays;


/**
 * One partition's share of one iteration, run on the executor: take the next local mini-batch of
 * the epoch's shuffled order (rows [from, to) per {@link IterationPlan}), forward and backward, and
 * emit one {@code float[P + 3]}: the gradient sum {@code sum_r w_r grad_r} over the mini-batch, then the
 * loss sum {@code sum_r w_r L_r}, the weight sum {@code sum_r w_r} (the row count when unweighted) and
 * the row count. A partition that has run out of rows this epoch emits zeros. With dropout the hidden
 * units are masked by (seed, global step, partition, row in the block), so a recomputed task emits the
 * same bits.
 *
 * <p>Serialised with each task: it carries only small values and the broadcast handle; all buffers,
 * the result array too, come from {@link ExecutorWorkspaces}.
 */
final class GradientStep implements GradientAggregator.PartitionTask {
    private static final long serialVersionUID = 1L;

    private final NetworkSpec spec;
    private final Broadcast<float[]> params;
    private final IterationPlan plan;
    private final long seed;
    private final long epoch;
    private final int iteration;
    private final Dropout dropout;
    private final long step;

    /** @param step the global optimizer step this iteration computes the gradient for (dropout's key) */
    GradientStep(NetworkSpec spec, Broadcast<float[]> params, IterationPlan plan, long seed, long epoch, int iteration,
                 Dropout dropout, long step) {
        this.spec = spec;
        this.params = params;
        this.plan = plan;
        this.seed = seed;
        this.epoch = epoch;
        this.iteration = iteration;
        this.dropout = dropout;
        this.step = step;
    }

    /** The partial sums {@code [g_1..g_P, lossSum, weightSum, rows]} of this partition. */
    @Override
    public float[] partial(int partition, DataBlock block) {
        plan.checkBlock(partition, block);
        return partial(ExecutorWorkspaces.scratch(spec, plan.maxBatch()), plan, block, seed, epoch, partition, iteration,
                params.value(), dropout, step);
    }

    /**
     * Partition {@code partition}'s partial {@code [g_1..g_P, lossSum, weightSum, rows]} of the epoch's iteration
     * {@code iteration} at {@code params}, in the thread's result array (zeros when it has run out of rows).
     */
    static float[] partial(ExecutorWorkspaces.Scratch s, IterationPlan plan, DataBlock block, long seed, long epoch, int partition,
                           int iteration, float[] params, Dropout dropout, long step) {
        int from = plan.from(partition, iteration);
        int to = plan.to(partition, iteration);
        int p = s.gradient.length;
        float[] out = ExecutorWorkspaces.result(s, p + 3, from == to);
        if (from == to) {
            return out;
        }
        System.arraycopy(gradient(s, plan, block, seed, epoch, partition, iteration, params, dropout, step, out, p), 0, out, 0, p);
        return out;
    }

    /**
     * {@link #partial}'s parts without its copy: the gradient sum [P] in the thread's scratch (zeros when the partition
     * has run out of rows; valid until the thread's next gradient) and {@code lossSum, weightSum, rows} into
     * {@code stats[at .. at + 3)}.
     */
    static float[] gradient(ExecutorWorkspaces.Scratch s, IterationPlan plan, DataBlock block, long seed, long epoch, int partition,
                            int iteration, float[] params, Dropout dropout, long step, float[] stats, int at) {
        int from = plan.from(partition, iteration);
        int to = plan.to(partition, iteration);
        if (from == to) {
            Arrays.fill(s.gradient, 0f);
            Arrays.fill(stats, at, at + 3, 0f);
            return s.gradient;
        }
        double loss = ExecutorWorkspaces.gradientSum(s, block, seed, epoch, partition, from, to, params, dropout, step, false);
        stats[at] = (float) loss;
        stats[at + 1] = (float) s.workspace.batch().weightSum();
        stats[at + 2] = to - from;
        return s.gradient;
    }
}
