package io.sparkprop.driver.ml;

import io.sparkprop.core.nn.NetworkSpec;
import io.sparkprop.driver.TestFiles;
import io.sparkprop.driver.TestSpark;
import io.sparkprop.driver.config.TrainingSettings;
import io.sparkprop.driver.io.RunLock;
import io.sparkprop.driver.model.ModelStore;
import io.sparkprop.driver.model.SavedModel;
import io.sparkprop.driver.train.TrainingConfig;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Saving a Spark ML stage through its MLWriter, on real files: with {@code overwrite()} only a folder
 * sparkprop wrote is replaced (Spark's writers delete whatever is at the path first), a second writer
 * of the same path is refused naming the lock, and nothing is left beside the path.
 */
class StageSaveTest {
    private static SparkSession spark;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        spark = TestSpark.start("local[1]");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static SavedModel model(long seed) {
        NetworkSpec spec = new NetworkSpec(3, new int[] {4, 2}, new String[] {"relu", "softmax"}, "softmax_cross_entropy");
        float[] params = TrainingConfig.builder(spec).set(TrainingSettings.SEED, seed).build().initialParameters();
        return new SavedModel(spec, params, SavedModel.Task.CLASSIFICATION, List.of("x1", "x2", "x3"), List.of("0", "1"),
                null, null, Map.of("runId", "save-test"), "2026-01-01T00:00:00Z", "test");
    }

    @Test
    void overwriteRefusesAFolderSparkpropDidNotWriteAndLeavesItAsItWas() throws IOException {
        Path user = Files.createDirectories(tmp.resolve("user"));
        Files.writeString(user.resolve("notes.txt"), "not sparkprop's");
        Files.createDirectories(user.resolve("photos"));
        Files.createDirectories(tmp.resolve("spark-stage").resolve("metadata"));
        Files.writeString(tmp.resolve("spark-stage").resolve("metadata").resolve("part-00000"),
                "{\"class\":\"org.apache.spark.ml.classification.LogisticRegressionModel\",\"uid\":\"lr\"}\n");
        for (Path target : List.of(user, tmp.resolve("spark-stage"))) {
            Map<String, String> before = TestFiles.snapshot(tmp);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new SparkpropClassificationModel(model(1)).write().overwrite().save(target.toString()));
            assertEquals(1, e.getMessage().lines().count(), e.getMessage());
            assertTrue(e.getMessage().contains("not a Spark ML stage or model folder") && e.getMessage().contains("never replaced"),
                    e.getMessage());
            assertEquals(before, TestFiles.snapshot(tmp), "nothing deleted, nothing left beside " + target);
        }
    }

    @Test
    void overwriteReplacesAStageOrModelSparkpropWroteAndLeavesNothingBeside() throws IOException {
        Path stage = tmp.resolve("stage");
        new SparkpropClassificationModel(model(1)).write().save(stage.toString());
        new SparkpropClassificationModel(model(2)).write().overwrite().save(stage.toString());
        assertArrayEquals(model(2).params(), SparkpropClassificationModel.load(stage.toString()).savedModel().params());
        new SparkpropClassifier().setLayers(5).write().overwrite().save(stage.toString());
        assertArrayEquals(new int[] {5}, SparkpropClassifier.load(stage.toString()).getLayers());

        Path cliModel = tmp.resolve("cli-model");
        new ModelStore(new Configuration()).write(model(3), cliModel.toString(), false);
        new SparkpropClassificationModel(model(4)).write().overwrite().save(cliModel.toString());
        assertArrayEquals(model(4).params(), SparkpropClassificationModel.load(cliModel.toString()).savedModel().params());
        try (Stream<Path> entries = Files.list(tmp)) {
            assertEquals(List.of("cli-model", "stage"), entries.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no lock, probe or temporary left beside the outputs");
        }
    }

    @Test
    void withoutOverwriteAnExistingPathIsRefusedAsSparkDoes() throws IOException {
        Path stage = tmp.resolve("stage");
        new SparkpropClassificationModel(model(1)).write().save(stage.toString());
        Map<String, String> before = TestFiles.snapshot(tmp);
        IOException e = assertThrows(IOException.class, () -> new SparkpropClassificationModel(model(2)).write().save(stage.toString()));
        assertTrue(e.getMessage().contains("already exists") && e.getMessage().contains("overwrite()"), e.getMessage());
        assertEquals(before, TestFiles.snapshot(tmp));
    }

    @Test
    void aSecondWriterIsRefusedNamingTheLock() throws IOException {
        Path stage = tmp.resolve("stage");
        new SparkpropClassificationModel(model(1)).write().save(stage.toString());
        FileSystem fs = FileSystem.getLocal(new Configuration()).getRawFileSystem();
        org.apache.hadoop.fs.Path target = fs.makeQualified(new org.apache.hadoop.fs.Path(stage.toString()));
        try (RunLock first = RunLock.acquireOutput(fs, target, "save-first", 1, 60, new PrintWriter(new StringWriter()))) {
            Map<String, String> before = TestFiles.snapshot(tmp);
            RunLock.HeldException e = assertThrows(RunLock.HeldException.class,
                    () -> new SparkpropClassificationModel(model(2)).write().overwrite().save(stage.toString()));
            assertEquals(1, e.getMessage().lines().count(), e.getMessage());
            assertTrue(e.getMessage().contains("is locked by another run: run save-first") && e.getMessage().contains(".stage.lock"),
                    e.getMessage());
            assertEquals(before, TestFiles.snapshot(tmp), "the first writer's output untouched");
        }
        new SparkpropClassificationModel(model(2)).write().overwrite().save(stage.toString());
        assertArrayEquals(model(2).params(), SparkpropClassificationModel.load(stage.toString()).savedModel().params(),
                "once released, the path can be written");
    }
}
