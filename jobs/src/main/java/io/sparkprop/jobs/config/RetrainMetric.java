package io.sparkprop.jobs.config;

import io.sparkprop.driver.config.Choice;
import io.sparkprop.driver.train.EvaluationMetrics;

import java.util.List;
import java.util.function.ToDoubleFunction;

/** retrain.metric: the holdout metric that decides whether a retrained candidate is promoted. */
public enum RetrainMetric {
    ACCURACY(EvaluationMetrics::accuracy, true),
    LOSS(EvaluationMetrics::loss, false),
    RMSE(EvaluationMetrics::rmse, false),
    MAE(EvaluationMetrics::mae, false),
    R2(EvaluationMetrics::r2, true);

    private static final List<RetrainMetric> CLASSIFICATION = List.of(ACCURACY, LOSS);
    private static final List<RetrainMetric> REGRESSION = List.of(RMSE, MAE, R2, LOSS);

    private final ToDoubleFunction<EvaluationMetrics> value;
    private final boolean higherIsBetter;

    RetrainMetric(ToDoubleFunction<EvaluationMetrics> value, boolean higherIsBetter) {
        this.value = value;
        this.higherIsBetter = higherIsBetter;
    }

    /** This metric of {@code m}. */
    public double of(EvaluationMetrics m) {
        return value.applyAsDouble(m);
    }

    public boolean higherIsBetter() {
        return higherIsBetter;
    }

    /** Whether a candidate scoring {@code candidate} is not worse than CURRENT's {@code current} by more than {@code tolerance}. */
    public boolean accepts(double candidate, double current, double tolerance) {
        if (Double.isNaN(candidate)) {
            return false;
        }
        return higherIsBetter ? candidate >= current - tolerance : candidate <= current + tolerance;
    }

    /**
     * @throws IllegalArgumentException naming the metrics that apply when this one does not apply to the task
     */
    public void checkAppliesTo(boolean classification) {
        List<RetrainMetric> allowed = classification ? CLASSIFICATION : REGRESSION;
        if (!allowed.contains(this)) {
            throw new IllegalArgumentException("retrain.metric = " + this + " does not apply to "
                    + (classification ? "classification" : "regression") + "; use one of "
                    + allowed.stream().map(RetrainMetric::toString).toList());
        }
    }

    /** The setting's value: the name in lower case. */
    @Override
    public String toString() {
        return Choice.name(this);
    }
}
