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
    static float[] train(String master, int partitions, int treeThreshold) {
        SparkSession spark = TestSpark.start(master);
        try {
            return train(spark, partitions, treeThreshold);
        } finally {
            spark.stop();
        }
    }

    /**
     * In one session: flat aggregation over 4 partitions, the tree over 7, and rounds of 4 local steps
     * (Nesterov outer step, averaged Adam state) over 4.
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
        return new float[][] {train(spark, 4, 16), train(spark, 7, 2), trainLocalSteps(spark, 4)};
    }

    /** Rounds of 4 local steps: 3 rounds per epoch of 12 iterations, stopped after 22 steps (mid-round caps). */
    static float[] trainLocalSteps(SparkSession spark, int partitions) {
        DataBlocks data = BlockBuilder.forNetwork(SPEC).build(TestData.frame(spark,
                TestData.classification(480, 12, 3, 1.0, false, 11), TestData.VECTOR_SCHEMA, partitions));
        TrainingConfig config = TrainingConfig.builder(SPEC).set(OPTIMIZER, "adam").set(LEARNING_RATE, 0.01).set(BATCH_SIZE, 40)
                .set(EPOCHS, 3).set(MAX_ITERATIONS, 22L).set(SEED, 3L).set(LOCAL_STEPS, "4")
                .set(LOCAL_OPTIMIZER_STATE, "averaged").set(OUTER_LEARNING_RATE, 0.7).set(OUTER_MOMENTUM, 0.9).build();
        TrainingResult r = new DistributedTrainer(TestSpark.jsc(spark), config).fit(data, null);
        assertEquals(22, r.iterations());
        assertEquals(4, r.localSteps());
        data.unpersist();
        return r.parameters();
    }

    private static float[] train(SparkSession spark, int partitions, int treeThreshold) {
        DataBlocks data = BlockBuilder.forNetwork(SPEC).build(TestData.frame(spark,
                TestData.classification(480, 12, 3, 1.0, false, 11), TestData.VECTOR_SCHEMA, partitions));
        TrainingConfig config = TrainingConfig.builder(SPEC).set(OPTIMIZER, "adam").set(LEARNING_RATE, 0.01).set(BATCH_SIZE, 40)
                .set(EPOCHS, 3).set(MAX_ITERATIONS, 25L).set(SEED, 3L).set(TREE_AGGREGATION_THRESHOLD, treeThreshold).build();
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
        System.out.printf("%s, %d partitions, tree threshold %d: %.1f ms per iteration (after warm-up)%n",
                spark.sparkContext().master(), partitions, treeThreshold, seconds[0] / 20 * 1e3);
        if (spark.sparkContext().master().startsWith("local-cluster") || spark.sparkContext().master().startsWith("spark://")) {
            assertEquals(3, spark.sparkContext().statusTracker().getExecutorInfos().length, "driver + 2 executor JVMs");
        }
        data.unpersist();
        return r.parameters();
    }

    @Test
    void localOneTwoAndFourGiveTheSameBits() {
        float[] one = train("local[1]", 4, 16);
        float[] two = train("local[2]", 4, 16);
        float[] twoAgain = train("local[2]", 4, 16);
        float[] four = train("local[4]", 4, 16);
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
        assertFalse(Arrays.equals(runs[0], train("local[2]", 4, 16)), "local steps differ from synchronous steps");
        assertArrayEquals(runs[0], runs[1]);
        assertArrayEquals(runs[1], runs[2]);
    }

    @Test
    void oneLocalStepIsTheSynchronousPath() {
        SparkSession spark = TestSpark.start("local[2]");
        try {
            DataBlocks data = BlockBuilder.forNetwork(SPEC).build(TestData.frame(spark,
                    TestData.classification(480, 12, 3, 1.0, false, 11), TestData.VECTOR_SCHEMA, 4));
            TrainingConfig.Builder b = TrainingConfig.builder(SPEC).set(LEARNING_RATE, 0.01).set(BATCH_SIZE, 40).set(EPOCHS, 2)
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
    void treeAggregationIsDeterministicAcrossMasters() {
        float[] one = train("local[1]", 7, 2);
        float[] four = train("local[4]", 7, 2);
        assertArrayEquals(one, four);
    }
}
