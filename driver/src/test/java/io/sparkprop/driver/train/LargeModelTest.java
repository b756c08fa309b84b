package io.sparkprop.driver.train;

import io.sparkprop.core.nn.NetworkSpec;
import io.sparkprop.core.nn.ParameterLayout;
import io.sparkprop.driver.TestData;
import io.sparkprop.driver.TestSpark;
import io.sparkprop.driver.config.Choice;
import io.sparkprop.driver.data.BlockBuilder;
import io.sparkprop.driver.data.DataBlocks;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Map;

import static io.sparkprop.driver.config.TrainingSettings.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A 10.6M-parameter network (784-8192-512-10) on executors of 1 GB in separate JVMs
 * (local-cluster[2,1,1024]): its rounds fit, and the sharded aggregation of 10.6M-float partials
 * from 4 partitions equals a sum computed here, independently, bit for bit.
 */
class LargeModelTest {
    private static final NetworkSpec SPEC = NetworkSpec.input(784).dense(8192, "relu").dense(512, "relu").dense(10, "softmax")
            .loss("softmax_cross_entropy");
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = TestSpark.start("local-cluster[2,1,1024]", Map.of("spark.executor.memory", "1g"));
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /** Partition p's partial [P + 3]: entry x = a hash of (p, x) in [-1, 1), with W1's odd columns zero in partition 1. */
    private static float[] partial(int partition, int parameters, int inputs) {
        float[] a = new float[parameters + 3];
        for (int x = 0; x < parameters; x++) {
            long z = (partition + 1) * 0x9E3779B97F4A7C15L + x * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 31)) * 0x94D049BB133111EBL;
            a[x] = partition == 1 && x < 8192 * inputs && (x % inputs) % 2 == 1 ? 0f : (float) ((z >>> 40) * 0x1.0p-23 - 1);
        }
        a[parameters] = partition;
        a[parameters + 1] = 10 + partition;
        a[parameters + 2] = 10 + partition;
        return a;
    }

    @Test
    void shardedSumOfTenMillionParameterPartialsEqualsAnIndependentSum() {
        ParameterLayout layout = SPEC.layout();
        int p = layout.size();
        assertTrue(p > 10_000_000, p + " parameters");
        JavaSparkContext jsc = TestSpark.jsc(spark);
        DataBlocks data = BlockBuilder.forNetwork(SPEC).build(TestData.frame(spark,
                TestData.classification(64, 784, 10, 0.2, false, 5), TestData.VECTOR_SCHEMA, 4));
        GradientAggregator aggregator = new GradientAggregator(jsc, data.rdd(), 4, layout, Choice.Aggregation.SHARDED, true, 0);
        assertTrue(aggregator.sharded());
        RoundSums round = aggregator.run(new float[p], 1, b -> (GradientAggregator.PartitionTask) (partition, block) -> partial(partition, p, 784));

        // the reference: partition order, in double, then / weightSum rounded to float
        double[] sum = new double[p + 3];
        for (int partition = 0; partition < 4; partition++) {
            float[] a = partial(partition, p, 784);
            for (int x = 0; x < a.length; x++) {
                sum[x] += a[x];
            }
        }
        float[] expected = new float[p];
        for (int x = 0; x < p; x++) {
            expected[x] = (float) (sum[x] / sum[p + 1]);
        }
        assertArrayEquals(expected, round.mean());
        assertEquals(sum[p], round.lossSum(), 0.0);
        assertEquals(46, round.rows());
        aggregator.close();
        data.unpersist();
    }

    @Test
    void tenMillionParametersTrainForAFewRoundsOnOneGigabyteExecutors() {
        DataBlocks data = BlockBuilder.forNetwork(SPEC).build(TestData.frame(spark,
                TestData.classification(256, 784, 10, 0.2, false, 6), TestData.VECTOR_SCHEMA, 2));
        TrainingConfig config = TrainingConfig.builder(SPEC).set(OPTIMIZER, "adam").set(LEARNING_RATE, 1e-3).set(BATCH_SIZE, 32)
                .set(EPOCHS, 1).set(MAX_ITERATIONS, 4L).set(SEED, 2L).set(LOCAL_STEPS, "2").set(LOCAL_OPTIMIZER_STATE, "reset")
                .set(AGGREGATION, "sharded").build();
        TrainingResult r = new DistributedTrainer(TestSpark.jsc(spark), config).fit(data, null);
        assertEquals(4, r.iterations());
        assertFalse(Arrays.equals(config.initialParameters(), r.parameters()), "training moved nothing");
        data.unpersist();
    }
}
