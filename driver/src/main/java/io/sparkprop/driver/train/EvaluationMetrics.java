package io.sparkprop.driver.train;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Metrics over a whole dataset. Always the mean loss; then either classification metrics
 * (softmax cross-entropy: accuracy, per-class precision and recall, the confusion matrix) or
 * regression metrics over all outputs:
 * <pre>
 *   MSE  = sum (yhat - y)^2 / (n * outputs)          RMSE = sqrt(MSE)
 *   MAE  = sum |yhat - y| / (n * outputs)
 *   R^2  = 1 - SSE / SST,  SST = sum_j sum_r (y_rj - mean_j)^2   (per-output means)
 * </pre>
 * With row weights w_r every sum weighs row r by w_r and n becomes W = sum_r w_r: the loss is
 * {@code sum w_r L_r / W}, accuracy, precision and recall count weight instead of rows, and the means
 * of R^2 are weighted. The confusion matrix counts rows either way.
 * The regression metrics are in the label's units; the loss is the training objective's, which for a
 * regressor trained on standardised targets is in standardised units ({@link #lossOnStandardizedTargets()}).
 */
public final class EvaluationMetrics implements Serializable {
    private static final long serialVersionUID = 1L;

    private final long rows;
    private final boolean weighted;
    private final double weight;
    private final double loss;
    private final long[][] confusion;
    /** confusion[actual][predicted] in weight (equal to {@link #confusion} when unweighted). */
    private final double[][] weightedConfusion;
    private final double mse;
    private final double mae;
    private final double r2;
    private final boolean lossOnStandardizedTargets;

    EvaluationMetrics(long rows, boolean weighted, double weight, double loss, long[][] confusion, double[][] weightedConfusion,
                      double mse, double mae, double r2, boolean lossOnStandardizedTargets) {
        this.rows = rows;
        this.weighted = weighted;
        this.weight = weight;
        this.loss = loss;
        this.confusion = confusion;
        this.weightedConfusion = weightedConfusion;
        this.mse = mse;
        this.mae = mae;
        this.r2 = r2;
        this.lossOnStandardizedTargets = lossOnStandardizedTargets;
    }

    public long rows() {
        return rows;
    }

    /** Whether the rows were weighted. */
    public boolean isWeighted() {
        return weighted;
    }

    /** W = sum_r w_r: {@link #rows()} when unweighted. */
    public double weightSum() {
        return weight;
    }

    /** Mean loss per row (weighted: per unit of weight). */
    public double loss() {
        return loss;
    }

    /** True when {@link #loss()} compares standardised targets with the network's standardised output. */
    public boolean lossOnStandardizedTargets() {
        return lossOnStandardizedTargets;
    }

    public boolean isClassification() {
        return confusion != null;
    }

    /** confusion[actual][predicted] counts (classification only). */
    public long[][] confusionMatrix() {
        long[][] c = new long[confusion.length][];
        for (int i = 0; i < c.length; i++) {
            c[i] = confusion[i].clone();
        }
        return c;
    }

    /** The (weighted) fraction of rows predicted right. */
    public double accuracy() {
        double correct = 0;
        for (int k = 0; k < weightedConfusion.length; k++) {
            correct += weightedConfusion[k][k];
        }
        return correct / weight;
    }

    /** Of the rows predicted as class k, the (weighted) fraction that are k (NaN if none was predicted k). */
    public double precision(int k) {
        double predicted = 0;
        for (double[] row : weightedConfusion) {
            predicted += row[k];
        }
        return weightedConfusion[k][k] / predicted;
    }

    /** Of the rows of class k, the (weighted) fraction predicted as k (NaN if there are none). */
    public double recall(int k) {
        double actual = 0;
        for (double c : weightedConfusion[k]) {
            actual += c;
        }
        return weightedConfusion[k][k] / actual;
    }

    public double mse() {
        return mse;
    }

    public double rmse() {
        return Math.sqrt(mse);
    }

    public double mae() {
        return mae;
    }

    public double r2() {
        return r2;
    }

    /** Rows, then {@link #toMap()}: what model metadata and retraining history lines record. */
    public Map<String, Object> toMapWithRows() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("rows", rows());
        if (weighted) {
            out.put("weightSum", weight);
        }
        out.putAll(toMap());
        return out;
    }

    /** Loss and the task's metrics by name: loss, accuracy; or loss, mse, rmse, mae, r2. */
    public Map<String, Double> toMap() {
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("loss", loss());
        if (isClassification()) {
            out.put("accuracy", accuracy());
        } else {
            out.put("mse", mse());
            out.put("rmse", rmse());
            out.put("mae", mae());
            out.put("r2", r2());
        }
        return out;
    }

    @Override
    public String toString() {
        String rowsText = weighted ? String.format(Locale.ROOT, "%d rows, weight %.6g", rows, weight) : rows + " rows";
        return isClassification()
                ? String.format(Locale.ROOT, "loss %.5f, accuracy %.4f (%s)", loss, accuracy(), rowsText)
                : String.format(Locale.ROOT, "loss %.5f%s, mse %.5g, rmse %.5g, mae %.5g, r2 %.4f (%s)",
                        loss, lossOnStandardizedTargets ? " (standardised targets)" : "", mse, rmse(), mae, r2, rowsText);
    }
}
