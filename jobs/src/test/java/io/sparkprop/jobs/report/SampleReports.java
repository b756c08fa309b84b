package io.sparkprop.jobs.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Plausible reports for tests, and a main that writes them out to look at in a browser:
 * {@code java ... SampleReports /tmp/report.html [/tmp/regression.html]}.
 */
final class SampleReports {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2025-03-14T09:26:53Z"), ZoneOffset.UTC);

    private SampleReports() {
    }

    /** Twelve epochs of MNIST-like training with a 10x10 confusion matrix over 10,000 test images. */
    static TrainingReport mnist() {
        List<EpochRecord> epochs = new ArrayList<>();
        for (int e = 1; e <= 12; e++) {
            double trainLoss = 0.045 + 0.42 * Math.exp(-0.38 * (e - 1));
            double validationLoss = 0.075 + 0.30 * Math.exp(-0.42 * (e - 1)) + 0.002 * e;
            double accuracy = 0.982 - 0.09 * Math.exp(-0.5 * (e - 1));
            double learningRate = 0.001 * Math.pow(0.9, e - 1);
            epochs.add(new EpochRecord(e, 469L * e, trainLoss, learningRate, 41_500 + 300 * Math.sin(e),
                    5.2 * e + 1.3, metrics("loss", validationLoss, "accuracy", accuracy)));
        }
        long[][] confusion = new long[10][10];
        long[] support = {980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009};
        int[][] mistakes = {{0, 6, 3}, {1, 8, 6}, {2, 7, 11}, {2, 8, 7}, {3, 5, 12}, {3, 8, 6}, {4, 9, 14},
                {5, 3, 10}, {5, 8, 5}, {6, 0, 6}, {6, 5, 5}, {7, 2, 12}, {7, 9, 10}, {8, 3, 9}, {8, 5, 6},
                {9, 4, 13}, {9, 7, 8}};
        for (int[] m : mistakes) {
            confusion[m[0]][m[1]] = m[2];
        }
        for (int t = 0; t < 10; t++) {
            long wrong = 0;
            for (long count : confusion[t]) {
                wrong += count;
            }
            confusion[t][t] = support[t] - wrong;
        }
        double[] precision = new double[10];
        double[] recall = new double[10];
        long correct = 0;
        for (int c = 0; c < 10; c++) {
            long predicted = 0;
            for (int t = 0; t < 10; t++) {
                predicted += confusion[t][c];
            }
            precision[c] = (double) confusion[c][c] / predicted;
            recall[c] = (double) confusion[c][c] / support[c];
            correct += confusion[c][c];
        }
        Map<String, String> configuration = new LinkedHashMap<>();
        configuration.put("data.train", "hdfs:///datasets/mnist/train.parquet");
        configuration.put("network", "784-256(relu)-128(relu)-10(softmax)");
        configuration.put("optimizer", "adam(beta1=0.9, beta2=0.999, eps=1e-8)");
        configuration.put("learningRate", "0.001, exponential decay 0.9 per epoch");
        configuration.put("batchSize", "128");
        configuration.put("epochs", "12");
        configuration.put("seed", "42");
        configuration.put("spark.master", "spark://10.0.0.5:7077");
        configuration.put("spark.executor.instances", "4");
        configuration.put("data.filter", "label <> 'bad' && weight > 0 <script>alert(1)</script>");
        configuration.put("storage.secretKey", "[redacted]");
        Map<String, String> timings = new LinkedHashMap<>();
        timings.put("started", "2025-03-14 09:25:48 UTC");
        timings.put("data loading", "3.1 s");
        timings.put("training", "63.7 s");
        timings.put("evaluation", "1.2 s");
        timings.put("total", "68.0 s");
        return new TrainingReport("MNIST 784-256-128-10, 4 executors", epochs,
                metrics("accuracy", (double) correct / 10_000, "loss", 0.0951),
                confusion, List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), precision, recall,
                configuration, timings);
    }

    /** A regression run: validation RMSE per epoch and no confusion matrix. */
    static TrainingReport regression() {
        List<EpochRecord> epochs = new ArrayList<>();
        for (int e = 1; e <= 8; e++) {
            double loss = 0.21 + 1.9 * Math.exp(-0.6 * (e - 1));
            epochs.add(new EpochRecord(e, 100L * e, loss, 0.01, 120_000, 0.8 * e,
                    metrics("loss", loss * 1.1, "rmse", Math.sqrt(loss * 1.1))));
        }
        return new TrainingReport("California housing regression", epochs,
                metrics("mse", 0.2391, "rmse", 0.4890, "mae", 0.3312, "r2", 0.8174),
                null, List.of(), null, null, Map.of("network", "8-64(tanh)-1(linear)"), Map.of("total", "7.2 s"));
    }

    static Map<String, Double> metrics(Object... namesAndValues) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            metrics.put((String) namesAndValues[i], (Double) namesAndValues[i + 1]);
        }
        return metrics;
    }

    public static void main(String[] args) throws IOException {
        ReportWriter writer = new ReportWriter();
        Files.writeString(Path.of(args.length > 0 ? args[0] : "/tmp/report.html"), writer.toHtml(mnist()),
                StandardCharsets.UTF_8);
        if (args.length > 1) {
            Files.writeString(Path.of(args[1]), writer.toHtml(regression()), StandardCharsets.UTF_8);
        }
    }
}
