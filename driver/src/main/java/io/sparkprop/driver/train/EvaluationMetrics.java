package io.sparkprop.driver.train;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Metrics over a whole dataset. Always the mean loss; then either classification metrics
 * (softmax cross-entropy: accuracy, per-class precision and recall, the confusion matrix) or
 * regression metrics, per output j of the k outputs and then averaged:
 * <pre>
 *   MSE_j  = sum_r (yhat_rj - y_rj)^2 / n          RMSE_j = sqrt(MSE_j)
 *   MAE_j  = sum_r |yhat_rj - y_rj| / n
 *   R^2_j  = 1 - SSE_j / SST_j,  SST_j = sum_r (y_rj - mean_j)^2
 *   mse(), rmse(), mae(), r2(): the plain mean over the k outputs of MSE_j, RMSE_j, MAE_j, R^2_j
 *                               (scikit-learn's multioutput="uniform_average"); for k = 1 the one output's
 * </pre>
 * The mean MSE and MAE equal the pooled ones over all n k values; the mean R^2 gives each output the
 * same say whatever its scale (a pooled R^2 would be the largest-scale output's). A constant output
 * (SST_j = 0) has R^2_j = 1 - SSE_j / 0: -infinity unless it is predicted exactly, and so has the mean.
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
    /** Per regression output j [k]: MSE_j, MAE_j, R^2_j; null for classification. */
    private final double[] mse;
    private final double[] mae;
    private final double[] r2;
    private final boolean lossOnStandardizedTargets;

    EvaluationMetrics(long rows, boolean weighted, double weight, double loss, long[][] confusion, double[][] weightedConfusion,
                      double[] mse, double[] mae, double[] r2, boolean lossOnStandardizedTargets) {
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

    /** k, the regression outputs the metrics are over (0 for classification). */
    public int outputs() {
        return mse == null ? 0 : mse.length;
    }

    /** The mean over the outputs of MSE_j (NaN for classification, as the other regression means). */
    public double mse() {
        return mean(mse);
    }

    /** The mean over the outputs of RMSE_j = sqrt(MSE_j); for one output sqrt(MSE). */
    public double rmse() {
        if (mse == null) {
            return Double.NaN;
        }
        double[] root = new double[mse.length];
        for (int j = 0; j < root.length; j++) {
            root[j] = Math.sqrt(mse[j]);
        }
        return mean(root);
    }

    /** The mean over the outputs of MAE_j. */
    public double mae() {
        return mean(mae);
    }

    /** The mean over the outputs of R^2_j. */
    public double r2() {
        return mean(r2);
    }

    /** MSE of output j, in the label's units squared. */
    public double mse(int j) {
        return mse[j];
    }

    public double rmse(int j) {
        return Math.sqrt(mse[j]);
    }

    public double mae(int j) {
        return mae[j];
    }

    public double r2(int j) {
        return r2[j];
    }

    /** sum_j v_j / k, summed from 0 in output order: for k = 1 exactly v_0; NaN for no outputs (classification). */
    private static double mean(double[] v) {
        if (v == null) {
            return Double.NaN;
        }
        double sum = 0;
        for (double x : v) {
            sum += x;
        }
        return sum / v.length;
    }

    /**
     * Rows, then {@link #toMap()}, then for a regression of several outputs {@code outputs}: one
     * {@link #outputMap(int)} per output, in output order. What model metadata and retraining history
     * lines record.
     */
    public Map<String, Object> toMapWithRows() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("rows", rows());
        if (weighted) {
            out.put("weightSum", weight);
        }
        out.putAll(toMap());
        if (outputs() > 1) {
            List<Map<String, Double>> perOutput = new ArrayList<>();
            for (int j = 0; j < outputs(); j++) {
                perOutput.add(outputMap(j));
            }
            out.put("outputs", perOutput);
        }
        return out;
    }

    /** Output j's mse, rmse, mae and r2 by name (regression only). */
    public Map<String, Double> outputMap(int j) {
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("mse", mse(j));
        out.put("rmse", rmse(j));
        out.put("mae", mae(j));
        out.put("r2", r2(j));
        return out;
    }

    /** Loss and the task's metrics by name: loss, accuracy; or loss, mse, rmse, mae, r2 (the means over the outputs). */
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
                : String.format(Locale.ROOT, "loss %.5f%s, %smse %.5g, rmse %.5g, mae %.5g, r2 %.4f (%s)",
                        loss, lossOnStandardizedTargets ? " (standardised targets)" : "",
                        outputs() > 1 ? "mean over " + outputs() + " outputs: " : "", mse(), rmse(), mae(), r2(), rowsText);
    }
}
