package io.sparkprop.driver.train;

import io.sparkprop.core.nn.NetworkSpec;
import io.sparkprop.driver.TestData;
import io.sparkprop.driver.TestSpark;
import io.sparkprop.driver.config.Choice;
import io.sparkprop.driver.data.BlockBuilder;
import io.sparkprop.driver.data.DataBlocks;
import io.sparkprop.driver.exchange.Exchanges;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.sparkprop.driver.config.TrainingSettings.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * train.synchronousExchange = tasks (synchronous steps as one Spark barrier job, the tasks exchanging their
 * partials among themselves) against driver (a job per step, summed on the driver): the same bits in local[4]
 * (through memory, and over TCP), across a checkpoint resume, after a task of the barrier stage failed, and
 * where Spark cannot run a barrier stage (auto falls back, tasks fails with one line). local-cluster, where the
 * exchange crosses JVMs: {@link LocalClusterTest}.
 */
class BarrierRoundTest {
    static final NetworkSpec SPEC = NetworkSpec.input(12).dense(16, "tanh").dense(8, "relu").dense(3, "softmax")
            .loss("softmax_cross_entropy");
    private static final NetworkSpec WIDE = NetworkSpec.input(50).dense(16, "relu").dense(4, "softmax").loss("softmax_cross_entropy");
    private static SparkSession spark;
    private static DataBlocks dense;
    private static DataBlocks sparse;

    @BeforeAll
    static void start() {
        spark = TestSpark.start("local[4,2]");
        dense = BlockBuilder.forNetwork(SPEC).build(TestData.frame(spark, TestData.classification(470, 12, 3, 1.0, false, 11),
                TestData.VECTOR_SCHEMA, 4));
        sparse = BlockBuilder.forNetwork(WIDE).build(TestData.frame(spark, TestData.classification(300, 50, 4, 0.1, true, 21),
                TestData.VECTOR_SCHEMA, 3));
    }

    @AfterAll
    static void stop() {
        dense.unpersist();
        sparse.unpersist();
        spark.stop();
    }

    /** Settings as text: key, value, ...; synchronous, 3 epochs of 12 iterations (blocks of 117 and 118 rows, batch 10). */
    static TrainingConfig config(NetworkSpec spec, String exchange, String... settings) {
        TrainingConfig.Builder b = TrainingConfig.builder(spec).parse(LOG_INTERVAL, "5").parse(SEED, "3").parse(BATCH_SIZE, "10")
                .parse(EPOCHS, "3").parse(LEARNING_RATE, "0.01").parse(LOCAL_STEPS, "1").parse(SYNCHRONOUS_EXCHANGE, exchange);
        for (int i = 0; i < settings.length; i += 2) {
            b.parse(byKey(settings[i]), settings[i + 1]);
        }
        return b.build();
    }

    private static TrainingResult train(TrainingConfig c, DataBlocks data) {
        return new DistributedTrainer(TestSpark.jsc(spark), c).fit(data, null);
    }

    /** The runs compared, each as settings: Adam; momentum with clipping, weight decay and a step schedule stopped mid-epoch; dropout. */
    private static final List<String[]> DENSE_RUNS = List.of(new String[0],
            new String[] {"train.optimizer", "momentum", "train.clipNorm", "0.5", "train.weightDecay", "0.01", "train.schedule", "step",
                    "train.maxIterations", "29"},
            new String[] {"model.dropout", "0.3", "train.optimizer", "adamw", "train.weightDecay", "0.1", "train.warmupSteps", "7"});

    @Test
    void theTasksExchangeGivesTheDriversBitsThroughMemoryAndOverTcp() {
        for (String[] settings : DENSE_RUNS) {
            TrainingResult driver = train(config(SPEC, "driver", settings), dense);
            TrainingResult tasks = train(config(SPEC, "tasks", settings), dense);
            assertFalse(Arrays.equals(driver.parameters(), config(SPEC, "driver").initialParameters()), "training changed nothing");
            assertArrayEquals(driver.parameters(), tasks.parameters(), Arrays.toString(settings));
            assertEquals(driver.iterations(), tasks.iterations());
            assertEquals(losses(driver), losses(tasks), "the epochs' training losses");
            spark.sparkContext().setLocalProperty(Exchanges.TRANSPORT_PROPERTY, Exchanges.SOCKETS);
            try {
                assertArrayEquals(driver.parameters(), train(config(SPEC, "tasks", settings), dense).parameters(), "over TCP");
            } finally {
                spark.sparkContext().setLocalProperty(Exchanges.TRANSPORT_PROPERTY, null);
            }
        }
        assertEquals(0, Exchanges.openGroups(), "every shared-memory group is closed");
    }

    @Test
    void sparseInputWithTouchedStepsGivesTheSameBits() {
        String[] settings = {"train.optimizer", "sgd", "train.learningRate", "0.1", "train.sparseUpdate", "touched"};
        assertArrayEquals(train(config(WIDE, "driver", settings), sparse).parameters(),
                train(config(WIDE, "tasks", settings), sparse).parameters());
    }

    @Test
    void aStepsListenerSeesEveryStepAsTheDriversRoundsReportIt() {
        List<String> driver = iterations(config(SPEC, "driver"));
        List<String> tasks = iterations(config(SPEC, "tasks"));
        assertEquals(36, driver.size());
        assertEquals(driver, tasks);
    }

