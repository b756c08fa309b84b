package io.sparkprop.driver.ml;

import io.sparkprop.driver.train.EpochMetrics;
import io.sparkprop.driver.train.EvaluationMetrics;
import io.sparkprop.driver.train.TrainingResult;

import java.io.Serializable;
import java.util.List;

/**
 * How a fit went: the mean training loss of each epoch, the validation loss after each epoch and
 * the final validation metrics (with a validationFraction > 0), and why training stopped. Like
 * Spark's summaries it lives with the fitted model only and is not saved with it. A regressor fitted
 * with labelStandardization has its losses in standardised units and its metrics in the label's.
 */
public final class TrainingSummary implements Serializable {
    private static final long serialVersionUID = 1L;

    private final double[] lossHistory;
    private final double[] validationLossHistory;
    private final EvaluationMetrics validationMetrics;
    private final long iterations;
    private final long epochs;
    private final String stopReason;

    TrainingSummary(TrainingResult result, EvaluationMetrics validationMetrics) {
        List<EpochMetrics> history = result.history();
        this.lossHistory = history.stream().mapToDouble(EpochMetrics::trainingLoss).toArray();
        this.validationLossHistory = validationMetrics == null ? new double[0]
                : history.stream().mapToDouble(e -> e.validation().loss()).toArray();
        this.validationMetrics = validationMetrics;
        this.iterations = result.iterations();
        this.epochs = result.epochs();
        this.stopReason = result.stopReason();
    }

    /** Mean training loss per epoch, epoch 1 first (as seen during the epoch). */
    public double[] lossHistory() {
        return lossHistory.clone();
    }

    /** Validation loss at the end of each epoch; empty without validation data. */
    public double[] validationLossHistory() {
        return validationLossHistory.clone();
    }

    public boolean hasValidation() {
        return validationMetrics != null;
    }

    /** Metrics of the returned model on the validation rows (accuracy, or RMSE/MAE/R^2), or null. */
    public EvaluationMetrics validationMetrics() {
        return validationMetrics;
    }

    public long totalIterations() {
        return iterations;
    }

    public long epochs() {
        return epochs;
    }

    /** "epochs", "max_iterations" or "early_stopping". */
    public String stopReason() {
        return stopReason;
    }
}
