package io.sparkprop.driver.train;

import io.sparkprop.core.nn.NetworkSpec;
import io.sparkprop.driver.TestData;
import io.sparkprop.driver.TestSpark;
import io.sparkprop.driver.data.BlockBuilder;
import io.sparkprop.driver.data.DataBlocks;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import static io.sparkprop.driver.config.TrainingSettings.*;

/**
 * Same seed and partition count, different masters and thread counts: bit-identical parameters.
 * Tasks finish in a different order with more threads; aggregation in partition order must hide that.
 */
public class DeterminismTest {
    static final NetworkSpec SPEC = NetworkSpec.input(12).dense(16, "tanh").dense(8, "relu").dense(3, "softmax")
            .loss("softmax_cross_entropy");

    /** 25 iterations over two epochs (batch 40 of 480 rows: 12 per epoch) in {@code master}. */
    static float[] train(String master, int partitions, String aggregation) {
        SparkSession spark = TestSpark.start(master);
        try {
            return train(spark, partitions, aggregation);
        } finally {
            spark.stop();
        }
    }

    /**
     * In one session: driver aggregation over 4 partitions, sharded over 7, rounds of 4 local steps
     * (Nesterov outer step, averaged Adam state) over 4, and synchronous steps with dropout over 4.
     */
    public static float[][] trainEachWay(String master) {
        SparkSession spark = TestSpark.start(master);
        try {
            return trainEachWay(spark);
        } finally {
            spark.stop();
        }
    }

    /** As {@link #trainEachWay(String)} in a running session (e.g. on a standalone cluster). */
    public static float[][] trainEachWay(SparkSession spark) {
        return new float[][] {train(spark, 4, "driver"), train(spark, 7, "sharded"), trainLocalSteps(spark, 4), trainDropout(spark, "1")};
    }

    /**
     * 64 partitions of 20 rows, batch 2 per partition (128 in all), 6 synchronous iterations, with driver
     * and with sharded aggregation: {driver, sharded}.
     */
    public static float[][] trainSixtyFourPartitions(SparkSession spark) {
        DataBlocks data = BlockBuilder.forNetwork(SPEC).build(TestData.frame(spark,
                TestData.classification(1280, 12, 3, 1.0, false, 12), TestData.VECTOR_SCHEMA, 64));
        float[][] out = new float[2][];
        String[] ways = {"driver", "sharded"};
        for (int i = 0; i < 2; i++) {
            TrainingConfig config = TrainingConfig.builder(SPEC).set(OPTIMIZER, "adam").set(LEARNING_RATE, 0.01).set(BATCH_SIZE, 2)
                    .set(EPOCHS, 1).set(MAX_ITERATIONS, 6L).set(SEED, 3L).set(LOCAL_STEPS, "1").set(AGGREGATION, ways[i]).build();
            TrainingResult r = new DistributedTrainer(TestSpark.jsc(spark), config).fit(data, null);
            assertEquals(6, r.iterations());
            out[i] = r.parameters();
        }
        data.unpersist();
        return out;
    }

    /**
     * Dropout 0.3 on both hidden layers, 4 partitions, 22 steps: synchronous ({@code localSteps} 1) or
     * in rounds of {@code localSteps} local steps. Every step's masks are keyed by (seed, global step,
     * partition, row in the block), so the bits cannot depend on the master or the task order.
     */
    static float[] trainDropout(SparkSession spark, String localSteps) {
        DataBlocks data = BlockBuilder.forNetwork(SPEC).build(TestData.frame(spark,
                TestData.classification(480, 12, 3, 1.0, false, 11), TestData.VECTOR_SCHEMA, 4));
        TrainingConfig config = TrainingConfig.builder(SPEC).set(OPTIMIZER, "adam").set(LEARNING_RATE, 0.01).set(BATCH_SIZE, 10)
                .set(EPOCHS, 3).set(MAX_ITERATIONS, 22L).set(SEED, 3L).set(DROPOUT, 0.3).set(LOCAL_STEPS, localSteps).build();
        TrainingResult r = new DistributedTrainer(TestSpark.jsc(spark), config).fit(data, null);
        assertEquals(22, r.iterations());
        data.unpersist();
        return r.parameters();
    }

