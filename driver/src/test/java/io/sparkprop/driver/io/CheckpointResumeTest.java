package io.sparkprop.driver.io;

import io.sparkprop.core.nn.NetworkSpec;
import io.sparkprop.driver.TestData;
import io.sparkprop.driver.TestSpark;
import io.sparkprop.driver.data.BlockBuilder;
import io.sparkprop.driver.data.DataBlocks;
import io.sparkprop.driver.train.DistributedTrainer;
import io.sparkprop.driver.train.TrainingConfig;
import io.sparkprop.driver.train.TrainingResult;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static io.sparkprop.driver.config.TrainingSettings.*;

/** Checkpoints through Hadoop FS (file://): exact resume, atomic files, checksums, divergence. */
class CheckpointResumeTest {
    private static final NetworkSpec SPEC = NetworkSpec.input(10).dense(12, "relu").dense(3, "softmax")
            .loss("softmax_cross_entropy");
    private static SparkSession spark;
    private static DataBlocks data;

    @BeforeAll
    static void start() {
        spark = TestSpark.start("local[2]");
        data = BlockBuilder.forNetwork(SPEC).build(TestData.frame(spark,
                TestData.classification(400, 10, 3, 1.0, false, 5), TestData.VECTOR_SCHEMA, 4));
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /** Adam with warm-up and cosine decay, 10 iterations per epoch, 3 epochs, validation and patience. */
    private static TrainingConfig.Builder config() {
        return TrainingConfig.builder(SPEC).set(OPTIMIZER, "adam").set(LEARNING_RATE, 0.02).set(SCHEDULE, "cosine").set(WARMUP_STEPS, 3L)
                .set(BATCH_SIZE, 10).set(EPOCHS, 3).set(SEED, 9L).set(PATIENCE, 5).set(CLIP_NORM, 5.0).set(WEIGHT_DECAY, 1e-4)
                // synchronous unless a test says otherwise: a stop at any iteration then falls between rounds
                .set(LOCAL_STEPS, "1");
    }

    @Test
    void resumedRunEndsWithTheSameBitsAsAnUninterruptedOne(@TempDir Path dir) throws IOException {
        TrainingResult straight = new DistributedTrainer(TestSpark.jsc(spark), config().build()).fit(data, data);
        String uri = dir.toUri().toString();
        TrainingResult first = new DistributedTrainer(TestSpark.jsc(spark),
                config().set(MAX_ITERATIONS, 13L).set(CHECKPOINT_DIR, uri).set(CHECKPOINT_INTERVAL, 4L).build()).fit(data, data);
        assertEquals(13, first.iterations());
        assertEquals("max_iterations", first.stopReason());
        TrainingResult resumed = new DistributedTrainer(TestSpark.jsc(spark),
                config().set(CHECKPOINT_DIR, uri).set(CHECKPOINT_INTERVAL, 4L).build()).resume(data, data);
        assertEquals(30, resumed.iterations());
        String refused = assertThrows(IllegalArgumentException.class, () -> new DistributedTrainer(TestSpark.jsc(spark),
                config().set(CHECKPOINT_DIR, uri).build()).fit(data, null)).getMessage();
        assertTrue(refused.contains("already holds checkpoints (the newest at iteration 30)"), refused);
        assertArrayEquals(straight.lastParameters(), resumed.lastParameters());
        assertArrayEquals(straight.parameters(), resumed.parameters());

        List<String> names = names(dir);
        assertTrue(names.stream().noneMatch(n -> n.startsWith("_") || n.endsWith(".crc")), "leftovers: " + names);
        assertEquals(List.of("ckpt-000000000024.bin", "ckpt-000000000024.json", "ckpt-000000000028.bin",
                "ckpt-000000000028.json", "ckpt-000000000030.bin", "ckpt-000000000030.json"), names);
    }

    /**
     * Dropout's masks are keyed by the global step, which the checkpoint restores: a run with dropout
     * stopped at step 13 and resumed ends with the same bits as one that never stopped, synchronous
     * and in rounds of 3 local steps; a resume with another rate is refused, naming model.dropout.
     */
    @Test
    void aResumedRunWithDropoutEndsWithTheSameBits(@TempDir Path dir) {
        for (String k : new String[] {"1", "3"}) {
            TrainingConfig.Builder b = config().set(DROPOUT, 0.25).set(LOCAL_STEPS, k);
            TrainingResult straight = new DistributedTrainer(TestSpark.jsc(spark), b.build()).fit(data, null);
            String uri = dir.resolve("k" + k).toUri().toString();
            TrainingResult first = new DistributedTrainer(TestSpark.jsc(spark),
                    b.set(MAX_ITERATIONS, 13L).set(CHECKPOINT_DIR, uri).set(CHECKPOINT_INTERVAL, 4L).build()).fit(data, null);
            assertTrue(first.iterations() < 30, "stopped early: " + first.iterations());
            String refused = assertThrows(IllegalArgumentException.class, () -> new DistributedTrainer(TestSpark.jsc(spark),
                    b.set(MAX_ITERATIONS, 0L).set(DROPOUT, 0.5).build()).resume(data, null)).getMessage();
            assertTrue(refused.contains("model.dropout was 0.25 in the checkpointed run, now 0.5"), refused);
            TrainingResult resumed = new DistributedTrainer(TestSpark.jsc(spark), b.set(DROPOUT, 0.25).build()).resume(data, null);
            assertEquals(30, resumed.iterations());
            assertArrayEquals(straight.parameters(), resumed.parameters(), "local steps " + k);
        }
    }

    @Test
    void aResumeMayChangeOnlyResumableSettingsAndTheErrorNamesBothValues(@TempDir Path dir) {
        String uri = dir.toUri().toString();
        new DistributedTrainer(TestSpark.jsc(spark), config().set(MAX_ITERATIONS, 4L).set(CHECKPOINT_DIR, uri).build()).resume(data, null);
        String refused = assertThrows(IllegalArgumentException.class, () -> new DistributedTrainer(TestSpark.jsc(spark),
                config().set(LEARNING_RATE, 0.05).set(CHECKPOINT_DIR, uri).build()).resume(data, null)).getMessage();
        assertTrue(refused.contains("train.learningRate was 0.02 in the checkpointed run, now 0.05"), refused);
        refused = assertThrows(IllegalArgumentException.class, () -> new DistributedTrainer(TestSpark.jsc(spark),
                config().set(BATCH_SIZE, 20).set(CHECKPOINT_DIR, uri).build()).resume(data, null)).getMessage();
        assertTrue(refused.contains("train.batchSize was 10 in the checkpointed run, now 20"), refused);
        // stopping, logging and evaluation settings may change
        TrainingResult resumed = new DistributedTrainer(TestSpark.jsc(spark), config().set(MAX_ITERATIONS, 6L).set(LOG_INTERVAL, 1L)
                .set(EVAL_BATCH_SIZE, 7).set(CHECKPOINT_DIR, uri).build()).resume(data, null);
        assertEquals(6, resumed.iterations());
    }

    @Test
    void halfWrittenFilesAreIgnoredAndCorruptionIsRejected(@TempDir Path dir) throws IOException {
        String uri = dir.toUri().toString();
        new DistributedTrainer(TestSpark.jsc(spark), config().set(MAX_ITERATIONS, 6L).set(CHECKPOINT_DIR, uri).build()).fit(data, null);
        // A crash mid-write leaves a temporary file, or a data file whose JSON was never renamed in.
        Files.write(dir.resolve("_ckpt-000000000099.json.1234.tmp"), new byte[] {'{', '"'});
        Files.write(dir.resolve("ckpt-000000000099.bin"), new byte[] {1, 2, 3});
        try (CheckpointStore store = new CheckpointStore(uri, TestSpark.jsc(spark).hadoopConfiguration(), 3)) {
            Checkpoint c = store.latest().orElseThrow();
            assertEquals(6, c.iteration());
            assertEquals(0, c.epoch());
            assertEquals(6, c.positionInEpoch());

            try (RandomAccessFile f = new RandomAccessFile(dir.resolve("ckpt-000000000006.bin").toFile(), "rw")) {
                f.seek(40);
                int b = f.read();
                f.seek(40);
                f.write(b ^ 0x10);
            }
            IllegalStateException e = assertThrows(IllegalStateException.class, store::latest);
            assertTrue(e.getMessage().contains("ckpt-000000000006.bin is corrupt: CRC32"), e.getMessage());
        }
    }

    @Test
    void divergenceStopsWithAClearMessageAndKeepsTheLastGoodCheckpoint(@TempDir Path dir) {
        NetworkSpec regression = NetworkSpec.input(4).dense(8, "tanh").dense(1, "identity").loss("mse");
        DataBlocks rdata = BlockBuilder.forNetwork(regression).build(TestData.frame(spark,
                TestData.regression(200, 4, 2), TestData.VECTOR_SCHEMA, 2));
        String uri = dir.toUri().toString();
        TrainingConfig config = TrainingConfig.builder(regression).set(OPTIMIZER, "sgd").set(LEARNING_RATE, 1e12).set(BATCH_SIZE, 50)
                .set(EPOCHS, 50).set(CHECKPOINT_DIR, uri).set(CHECKPOINT_INTERVAL, 1L).set(LOCAL_STEPS, "1").build();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new DistributedTrainer(TestSpark.jsc(spark), config).fit(rdata, null));
        assertTrue(e.getMessage().startsWith("training diverged at epoch "), e.getMessage());
        assertTrue(e.getMessage().contains("not finite") || e.getMessage().contains("non-finite"), e.getMessage());
        assertTrue(e.getMessage().contains("The last good checkpoint is "), e.getMessage());
        try (CheckpointStore store = new CheckpointStore(uri, TestSpark.jsc(spark).hadoopConfiguration(), 3)) {
            Checkpoint last = store.latest().orElseThrow();
            assertTrue(e.getMessage().contains(String.format("ckpt-%012d.json", last.iteration())), e.getMessage());
            for (float p : last.params()) {
                assertTrue(Float.isFinite(p));
            }
        }
        rdata.unpersist();
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }
}
