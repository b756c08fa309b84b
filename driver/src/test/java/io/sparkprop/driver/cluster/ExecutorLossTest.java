package io.sparkprop.driver.cluster;

import io.sparkprop.driver.TestData;
import io.sparkprop.driver.TestSpark;
import io.sparkprop.driver.data.BlockBuilder;
import io.sparkprop.driver.data.DataBlocks;
import io.sparkprop.core.nn.NetworkSpec;
import io.sparkprop.driver.train.DistributedTrainer;
import io.sparkprop.driver.train.IterationMetrics;
import io.sparkprop.driver.train.TrainingConfig;
import io.sparkprop.driver.train.TrainingListener;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static io.sparkprop.driver.config.TrainingSettings.*;

/**
 * An executor JVM killed (SIGKILL) in the middle of training on a real standalone cluster: Spark
 * reruns the lost tasks (and rebuilds the lost cached blocks from their lineage) on the surviving
 * executor and on the replacement the master launches, and the run ends with the same bits as an
 * undisturbed one, because every gradient is a pure function of (parameters, partition, iteration)
 * and the sums are taken in partition order whoever computed them.
 */
class ExecutorLossTest {
    private static final NetworkSpec SPEC = NetworkSpec.input(12).dense(16, "tanh").dense(3, "softmax")
            .loss("softmax_cross_entropy");
    private static final int KILL_AFTER = 6;

    /** Trains with {@code config}, SIGKILLing one executor JVM after step {@link #KILL_AFTER}. */
    private static float[] trainKillingAnExecutor(StandaloneCluster cluster, SparkSession spark, DataBlocks data,
                                                  TrainingConfig config)
            throws InterruptedException {
        // the master replaces a killed executor: wait until both workers have one again
        for (int i = 0; i < 600 && cluster.executors().size() < 2; i++) {
            Thread.sleep(100);
        }
        List<ProcessHandle> executors = cluster.executors();
        assertEquals(2, executors.size(), "one executor JVM per worker");
        ProcessHandle victim = executors.get(0);
        long[] killedAt = {-1};
        float[] disturbed = new DistributedTrainer(TestSpark.jsc(spark), config).addListener(new TrainingListener() {
            @Override
            public void onIteration(IterationMetrics m) {
                if (m.iteration() == KILL_AFTER) {
                    victim.destroyForcibly();
                    victim.onExit().orTimeout(30, TimeUnit.SECONDS).join();
                    killedAt[0] = m.iteration();
                }
            }
        }).fit(data, null).parameters();
        assertEquals(KILL_AFTER, killedAt[0]);
        assertFalse(victim.isAlive());
        return disturbed;
    }

    @Test
    void killingAnExecutorMidTrainingChangesNoBit() throws Exception {
        Path run = Files.createTempDirectory("sparkprop-executor-loss");
        try (StandaloneCluster cluster = StandaloneCluster.start(Path.of("target", "spark-home"), run, 2, 1, "1g")) {
            SparkSession spark = TestSpark.start(cluster.masterUrl(), Map.of("spark.task.maxFailures", "8",
                    "spark.locality.wait", "0"));
            try {
                AtomicInteger removed = new AtomicInteger();
                spark.sparkContext().addSparkListener(new SparkListener() {
                    @Override
                    public void onExecutorRemoved(SparkListenerExecutorRemoved event) {
                        removed.incrementAndGet();
                    }
                });
                DataBlocks data = BlockBuilder.forNetwork(SPEC).build(TestData.frame(spark,
                        TestData.classification(480, 12, 3, 1.0, false, 11), TestData.VECTOR_SCHEMA, 4));
                TrainingConfig config = TrainingConfig.builder(SPEC).set(OPTIMIZER, "adam").set(LEARNING_RATE, 0.01).set(BATCH_SIZE, 10)
                        .set(EPOCHS, 2).set(MAX_ITERATIONS, 18L).set(SEED, 3L).set(LOCAL_STEPS, "1").build();

                float[] undisturbed = new DistributedTrainer(TestSpark.jsc(spark), config).fit(data, null).parameters();
                assertEquals(0, removed.get());
                assertArrayEquals(undisturbed, trainKillingAnExecutor(cluster, spark, data, config), "synchronous steps");
                assertTrue(removed.get() >= 1, "Spark noticed the lost executor");

                // Rounds of 3 local steps (averaged Adam state, Nesterov outer step) with dropout: a
                // recomputed round starts from the same broadcast, draws the same masks (keyed by step,
                // partition and row, not by a random stream) and gives the same change.
                TrainingConfig local = config.toBuilder().set(LOCAL_STEPS, "3").set(LOCAL_OPTIMIZER_STATE, "averaged")
                        .set(OUTER_LEARNING_RATE, 0.7).set(OUTER_MOMENTUM, 0.9).set(DROPOUT, 0.2).build();
                float[] undisturbedLocal = new DistributedTrainer(TestSpark.jsc(spark), local).fit(data, null).parameters();
                int before = removed.get();
                assertArrayEquals(undisturbedLocal, trainKillingAnExecutor(cluster, spark, data, local), "local steps with dropout");
                assertTrue(removed.get() > before, "Spark noticed the second lost executor");
                data.unpersist();
            } finally {
                spark.stop();
            }
        }
    }
}
