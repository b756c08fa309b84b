package io.sparkprop.driver.train;

import io.sparkprop.core.data.DataBlock;
import io.sparkprop.core.data.Standardizer;
import io.sparkprop.core.nn.Batch;
import io.sparkprop.core.nn.NetworkSpec;
import io.sparkprop.core.nn.Workspace;
import io.sparkprop.driver.data.DataBlocks;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;

import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * Loss and metrics of some parameters over a whole cached dataset: one pass, each partition forward
 * in chunks of {@code evalBatchSize} rows in stored order, emitting a {@code double[]} of sums; the
 * driver adds the partitions' sums in partition-id order, so the result is deterministic. Every sum
 * but the row count weighs row r by w_r (1 for unweighted blocks, where the sums are the plain ones):
 * <pre>
 *   [lossSum, rows, W = sum w, weighted (0 or 1), then
 *   classification: confusion K x K in rows, confusion K x K in weight]
 *   regression:     SSE_j (k), SAE_j (k), sum y_j (k), sum y_j^2 (k)]   per output j of the k outputs
 * </pre>
 * A regressor trained on standardised targets ({@code targets} not null) is evaluated on blocks whose
 * targets are standardised the same way: the loss is the training objective's, in standardised
 * units; the network's output z and the stored target t are inverted ({@code y = v * std_j + mean_j})
 * before the metrics, so MSE, MAE and R^2 are in the label's own units.
 */
public final class Evaluator {
    private final JavaSparkContext sc;
    private final NetworkSpec spec;
    private final int evalBatchSize;
    private final Standardizer targets;

    public Evaluator(JavaSparkContext sc, NetworkSpec spec, int evalBatchSize) {
        this(sc, spec, evalBatchSize, null);
    }

    /** @param targets the regression targets' standardisation the network was trained with; null for none */
    public Evaluator(JavaSparkContext sc, NetworkSpec spec, int evalBatchSize, Standardizer targets) {
        if (targets != null && (classification(spec) || targets.width() != spec.outputWidth())) {
            throw new IllegalArgumentException("target standardisation of width " + targets.width() + " does not fit the network "
                    + spec + " (a regressor with that many outputs)");
        }
        this.sc = sc;
        this.spec = spec;
        this.evalBatchSize = evalBatchSize;
        this.targets = targets;
    }

    public EvaluationMetrics evaluate(float[] params, DataBlocks data) {
        return evaluate(params, data.rdd());
    }

    /** Over any RDD of blocks (cached or not) whose widths match the network. */
    public EvaluationMetrics evaluate(float[] params, JavaRDD<DataBlock> data) {
        spec.layout().checkLength(params, "parameter array");
        Broadcast<float[]> b = sc.broadcast(params.clone());
        try {
            List<double[]> partials = data.mapPartitionsWithIndex(new Pass(spec, b, evalBatchSize, targets), true).collect();
            double[] s = new double[partials.get(0).length];
            for (double[] a : partials) {
                for (int j = 0; j < s.length; j++) {
                    s[j] += a[j];
                }
            }
            if (s[1] == 0) {
                throw new IllegalArgumentException("cannot evaluate on an empty dataset");
            }
            return metrics(s);
        } finally {
            b.destroy();
        }
    }

