package io.sparkprop.jobs.report;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * What one epoch of training left behind, as the report needs it.
 *
 * @param epoch             1-based epoch number
 * @param iteration         optimizer steps taken so far, counted over the whole run
 * @param trainLoss         mean training loss over the epoch; NaN when it was not measured
 * @param learningRate      learning rate in effect at the end of the epoch
 * @param examplesPerSecond training throughput over the epoch
 * @param elapsedSeconds    wall-clock seconds since training started
 * @param validation        validation metrics by name ("loss", "accuracy", "rmse", ...), in the order given;
 *                          empty when the epoch was not validated
 */
public record EpochRecord(int epoch, long iteration, double trainLoss, double learningRate,
                          double examplesPerSecond, double elapsedSeconds, Map<String, Double> validation) {

    public EpochRecord {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must be >= 0, got " + epoch);
        }
        if (iteration < 0) {
            throw new IllegalArgumentException("iteration must be >= 0, got " + iteration);
        }
        validation = orderedCopy(validation, "validation");
    }

    /** The named validation metric, empty when this epoch has none by that name. */
    public OptionalDouble validation(String name) {
        Double value = validation.get(name);
        return value == null ? OptionalDouble.empty() : OptionalDouble.of(value);
    }

    static Map<String, Double> orderedCopy(Map<String, Double> metrics, String what) {
        if (metrics == null) {
            return Map.of();
        }
        // LinkedHashMap rather than Map.copyOf: the report lists metrics in the caller's order.
        Map<String, Double> copy = new LinkedHashMap<>();
        metrics.forEach((name, value) -> copy.put(
                Objects.requireNonNull(name, what + " has a null name"),
                Objects.requireNonNull(value, () -> what + " has a null value for " + name)));
        return Collections.unmodifiableMap(copy);
    }
}