    /** Rounds of 4 local steps: 3 rounds per epoch of 12 iterations, stopped after 22 steps (mid-round caps). */
    static float[] trainLocalSteps(SparkSession spark, int partitions) {
        DataBlocks data = BlockBuilder.forNetwork(SPEC).build(TestData.frame(spark,
                TestData.classification(480, 12, 3, 1.0, false, 11), TestData.VECTOR_SCHEMA, partitions));
        TrainingConfig config = TrainingConfig.builder(SPEC).set(OPTIMIZER, "adam").set(LEARNING_RATE, 0.01).set(BATCH_SIZE, 10)
                .set(EPOCHS, 3).set(MAX_ITERATIONS, 22L).set(SEED, 3L).set(LOCAL_STEPS, "4")
                .set(LOCAL_OPTIMIZER_STATE, "averaged").set(OUTER_LEARNING_RATE, 0.7).set(OUTER_MOMENTUM, 0.9).build();
        TrainingResult r = new DistributedTrainer(TestSpark.jsc(spark), config).fit(data, null);
        assertEquals(22, r.iterations());
        assertEquals(4, r.localSteps());
        data.unpersist();
        return r.parameters();
    }

    private static float[] train(SparkSession spark, int partitions, String aggregation) {
        DataBlocks data = BlockBuilder.forNetwork(SPEC).build(TestData.frame(spark,
                TestData.classification(480, 12, 3, 1.0, false, 11), TestData.VECTOR_SCHEMA, partitions));
        TrainingConfig config = TrainingConfig.builder(SPEC).set(OPTIMIZER, "adam").set(LEARNING_RATE, 0.01).set(BATCH_SIZE, (40 + partitions - 1) / partitions)
                .set(EPOCHS, 3).set(MAX_ITERATIONS, 25L).set(SEED, 3L).set(AGGREGATION, aggregation).build();
        double[] seconds = new double[1];
        TrainingResult r = new DistributedTrainer(TestSpark.jsc(spark), config).addListener(new TrainingListener() {
            @Override
            public void onIteration(IterationMetrics m) {
                if (m.iteration() > 5) {
                    seconds[0] += m.seconds();
                }
            }
        }).fit(data, null);
        assertEquals(25, r.iterations());
        // The network is tiny, so this is the per-iteration overhead of Spark and the aggregation.
        System.out.printf("%s, %d partitions, %s aggregation: %.1f ms per iteration (after warm-up)%n",
                spark.sparkContext().master(), partitions, aggregation, seconds[0] / 20 * 1e3);
        if (spark.sparkContext().master().startsWith("local-cluster") || spark.sparkContext().master().startsWith("spark://")) {
            assertEquals(3, spark.sparkContext().statusTracker().getExecutorInfos().length, "driver + 2 executor JVMs");
        }
        data.unpersist();
        return r.parameters();
    }

    @Test
    void localOneTwoAndFourGiveTheSameBits() {
        float[] one = train("local[1]", 4, "auto");
        float[] two = train("local[2]", 4, "auto");
        float[] twoAgain = train("local[2]", 4, "auto");
        float[] four = train("local[4]", 4, "auto");
        assertFalse(Arrays.equals(one, TrainingConfig.builder(SPEC).set(SEED, 3L).build().initialParameters()), "training changed nothing");
        assertArrayEquals(one, two);
        assertArrayEquals(two, twoAgain);
        assertArrayEquals(two, four);
    }

    @Test
    void localStepsGiveTheSameBitsOnOneTwoAndFourThreads() {
        float[][] runs = new float[3][];
        String[] masters = {"local[1]", "local[2]", "local[4]"};
        for (int i = 0; i < 3; i++) {
            SparkSession spark = TestSpark.start(masters[i]);
            try {
                runs[i] = trainLocalSteps(spark, 4);
            } finally {
                spark.stop();
            }
        }
        assertFalse(Arrays.equals(runs[0], train("local[2]", 4, "auto")), "local steps differ from synchronous steps");
        assertArrayEquals(runs[0], runs[1]);
        assertArrayEquals(runs[1], runs[2]);
    }