    private EvaluationMetrics metrics(double[] s) {
        long rows = (long) s[1];
        double weight = s[2];
        boolean weighted = s[3] != 0;
        if (!(weight > 0)) {
            throw new IllegalArgumentException("cannot evaluate: every one of the " + rows + " rows has weight 0");
        }
        double loss = s[0] / weight;
        int k = spec.outputWidth();
        if (classification(spec)) {
            long[][] confusion = new long[k][k];
            double[][] weightedConfusion = new double[k][k];
            for (int a = 0; a < k; a++) {
                for (int p = 0; p < k; p++) {
                    confusion[a][p] = (long) s[4 + a * k + p];
                    weightedConfusion[a][p] = s[4 + k * k + a * k + p];
                }
            }
            return new EvaluationMetrics(rows, weighted, weight, loss, confusion, weightedConfusion, null, null, null,
                    false);
        }
        // per output j, weighted: MSE_j = sum w e_j^2 / W, MAE_j = sum w |e_j| / W,
        // R^2_j = 1 - SSE_j / SST_j with SST_j = sum w y_j^2 - (sum w y_j)^2 / W
        double[] mse = new double[k];
        double[] mae = new double[k];
        double[] r2 = new double[k];
        for (int j = 0; j < k; j++) {
            double sse = s[4 + j];
            double sumY = s[4 + 2 * k + j];
            double sumY2 = s[4 + 3 * k + j];
            mse[j] = sse / weight;
            mae[j] = s[4 + k + j] / weight;
            r2[j] = 1 - sse / (sumY2 - sumY * sumY / weight);
        }
        return new EvaluationMetrics(rows, weighted, weight, loss, null, null, mse, mae, r2, targets != null);
    }

    static boolean classification(NetworkSpec spec) {
        return "softmax_cross_entropy".equals(spec.loss());
    }

    /** One partition's sums. */
    private static final class Pass implements Function2<Integer, Iterator<DataBlock>, Iterator<double[]>> {
        private static final long serialVersionUID = 1L;
        private final NetworkSpec spec;
        private final Broadcast<float[]> params;
        private final int batchSize;
        private final Standardizer targets;

        Pass(NetworkSpec spec, Broadcast<float[]> params, int batchSize, Standardizer targets) {
            this.spec = spec;
            this.params = params;
            this.batchSize = batchSize;
            this.targets = targets;
        }

        @Override
        public Iterator<double[]> call(Integer partition, Iterator<DataBlock> blocks) {
            int k = spec.outputWidth();
            boolean classification = classification(spec);
            double[] s = new double[classification ? 4 + 2 * k * k : 4 + 4 * k];
            ExecutorWorkspaces.Scratch scratch = ExecutorWorkspaces.scratch(spec, batchSize);
            Workspace ws = scratch.workspace;
            float[] p = params.value();
            while (blocks.hasNext()) {
                DataBlock block = blocks.next();
                for (int from = 0; from < block.rows(); from += batchSize) {
                    int to = Math.min(block.rows(), from + batchSize);
                    block.gatherRange(from, to, scratch.indices, ws.batch());
                    s[0] += scratch.network.loss(p, ws);
                    s[1] += to - from;
                    s[2] += ws.batch().weightSum();
                    s[3] = block.isWeighted() ? 1 : s[3];
                    accumulate(ws, s, k, classification, targets);
                }
            }
            return Collections.singletonList(s).iterator();
        }

        /**
         * Adds the batch's rows to the sums (regression in the label's units: predictions and targets
         * un-standardised by {@code targets}, null for none); an unweighted row has w = 1, and x * 1.0 = x exactly.
         */
        private static void accumulate(Workspace ws, double[] s, int k, boolean classification, Standardizer targets) {
            Batch batch = ws.batch();
            float[] out = ws.output();
            float[] y = batch.targets();
            float[] weights = batch.isWeighted() ? batch.weights() : null;
            for (int r = 0; r < batch.rows(); r++) {
                int row = r * k;
                double w = weights == null ? 1.0 : weights[r];
                if (classification) {
                    int predicted = 0;
                    for (int j = 1; j < k; j++) {
                        if (out[row + j] > out[row + predicted]) {
                            predicted = j;
                        }
                    }
                    s[4 + (int) y[r] * k + predicted]++;
                    s[4 + k * k + (int) y[r] * k + predicted] += w;
                } else {
                    for (int j = 0; j < k; j++) {
                        float predicted = targets == null ? out[row + j] : targets.invert(out[row + j], j);
                        double t = targets == null ? y[row + j] : targets.invert(y[row + j], j);
                        double e = predicted - t;
                        s[4 + j] += w * (e * e);
                        s[4 + k + j] += w * Math.abs(e);
                        s[4 + 2 * k + j] += w * t;
                        s[4 + 3 * k + j] += w * (t * t);
                    }
                }
            }
        }
    }
}
