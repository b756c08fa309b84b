package io.sparkprop.driver.train;

import io.sparkprop.core.data.DataBlock;
import io.sparkprop.core.nn.Dropout;
import io.sparkprop.core.nn.NetworkSpec;
import io.sparkprop.core.optim.UpdateRule;
import io.sparkprop.driver.config.TrainingSettings;
import org.apache.spark.broadcast.Broadcast;


/**
 * One partition's round of K local steps, run on the executor. From the broadcast start parameters
 * theta_0 [P] (and, with averaged optimizer state, the S state arrays [P] each after them) it runs
 * the inner update rule (clip, weight decay, optimizer at lr(t), t = globalStep + k) on its own next
 * K mini-batches of the epoch (rows per {@link IterationPlan}, iterations first .. first + K - 1):
 * <pre>
 *   theta_{k+1} = UpdateRule(theta_k, g_k),  g_k = sum_r w_r grad_r / sum_r w_r over the partition's batch k
 *                                             at theta_k (w_r = 1 unweighted; 0 when the batch weighs 0)
 * </pre>
 * and emits {@code float[L + 3]}: {@code W * (theta_0 - theta_K)}, then with averaged state
 * {@code W * state_i} for each state array, then the loss sum, the weight W of the rows it used (their
 * count n when unweighted) and n. The driver's sum divided by the total weight is the weighted mean
 * change (and state). A partition that runs out of rows this epoch stops early; one with none left
 * emits zeros. Local step k drops hidden units with the masks of global step globalStep + k, so the
 * inner steps of different rounds draw different masks. On a sparse block with train.sparseUpdate's
 * touched steps, step k visits only the first-layer columns its batch touched (see
 * {@link ExecutorWorkspaces#gradientSum}); the round's change is then zero in the others.
 *
 * <p>Everything the round needs comes with the task or the broadcast, so a recomputed task (a lost
 * executor) produces the same bits. Buffers and the inner rule come from {@link ExecutorWorkspaces}.
 */
final class LocalSteps implements GradientAggregator.PartitionTask {
    private static final long serialVersionUID = 1L;

    private final NetworkSpec spec;
    private final Broadcast<float[]> start;
    private final IterationPlan plan;
    private final TrainingConfig config;
    private final String run;
    private final long epoch;
    private final int first;
    private final int steps;
    private final long globalStep;
    private final int stateArrays;
    private final long totalIterations;
    private final long seed;
    private final Dropout dropout;
    /** train.sparseUpdate: local steps on a sparse block visit only the columns each batch touched. */
    private final boolean touched;

    /**
     * @param run             an id of the training run, so executors reuse one inner rule per run
     * @param first           the epoch's iteration the round starts at
     * @param steps           K, local steps in this round
     * @param globalStep      optimizer steps before the round (the schedule's t of the first local step)
     * @param stateArrays     S, optimizer state arrays carried in the broadcast and the result (0: reset)
     * @param totalIterations the run's planned iterations (the cosine schedule's default length)
     */
    LocalSteps(NetworkSpec spec, Broadcast<float[]> start, IterationPlan plan, TrainingConfig config, String run, long epoch,
               int first, int steps, long globalStep, int stateArrays, long totalIterations) {
        this.spec = spec;
        this.start = start;
        this.plan = plan;
        this.config = config;
        this.run = run;
        this.epoch = epoch;
        this.first = first;
        this.steps = steps;
        this.globalStep = globalStep;
        this.stateArrays = stateArrays;
        this.totalIterations = totalIterations;
        this.seed = config.get(TrainingSettings.SEED);
        this.dropout = config.dropout();
        this.touched = config.touchedSteps();
    }

    @Override
    public float[] partial(int partition, DataBlock block) {
        plan.checkBlock(partition, block);
        ExecutorWorkspaces.Scratch s = ExecutorWorkspaces.scratch(spec, plan.maxBatch());
        UpdateRule rule = ExecutorWorkspaces.innerRule(s, run, config, plan.iterationsPerEpoch(), totalIterations);
        float[] theta0 = start.value();
        float[] theta = s.parameters;
        int p = theta.length;
        System.arraycopy(theta0, 0, theta, 0, p);
        if (stateArrays > 0) {
            rule.restore(globalStep, theta0, p);
        } else {
            rule.resetTo(globalStep);
        }
        double loss = 0;
        double weight = 0;
        int rows = 0;
        for (int k = 0; k < steps; k++) {
            int from = plan.from(partition, first + k);
            int to = plan.to(partition, first + k);
            if (from == to) {
                break;
            }
            loss += ExecutorWorkspaces.gradientSum(s, block, seed, epoch, partition, from, to, theta, dropout, globalStep + k,
                    touched);
            float n = (float) s.workspace.batch().weightSum();
            // a batch of zero weight has a zero gradient sum; its mean is taken as zero, not 0 / 0
            rule.applySum(theta, s.gradient, n > 0 ? n : 1f, s.ranges);
            weight += n;
            rows += to - from;
        }
        int payload = p * (1 + stateArrays);
        float[] out = ExecutorWorkspaces.result(s, payload + 3, rows == 0);
        if (rows > 0) {
            float w = (float) weight;
            for (int j = 0; j < p; j++) {
                out[j] = (theta0[j] - theta[j]) * w;
            }
            if (stateArrays > 0) {
                rule.optimizer().storeState(out, p, w);
            }
        }
        out[payload] = (float) loss;
        out[payload + 1] = (float) weight;
        out[payload + 2] = rows;
        return out;
    }
}
