package io.sparkprop.core.train;

import io.sparkprop.core.data.DataBlock;
import io.sparkprop.core.data.EpochOrder;
import io.sparkprop.core.nn.Dropout;
import io.sparkprop.core.nn.Network;
import io.sparkprop.core.nn.Workspace;
import io.sparkprop.core.optim.ParameterRanges;
import io.sparkprop.core.optim.UpdateRule;

/**
 * Mini-batch training of a {@link Network} on one {@link DataBlock}, on one thread: the one-machine
 * version of what the Spark driver does with many partitions. Per epoch e:
 * <pre>
 *   order = EpochOrder.shuffle(rows, seed, e, partition 0)
 *   for each batch B of order (size batchSize, the last one may be smaller):
 *     s = sum_{r in B} dL_r/dparams                (Network.gradientSum)
 *     params = UpdateRule.applySum(params, s, |B|)  (the step on the mean g = s / |B|, in one pass)
 *   epoch loss = (1/rows) * sum_r L_r             (each L_r taken before its batch's update)
 * </pre>
 * The workspaces, the order array and the gradient are allocated once here and reused by every
 * batch, so a step allocates nothing. Not thread-safe.
 */
public final class LocalTrainer {
    private final Network network;
    private final UpdateRule rule;
    private final DataBlock train;
    private final int batchSize;
    private final long seed;
    private final Workspace workspace;
    private final float[] grad;
    private final ParameterRanges all;
    private final int[] order;
    private final int[] evalOrder;
    private int epoch;

    /** Accuracy is NaN for a loss with no notion of a class. */
    public record Evaluation(double meanLoss, double accuracy, int rows) {
    }

    public LocalTrainer(Network network, UpdateRule rule, DataBlock train, int batchSize, long seed) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        }
        if (train.rows() == 0) {
            throw new IllegalArgumentException("the training block has no rows");
        }
        if (train.isWeighted()) {
            // its means divide by rows; weighted rows train on Spark (DistributedTrainer), which divides by weight
            throw new IllegalArgumentException("the local trainer takes unweighted blocks; this block has row weights");
        }
        this.network = network;
        this.rule = rule;
        this.train = train;
        this.batchSize = batchSize;
        this.seed = seed;
        this.workspace = network.newWorkspace(batchSize);
        this.grad = new float[network.layout().size()];
        this.all = ParameterRanges.all(grad.length);
        this.order = new int[train.rows()];
        this.evalOrder = new int[batchSize];
    }

    /** Epochs completed so far; the next epoch shuffles with this number. */
    public int epoch() {
        return epoch;
    }

    /** One pass over the training block, updating {@code params} in place; returns the mean loss. */
    public double trainEpoch(float[] params) {
        int rows = train.rows();
        EpochOrder.shuffle(order, rows, seed, epoch, 0);
        double lossSum = 0;
        for (int from = 0; from < rows; from += batchSize) {
            int to = Math.min(from + batchSize, rows);
            train.gather(order, from, to, workspace.batch());
            lossSum += network.gradientSum(params, workspace, grad, Dropout.NONE, 0, 0);
            rule.applySum(params, grad, to - from, all);
        }
        epoch++;
        return lossSum / rows;
    }

    /** {@code epochs} passes; returns the mean training loss of each. */
    public double[] train(float[] params, int epochs) {
        double[] losses = new double[epochs];
        for (int e = 0; e < epochs; e++) {
            losses[e] = trainEpoch(params);
        }
        return losses;
    }

    /**
     * Mean loss and accuracy on {@code data}, in stored order and batches of the trainer's size.
     * A row counts as correct when:
     * <ul>
     *   <li>one target per row (a class index): argmax_j output[j] == target;</li>
     *   <li>one target per output, several outputs (one-hot): argmax output == argmax target;</li>
     *   <li>a single output: (output >= 0.5) == (target >= 0.5).</li>
     * </ul>
     */
    public Evaluation evaluate(float[] params, DataBlock data) {
        if (data.rows() == 0) {
            throw new IllegalArgumentException("cannot evaluate on a block with no rows");
        }
        int outputs = network.layout().outputWidth();
        int targetWidth = data.targetWidth();
        double lossSum = 0;
        long correct = 0;
        for (int from = 0; from < data.rows(); from += batchSize) {
            int to = Math.min(from + batchSize, data.rows());
            data.gatherRange(from, to, evalOrder, workspace.batch());
            lossSum += network.loss(params, workspace);
            float[] out = workspace.output();
            float[] targets = workspace.batch().targets();
            for (int r = 0; r < to - from; r++) {
                if (outputs == 1) {
                    correct += (out[r] >= 0.5f) == (targets[r * targetWidth] >= 0.5f) ? 1 : 0;
                } else {
                    int predicted = argmax(out, r * outputs, outputs);
                    int actual = targetWidth == 1 ? (int) targets[r] : argmax(targets, r * targetWidth, targetWidth);
                    correct += predicted == actual ? 1 : 0;
                }
            }
        }
        return new Evaluation(lossSum / data.rows(), (double) correct / data.rows(), data.rows());
    }

    private static int argmax(float[] x, int off, int n) {
        int best = 0;
        for (int j = 1; j < n; j++) {
            if (x[off + j] > x[off + best]) {
                best = j;
            }
        }
        return best;
    }
}