    @Test
    void oneLocalStepIsTheSynchronousPath() {
        SparkSession spark = TestSpark.start("local[2]");
        try {
            DataBlocks data = BlockBuilder.forNetwork(SPEC).build(TestData.frame(spark,
                    TestData.classification(480, 12, 3, 1.0, false, 11), TestData.VECTOR_SCHEMA, 4));
            TrainingConfig.Builder b = TrainingConfig.builder(SPEC).set(LEARNING_RATE, 0.01).set(BATCH_SIZE, 10).set(EPOCHS, 2)
                    .set(SEED, 3L).set(LOCAL_STEPS, "1");
            TrainingResult sync = new DistributedTrainer(TestSpark.jsc(spark), b.build()).fit(data, null);
            TrainingResult one = new DistributedTrainer(TestSpark.jsc(spark), b.set(OUTER_LEARNING_RATE, 0.5)
                    .set(OUTER_MOMENTUM, 0.9).set(LOCAL_OPTIMIZER_STATE, "averaged").build()).fit(data, null);
            assertEquals(1, one.localSteps());
            assertArrayEquals(sync.parameters(), one.parameters(), "K = 1 ignores the outer settings: today's synchronous SGD");
            data.unpersist();
        } finally {
            spark.stop();
        }
    }

    @Test
    void dropoutGivesTheSameBitsOnOneAndTwoThreadsSynchronousAndInLocalSteps() {
        float[][][] runs = new float[2][][];
        String[] masters = {"local[1]", "local[2]"};
        for (int i = 0; i < 2; i++) {
            SparkSession spark = TestSpark.start(masters[i]);
            try {
                runs[i] = new float[][] {trainDropout(spark, "1"), trainDropout(spark, "4"), trainDropout(spark, "4")};
            } finally {
                spark.stop();
            }
        }
        assertArrayEquals(runs[0][0], runs[1][0], "synchronous");
        assertArrayEquals(runs[0][1], runs[1][1], "local steps");
        assertArrayEquals(runs[1][1], runs[1][2], "local steps, the same session again");
        assertFalse(Arrays.equals(runs[0][0], runs[0][1]), "local steps differ from synchronous steps");
        SparkSession spark = TestSpark.start("local[2]");
        try {
            DataBlocks data = BlockBuilder.forNetwork(SPEC).build(TestData.frame(spark,
                    TestData.classification(480, 12, 3, 1.0, false, 11), TestData.VECTOR_SCHEMA, 4));
            TrainingConfig.Builder b = TrainingConfig.builder(SPEC).set(OPTIMIZER, "adam").set(LEARNING_RATE, 0.01).set(BATCH_SIZE, 40)
                    .set(EPOCHS, 3).set(MAX_ITERATIONS, 22L).set(SEED, 3L);
            float[] plain = new DistributedTrainer(TestSpark.jsc(spark), b.build()).fit(data, null).parameters();
            float[] zero = new DistributedTrainer(TestSpark.jsc(spark), b.set(DROPOUT, 0.0).build()).fit(data, null).parameters();
            assertArrayEquals(plain, zero, "dropout 0 is the plain training");
            assertFalse(Arrays.equals(plain, runs[1][0]), "dropout changed the training");
            data.unpersist();
        } finally {
            spark.stop();
        }
    }

    @Test
    void shardedAggregationIsDeterministicAcrossMastersAndEqualsDriverAggregation() {
        float[] one = train("local[1]", 7, "sharded");
        float[] four = train("local[4]", 7, "sharded");
        float[] driver = train("local[4]", 7, "driver");
        assertArrayEquals(one, four);
        // both add the partitions' partials in partition order in double: the same sums, the same bits
        assertArrayEquals(driver, four);
    }
}
