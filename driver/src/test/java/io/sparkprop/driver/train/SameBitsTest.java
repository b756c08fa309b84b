package io.sparkprop.driver.train;

import io.sparkprop.core.nn.NetworkSpec;
import io.sparkprop.driver.TestData;
import io.sparkprop.driver.TestSpark;
import io.sparkprop.driver.data.BlockBuilder;
import io.sparkprop.driver.data.DataBlocks;
import io.sparkprop.driver.model.SavedModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import static io.sparkprop.driver.config.TrainingSettings.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The same bits before and after a refactoring of the loop or the fit: a fixed set of small runs
 * (synchronous, local steps with averaged and with reset state, sharded aggregation, sparse input,
 * dropout, early stopping, a resume, a warm start, K beyond an epoch, and whole fits with
 * standardisation, the uint8 cache, class weights and standardised regression targets) whose final
 * parameters, as little-endian float32 bytes, must hash to the SHA-256 recorded in
 * {@code same-bits.txt} when the loop was last changed on purpose. A run that changes its bits on
 * purpose records the new hashes with {@code -DsameBits.record=src/test/resources/io/sparkprop/driver/train/same-bits.txt}.
 * Settings are given in their text form so the test reads the same whatever type a setting's value has.
 */
class SameBitsTest {
    private static final NetworkSpec SPEC = NetworkSpec.input(12).dense(10, "tanh").dense(3, "softmax").loss("softmax_cross_entropy");
    private static final NetworkSpec WIDE = NetworkSpec.input(50).dense(16, "relu").dense(4, "softmax").loss("softmax_cross_entropy");
    private static SparkSession spark;
    private static DataBlocks dense;
    private static DataBlocks validation;
    private static DataBlocks sparse;

    @BeforeAll
    static void start() {
        spark = TestSpark.start("local[2]");
        dense = BlockBuilder.forNetwork(SPEC).build(TestData.frame(spark, TestData.classification(480, 12, 3, 1.0, false, 11),
                TestData.VECTOR_SCHEMA, 4));
        validation = BlockBuilder.forNetwork(SPEC).build(TestData.frame(spark, TestData.classification(120, 12, 3, 1.0, false, 12),
                TestData.VECTOR_SCHEMA, 2));
        sparse = BlockBuilder.forNetwork(WIDE).build(TestData.frame(spark, TestData.classification(300, 50, 4, 0.1, true, 21),
                TestData.VECTOR_SCHEMA, 3));
    }

    @AfterAll
    static void stop() {
        dense.unpersist();
        validation.unpersist();
        sparse.unpersist();
        spark.stop();
    }

    /** Settings as text: key, value, key, value, ... */
    private static TrainingConfig config(NetworkSpec spec, String... settings) {
        TrainingConfig.Builder b = TrainingConfig.builder(spec).parse(LOG_INTERVAL, "3").parse(SEED, "5")
                .parse(BATCH_SIZE, "10").parse(EPOCHS, "2").parse(LEARNING_RATE, "0.01").parse(LOCAL_STEPS, "1");
        for (int i = 0; i < settings.length; i += 2) {
            b.parse(byKey(settings[i]), settings[i + 1]);
        }
        return b.build();
    }

    private static float[] train(TrainingConfig c, DataBlocks data, DataBlocks validate) {
        return new DistributedTrainer(TestSpark.jsc(spark), c).fit(data, validate).parameters();
    }

