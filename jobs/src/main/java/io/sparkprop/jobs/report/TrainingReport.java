package io.sparkprop.jobs.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a training report shows, independent of how training produced it, so that the report
 * can be written (and tested) without Spark or a network.
 *
 * @param title           shown as the page heading
 * @param epochs          per-epoch history, in training order
 * @param finalMetrics    metrics of the finished model by name ("accuracy", or "mse", "rmse", "mae", "r2")
 * @param confusion       for classification, counts with rows = true class and columns = predicted class;
 *                        null for regression
 * @param classLabels     label of each class index; may be empty, and then the indices are the labels
 * @param precision       per-class precision, or null
 * @param recall          per-class recall, or null
 * @param configuration   run configuration in display order, already redacted by the caller
 * @param timings         named durations or timestamps in display order, already formatted
 * @param lossOnStandardizedTargets the losses compare standardised regression targets (the metrics are
 *                        in the label's units all the same)
 * @param outputMetrics   a regression of several outputs: each output's metrics by name ("mse", "rmse", "mae",
 *                        "r2"), keyed by the output's name in output order; {@code finalMetrics} then holds their
 *                        means. Empty for one output and for classification
 */
public record TrainingReport(String title, List<EpochRecord> epochs, Map<String, Double> finalMetrics,
                             long[][] confusion, List<String> classLabels, double[] precision, double[] recall,
                             Map<String, String> configuration, Map<String, String> timings,
                             boolean lossOnStandardizedTargets, Map<String, Map<String, Double>> outputMetrics) {

    /** A report without per-output metrics (classification, or a regression of one output). */
    public TrainingReport(String title, List<EpochRecord> epochs, Map<String, Double> finalMetrics,
                          long[][] confusion, List<String> classLabels, double[] precision, double[] recall,
                          Map<String, String> configuration, Map<String, String> timings,
                          boolean lossOnStandardizedTargets) {
        this(title, epochs, finalMetrics, confusion, classLabels, precision, recall, configuration, timings,
                lossOnStandardizedTargets, Map.of());
    }

    /** A report whose losses are in the label's units. */
    public TrainingReport(String title, List<EpochRecord> epochs, Map<String, Double> finalMetrics,
                          long[][] confusion, List<String> classLabels, double[] precision, double[] recall,
                          Map<String, String> configuration, Map<String, String> timings) {
        this(title, epochs, finalMetrics, confusion, classLabels, precision, recall, configuration, timings, false);
    }

    public TrainingReport {
        Objects.requireNonNull(title, "title");
        epochs = List.copyOf(epochs);
        finalMetrics = EpochRecord.orderedCopy(finalMetrics, "finalMetrics");
        confusion = copySquare(confusion);
        classLabels = labels(classLabels, confusion);
        precision = perClass(precision, classLabels.size(), "precision");
        recall = perClass(recall, classLabels.size(), "recall");
        configuration = orderedCopy(configuration);
        timings = orderedCopy(timings);
        Map<String, Map<String, Double>> outputs = new LinkedHashMap<>();
        if (outputMetrics != null) {
            outputMetrics.forEach((name, metrics) -> outputs.put(Objects.requireNonNull(name, "null output name"),
                    EpochRecord.orderedCopy(metrics, "outputMetrics")));
        }
        outputMetrics = Collections.unmodifiableMap(outputs);
    }

    /** A classification report is one with a confusion matrix. */
    public boolean isClassification() {
        return confusion != null;
    }

    /** A copy: records hand out their components, and the arrays would otherwise be shared. */
    @Override
    public long[][] confusion() {
        return copySquare(confusion);
    }

    @Override
    public double[] precision() {
        return precision == null ? null : precision.clone();
    }

    @Override
    public double[] recall() {
        return recall == null ? null : recall.clone();
    }

    private static long[][] copySquare(long[][] matrix) {
        if (matrix == null) {
            return null;
        }
        long[][] copy = new long[matrix.length][];
        for (int r = 0; r < matrix.length; r++) {
            if (matrix[r] == null || matrix[r].length != matrix.length) {
                throw new IllegalArgumentException("confusion matrix must be square: row " + r + " of "
                        + matrix.length + " rows has " + (matrix[r] == null ? "no" : matrix[r].length) + " columns");
            }
            for (long count : matrix[r]) {
                if (count < 0) {
                    throw new IllegalArgumentException("confusion matrix has a negative count in row " + r);
                }
            }
            copy[r] = matrix[r].clone();
        }
        return copy;
    }

    private static List<String> labels(List<String> given, long[][] confusion) {
        List<String> labels = given == null ? List.of() : List.copyOf(given);
        if (confusion == null || confusion.length == 0) {
            return labels;
        }
        if (labels.isEmpty()) {
            List<String> indices = new ArrayList<>(confusion.length);
            for (int c = 0; c < confusion.length; c++) {
                indices.add(Integer.toString(c));
            }
            return List.copyOf(indices);
        }
        if (labels.size() != confusion.length) {
            throw new IllegalArgumentException(labels.size() + " class labels for a " + confusion.length + "x"
                    + confusion.length + " confusion matrix");
        }
        return labels;
    }

    private static double[] perClass(double[] values, int classes, String what) {
        if (values == null) {
            return null;
        }
        if (values.length != classes) {
            throw new IllegalArgumentException(what + " has " + values.length + " values for " + classes + " classes");
        }
        return values.clone();
    }

    private static Map<String, String> orderedCopy(Map<String, String> entries) {
        if (entries == null) {
            return Map.of();
        }
        Map<String, String> copy = new LinkedHashMap<>();
        entries.forEach((key, value) -> copy.put(Objects.requireNonNull(key, "null key"), Objects.toString(value, "")));
        return Collections.unmodifiableMap(copy);
    }
}