    private static List<String> iterations(TrainingConfig c) {
        List<String> seen = new ArrayList<>();
        new DistributedTrainer(TestSpark.jsc(spark), c).addListener(new TrainingListener() {
            @Override
            public void onIteration(IterationMetrics m) {
                seen.add(m.iteration() + "/" + m.epoch() + "/" + m.positionInEpoch() + ": " + m.loss() + " " + m.rows() + " "
                        + m.learningRate() + " " + m.gradientNorm());
            }
        }).fit(dense, null);
        return seen;
    }

    private static List<Double> losses(TrainingResult r) {
        return r.history().stream().map(EpochMetrics::trainingLoss).toList();
    }

    @Test
    void aResumedRunEndsWithTheUninterruptedBits(@TempDir Path dir) {
        float[] uninterrupted = train(config(SPEC, "driver"), dense).parameters();
        String uri = dir.toUri().toString();
        // stopped mid-epoch at 17, checkpoints every 5 iterations: barrier jobs end at 5, 10, 12 (the epoch), 15, 17
        train(config(SPEC, "tasks", "train.checkpoint.dir", uri, "train.checkpoint.interval", "5", "train.maxIterations", "17"), dense);
        TrainingResult resumed = new DistributedTrainer(TestSpark.jsc(spark), config(SPEC, "tasks", "train.checkpoint.dir", uri,
                "train.checkpoint.interval", "5")).resume(dense, null);
        assertEquals(36, resumed.iterations());
        assertArrayEquals(uninterrupted, resumed.parameters());
    }

    @Test
    void aFailedTaskReRunsTheBarrierStageWithTheSameBitsAndLeavesNothingOpen() {
        float[] driver = train(config(SPEC, "driver"), dense).parameters();
        JavaSparkContext sc = TestSpark.jsc(spark);
        train(config(SPEC, "tasks"), dense);
        long descriptors = openDescriptors();
        int threads = Thread.activeCount();
        sc.setLocalProperty(BarrierSteps.FAIL_PROPERTY, "4");
        spark.sparkContext().setLocalProperty(Exchanges.TRANSPORT_PROPERTY, Exchanges.SOCKETS);
        try {
            assertArrayEquals(driver, train(config(SPEC, "tasks"), dense).parameters(), "over TCP, task 1 failing at step 4");
            sc.setLocalProperty(Exchanges.TRANSPORT_PROPERTY, null);
            assertArrayEquals(driver, train(config(SPEC, "tasks"), dense).parameters(), "through memory, task 1 failing at step 4");
        } finally {
            sc.setLocalProperty(BarrierSteps.FAIL_PROPERTY, null);
            sc.setLocalProperty(Exchanges.TRANSPORT_PROPERTY, null);
        }
        assertEquals(0, Exchanges.openGroups(), "the failed attempts' groups are gone");
        assertTrue(Thread.activeCount() <= threads + 2, "threads before " + threads + ", after " + Thread.activeCount());
        assertTrue(openDescriptors() <= descriptors + 4, "file descriptors before " + descriptors + ", after " + openDescriptors()
                + " (an exchange's sockets: 6 connections, 4 servers, 4 selectors)");
    }

    private static long openDescriptors() {
        return ((com.sun.management.UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getOpenFileDescriptorCount();
    }

    @Test
    void whereSparkCannotRunABarrierStageAutoFallsBackAndTasksSaysWhy() {
        assertNull(BarrierRound.impossible(4, 4, false));
        assertEquals("the 5 blocks are more than the 4 task slots (a barrier stage runs all its tasks at once)",
                BarrierRound.impossible(5, 4, false));
        assertTrue(BarrierRound.impossible(2, 4, true).contains("spark.dynamicAllocation.enabled"));
        assertFalse(BarrierRound.chosen(Choice.SynchronousExchange.AUTO, "why"));
        assertTrue(BarrierRound.chosen(Choice.SynchronousExchange.AUTO, null));
        assertFalse(BarrierRound.chosen(Choice.SynchronousExchange.DRIVER, null));

        DataBlocks seven = BlockBuilder.forNetwork(SPEC).build(TestData.frame(spark, TestData.classification(470, 12, 3, 1.0, false, 11),
                TestData.VECTOR_SCHEMA, 7));
        try {
            assertArrayEquals(train(config(SPEC, "driver"), seven).parameters(), train(config(SPEC, "auto"), seven).parameters());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> train(config(SPEC, "tasks"), seven));
            assertEquals("train.synchronousExchange = tasks needs a barrier stage, which Spark cannot run here: the 7 blocks are more"
                    + " than the 4 task slots (a barrier stage runs all its tasks at once); set it to auto or driver", e.getMessage());
        } finally {
            seven.unpersist();
        }
    }

    /** Where the tasks cannot exchange in one JVM: a cluster's executors (local-cluster), same bits as the driver's rounds. */
    static float[][] trainBothWays(SparkSession session) {
        DataBlocks data = BlockBuilder.forNetwork(SPEC).build(TestData.frame(session, TestData.classification(470, 12, 3, 1.0, false, 11),
                TestData.VECTOR_SCHEMA, 4));
        try {
            float[][] out = new float[2][];
            String[] ways = {"driver", "tasks"};
            for (int i = 0; i < 2; i++) {
                out[i] = new DistributedTrainer(TestSpark.jsc(session), config(SPEC, ways[i], "model.dropout", "0.2")).fit(data, null)
                        .parameters();
            }
            return out;
        } finally {
            data.unpersist();
        }
    }
}
