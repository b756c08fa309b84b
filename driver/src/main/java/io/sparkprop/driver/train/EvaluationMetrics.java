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
 * The regression metrics are in the label's units; the loss is the training objective's, which for a
 * regressor trained on standardised targets is in standardised units ({@link #lossOnStandardizedTargets()}).
 */
public final class EvaluationMetrics implements Serializable {
    private static final long serialVersionUID = 1L;

    private final long rows;
    private final double loss;
    private final long[][] confusion;
    private final double mse;
    private final double mae;
    private final double r2;
    private final boolean lossOnStandardizedTargets;

    EvaluationMetrics(long rows, double loss, long[][] confusion, double mse, double mae, double r2,
                      boolean lossOnStandardizedTargets) {
        this.rows = rows;
        this.loss = loss;
        this.confusion = confusion;
        this.mse = mse;
        this.mae = mae;
        this.r2 = r2;
        this.lossOnStandardizedTargets = lossOnStandardizedTargets;
    }

    public long rows() {
        return rows;
    }

    /** Mean loss per row. */
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

    public double accuracy() {
        long correct = 0;
        for (int k = 0; k < confusion.length; k++) {
            correct += confusion[k][k];
        }
        return (double) correct / rows;
    }

    /** Of the rows predicted as class k, the fraction that are k (NaN if none was predicted k). */
    public double precision(int k) {
        long predicted = 0;
        for (long[] row : confusion) {
            predicted += row[k];
        }
        return (double) confusion[k][k] / predicted;
    }

    /** Of the rows of class k, the fraction predicted as k (NaN if there are none). */
    public double recall(int k) {
        long actual = 0;
        for (long c : confusion[k]) {
            actual += c;
        }
        return (double) confusion[k][k] / actual;
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
        return isClassification()
                ? String.format(Locale.ROOT, "loss %.5f, accuracy %.4f (%d rows)", loss, accuracy(), rows)
                : String.format(Locale.ROOT, "loss %.5f%s, mse %.5g, rmse %.5g, mae %.5g, r2 %.4f (%d rows)",
                        loss, lossOnStandardizedTargets ? " (standardised targets)" : "", mse, rmse(), mae, r2, rows);
    }
}