    private static Map<String, Supplier<float[]>> runs(Path dir) {
        Map<String, Supplier<float[]>> runs = new LinkedHashMap<>();
        runs.put("synchronous-adam", () -> train(config(SPEC), dense, null));
        runs.put("synchronous-momentum-clip-decay", () -> train(config(SPEC, "train.optimizer", "momentum",
                "train.clipNorm", "0.5", "train.weightDecay", "0.01", "train.schedule", "step", "train.maxIterations", "17"), dense, null));
        runs.put("synchronous-sharded", () -> train(config(SPEC, "train.aggregation", "sharded"), dense, null));
        runs.put("dropout", () -> train(config(SPEC, "model.dropout", "0.3"), dense, null));
        runs.put("local-steps-averaged", () -> train(config(SPEC, "train.localSteps", "4", "train.outerLearningRate", "0.7",
                "train.outerMomentum", "0.9"), dense, null));
        runs.put("local-steps-reset-sharded-dropout", () -> train(config(SPEC, "train.localSteps", "3",
                "train.localSteps.optimizerState", "reset", "train.aggregation", "sharded", "model.dropout", "0.2"), dense, null));
        runs.put("local-steps-auto", () -> train(config(SPEC, "train.localSteps", "auto", "train.optimizer", "nesterov"), dense, null));
        runs.put("local-steps-beyond-epoch", () -> train(config(SPEC, "train.localSteps", "64"), dense, null));
        runs.put("early-stopping", () -> train(config(SPEC, "train.epochs", "6", "train.patience", "1", "train.learningRate", "0.2"),
                dense, validation));
        runs.put("sparse-synchronous-sgd", () -> train(config(WIDE, "train.optimizer", "sgd", "train.learningRate", "0.1",
                "train.batchSize", "10"), sparse, null));
        runs.put("sparse-local-steps-touched", () -> train(config(WIDE, "train.localSteps", "4", "train.sparseUpdate", "touched",
                "train.batchSize", "10"), sparse, null));
        runs.put("sparse-driver-dense-transfer", () -> train(config(WIDE, "train.sparseTransfer", "false",
                "train.aggregation", "driver", "train.batchSize", "10"), sparse, null));
        runs.put("resume-synchronous", () -> resumed(dir.resolve("sync"), "1"));
        runs.put("resume-local-steps", () -> resumed(dir.resolve("local"), "4"));
        runs.put("warm-start", () -> {
            float[] base = train(config(SPEC, "train.epochs", "1"), dense, null);
            return new DistributedTrainer(TestSpark.jsc(spark), config(SPEC, "train.optimizer", "adamw", "train.weightDecay", "0.1"))
                    .fit(dense, null, base).parameters();
        });
        runs.put("fit-classification-uint8-class-weights", () -> fit(SavedModel.Task.CLASSIFICATION,
                TestData.frame(spark, TestData.classification(400, 12, 3, 1.0, false, 31), TestData.VECTOR_SCHEMA, 3),
                "data.cacheFormat", "uint8", "train.classWeights", "balanced", "model.hidden", "8"));
        runs.put("fit-classification-sparse-local-steps", () -> fit(SavedModel.Task.CLASSIFICATION,
                TestData.frame(spark, TestData.classification(300, 50, 4, 0.1, true, 32), TestData.VECTOR_SCHEMA, 3),
                "train.localSteps", "2", "model.hidden", "8,4"));
        runs.put("fit-regression-standardised-target", () -> fit(SavedModel.Task.REGRESSION,
                TestData.frame(spark, TestData.regression(400, 4, 33), TestData.VECTOR_SCHEMA, 2),
                "model.hidden", "8", "data.standardizeScale", "shared"));
        return runs;
    }

    /** Stopped by train.maxIterations mid-epoch with a checkpoint, then resumed to the end. */
    private static float[] resumed(Path dir, String k) {
        String uri = dir.toUri().toString();
        train(config(SPEC, "train.localSteps", k, "train.checkpoint.dir", uri, "train.maxIterations", "8",
                "train.epochs", "3"), dense, validation);
        return new DistributedTrainer(TestSpark.jsc(spark), config(SPEC, "train.localSteps", k, "train.checkpoint.dir", uri,
                "train.epochs", "3")).resume(dense, validation).parameters();
    }

    private static float[] fit(SavedModel.Task task, Dataset<Row> rows, String... settings) {
        TrainingConfig.Builder b = TrainingConfig.builder().parse(LOG_INTERVAL, "0").parse(SEED, "6").parse(BATCH_SIZE, "32")
                .parse(EPOCHS, "2").parse(LOCAL_STEPS, "1");
        for (int i = 0; i < settings.length; i += 2) {
            b.parse(byKey(settings[i]), settings[i + 1]);
        }
        return new ModelFit(b.build(), task).features("features").label("label").run(rows, null).model().params();
    }

    static String sha256(float[] params) {
        ByteBuffer bytes = ByteBuffer.allocate(4 * params.length).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(params);
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes.array()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * What the new blocking changes, and only that: the 480 rows interleaved so that row i of the input
     * order is row i / 4 of old partition i mod 4, dealt into 4 balanced blocks from 1 and from 7 input
     * partitions, are the old 4 partitions again, so a synchronous run ends with the same bits as on them.
     */
    @Test
    void balancedBlocksOfInterleavedRowsTrainAsTheOldPartitions() {
        List<Row> rows = TestData.classification(480, 12, 3, 1.0, false, 11);
        List<Row> interleaved = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            interleaved.add(rows.get((i % 4) * 120 + i / 4));
        }
        String expected = sha256(train(config(SPEC), dense, null));
        for (int inputs : new int[] {1, 7}) {
            DataBlocks dealt = BlockBuilder.forNetwork(SPEC).balanced(4, true, "data.partitions")
                    .build(TestData.frame(spark, interleaved, TestData.VECTOR_SCHEMA, inputs));
            try {
                assertEquals(expected, sha256(train(config(SPEC), dealt, null)), inputs + " input partitions");
            } finally {
                dealt.unpersist();
            }
        }
    }

    @Test
    void theRunsEndWithTheRecordedBits(@TempDir Path dir) throws IOException {
        StringBuilder found = new StringBuilder();
        for (Map.Entry<String, Supplier<float[]>> run : runs(dir).entrySet()) {
            found.append(run.getKey()).append(' ').append(sha256(run.getValue().get())).append('\n');
        }
        String record = System.getProperty("sameBits.record");
        if (record != null) {
            Files.writeString(Paths.get(record), found.toString());
        }
        String expected;
        try (InputStream in = SameBitsTest.class.getResourceAsStream("same-bits.txt")) {
            expected = in == null ? "(no same-bits.txt)" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertEquals(expected, found.toString());
    }
}
