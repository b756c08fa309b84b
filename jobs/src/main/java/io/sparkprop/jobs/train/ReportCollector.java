package io.sparkprop.jobs.train;

import io.sparkprop.driver.train.EpochMetrics;
import io.sparkprop.driver.train.EvaluationMetrics;
import io.sparkprop.driver.train.IterationMetrics;
import io.sparkprop.driver.train.TrainingListener;
import io.sparkprop.jobs.report.EpochRecord;
import io.sparkprop.jobs.report.TrainingReport;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Listens to a training run and turns what it saw into a {@link TrainingReport}. */
final class ReportCollector implements TrainingListener {
    private final List<EpochRecord> epochs = new ArrayList<>();
    private double learningRate = Double.NaN;

    @Override
    public void onIteration(IterationMetrics metrics) {
        learningRate = metrics.learningRate();
    }

    @Override
    public void onEpoch(EpochMetrics m) {
        epochs.add(new EpochRecord((int) m.epoch(), m.iteration(), m.trainingLoss(), learningRate,
                m.examplesPerSecond(), m.seconds(), m.validation() == null ? Map.of() : m.validation().toMap()));
    }

    List<EpochRecord> epochs() {
        return epochs;
    }

    /**
     * The report of a finished run: history, final metrics on {@code on} (several regression outputs: also
     * each output's, named by {@code targetNames}, else by index), configuration, timings.
     */
    TrainingReport report(String title, EvaluationMetrics finalMetrics, List<String> classLabels, List<String> targetNames,
                          Map<String, String> configuration, Map<String, String> timings) {
        long[][] confusion = null;
        double[] precision = null;
        double[] recall = null;
        if (finalMetrics.isClassification()) {
            confusion = finalMetrics.confusionMatrix();
            precision = new double[confusion.length];
            recall = new double[confusion.length];
            for (int k = 0; k < confusion.length; k++) {
                precision[k] = finalMetrics.precision(k);
                recall[k] = finalMetrics.recall(k);
            }
        }
        Map<String, Map<String, Double>> outputs = new LinkedHashMap<>();
        for (int j = 0; finalMetrics.outputs() > 1 && j < finalMetrics.outputs(); j++) {
            outputs.put(j < targetNames.size() ? targetNames.get(j) : String.valueOf(j), finalMetrics.outputMap(j));
        }
        return new TrainingReport(title, epochs, finalMetrics.toMap(), confusion,
                confusion == null ? List.of() : classLabels, precision, recall, configuration, timings,
                finalMetrics.lossOnStandardizedTargets(), outputs);
    }

}
