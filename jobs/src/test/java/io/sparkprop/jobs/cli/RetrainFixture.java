package io.sparkprop.jobs.cli;

import io.sparkprop.core.nn.NetworkSpec;
import io.sparkprop.driver.model.SavedModel;
import io.sparkprop.driver.train.TrainingConfig;
import io.sparkprop.jobs.registry.ModelRegistry;
import org.apache.hadoop.conf.Configuration;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import static io.sparkprop.driver.config.TrainingSettings.*;

/**
 * Data and registries for the retraining tests: CSV tables x1..x4 -> label in {0, 1, 2} (the
 * arg-max of three fixed linear scores, learnable by a small network), and the common command line.
 */
final class RetrainFixture {
    static final String NAME = "clf";
    static final List<String> FEATURES = List.of("x1", "x2", "x3", "x4");

    private RetrainFixture() {
    }

    /** {@code rows} labelled rows from {@code seed}; labels shuffled among the rows when {@code shuffle}. */
    static Path csv(Path file, int rows, long seed, boolean shuffle) throws IOException {
        SplittableRandom rng = new SplittableRandom(seed);
        double[][] w = {{1, -1, 0.5, 0}, {-0.5, 1, 1, -1}, {0, 0.5, -1, 1}};
        List<double[]> xs = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            double[] x = new double[4];
            for (int j = 0; j < 4; j++) {
                x[j] = rng.nextDouble() * 4 - 2 + j; // not centred: standardisation matters
            }
            int best = 0;
            double bestScore = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < 3; k++) {
                double s = 0;
                for (int j = 0; j < 4; j++) {
                    s += w[k][j] * (x[j] - j);
                }
                if (s > bestScore) {
                    bestScore = s;
                    best = k;
                }
            }
            xs.add(x);
            labels.add(best);
        }
        if (shuffle) {
            for (int i = labels.size() - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                labels.set(i, labels.set(j, labels.get(i)));
            }
        }
        StringBuilder sb = new StringBuilder(String.join(",", FEATURES) + ",label\n");
        for (int r = 0; r < rows; r++) {
            double[] x = xs.get(r);
            sb.append(String.format(java.util.Locale.ROOT, "%.5f,%.5f,%.5f,%.5f,%d%n", x[0], x[1], x[2], x[3], labels.get(r)));
        }
        Files.writeString(file, sb.toString());
        return file;
    }

    /** {@code sparkprop retrain} on CSV data with a small, fast configuration, plus {@code extra}. */
    static String[] retrain(String registry, Path data, Path holdout, String... extra) {
        List<String> args = new ArrayList<>(List.of("retrain", "--registry", registry, "--name", NAME,
                "--format", "csv", "--data", data.toString(), "--validation", holdout.toString(), "--features", "*",
                "--label", "label", "--conf", "model.hidden=8", "--conf", "data.standardize=true",
                "--conf", "train.batchSize=32", "--conf", "train.learningRate=0.01", "--conf", "train.logInterval=0",
                "--conf", "data.partitions=2", "--conf", "train.epochs=2"));
        args.addAll(Arrays.asList(extra));
        return args.toArray(new String[0]);
    }

    /**
     * Writes version 1 (an untrained 4-8-3 network with standardisation statistics) and points
     * CURRENT at it, without Spark: a registry for tests that fail before or without training.
     */
    static void seedVersionOne(Path registry) throws IOException {
        NetworkSpec spec = new NetworkSpec(4, new int[] {8, 3}, new String[] {"relu", "softmax"}, "softmax_cross_entropy");
        float[] params = TrainingConfig.builder(spec).set(SEED, 5L).build().initialParameters();
        SavedModel model = new SavedModel(spec, params, SavedModel.Task.CLASSIFICATION, FEATURES, List.of("0", "1", "2"),
                new float[] {0, 1, 2, 3}, new float[] {1.15f, 1.15f, 1.15f, 1.15f}, Map.of("runId", "seed"),
                "2026-01-01T00:00:00Z", "test");
        ModelRegistry r = new ModelRegistry(registry.toString(), NAME, new Configuration());
        r.setCurrent(r.write(model, Map.of()));
    }

    /** Everything under {@code dir} as relative paths with sizes: a snapshot to compare before and after. */
    static List<String> snapshot(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> all = Files.walk(dir)) {
            return all.map(p -> dir.relativize(p) + (Files.isRegularFile(p) ? " " + p.toFile().length() : "/")).sorted().toList();
        }
    }

    static void assertUnchanged(List<String> before, Path registry) throws IOException {
        assertEquals(before, snapshot(registry), "the registry changed");
        assertFalse(Files.exists(registry.resolve(NAME).resolve(ModelRegistry.LOCK)), "the lock was not released");
    }

    static String current(Path registry) throws IOException {
        return Files.readString(registry.resolve(NAME).resolve(ModelRegistry.CURRENT)).trim();
    }
}
