package io.sparkprop.driver.data;

import io.sparkprop.core.nn.NetworkSpec;
import io.sparkprop.driver.TestData;
import io.sparkprop.driver.TestSpark;
import io.sparkprop.driver.train.DistributedTrainer;
import io.sparkprop.driver.train.TrainingConfig;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.RDDInfo;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.sparkprop.driver.config.TrainingSettings.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Training data larger than the executors' storage memory still trains: the blocks that do not fit go
 * to local disk and are read back each round, with the same bits as when everything is in memory.
 */
class SpillTest {
    private static final NetworkSpec SPEC = NetworkSpec.input(200).dense(16, "relu").dense(3, "softmax")
            .loss("softmax_cross_entropy");

    /** 2,000 rows of 200 floats in 4 blocks (1.6 MB), 8 synchronous Adam steps; whether any block went to disk. */
    private static float[] train(SparkSession spark, boolean[] spilled) {
        DataBlocks data = BlockBuilder.forNetwork(SPEC).build(TestData.frame(spark,
                TestData.classification(2000, 200, 3, 1.0, false, 31), TestData.VECTOR_SCHEMA, 4));
        for (RDDInfo info : spark.sparkContext().getRDDStorageInfo()) {
            if (info.id() == data.rdd().id()) {
                spilled[0] = info.diskSize() > 0;
            }
        }
        TrainingConfig config = TrainingConfig.builder(SPEC).set(OPTIMIZER, "adam").set(LEARNING_RATE, 0.01).set(BATCH_SIZE, 200)
                .set(EPOCHS, 1).set(MAX_ITERATIONS, 8L).set(SEED, 5L).set(LOCAL_STEPS, "1").build();
        float[] bits = new DistributedTrainer(TestSpark.jsc(spark), config).fit(data, null).parameters();
        data.unpersist();
        return bits;
    }

    @Test
    void dataLargerThanStorageMemorySpillsAndTrainsToTheSameBits() {
        boolean[] inMemory = new boolean[1];
        boolean[] onDisk = new boolean[1];
        SparkSession spark = TestSpark.start("local[2]");
        float[] a;
        try {
            a = train(spark, inMemory);
        } finally {
            spark.stop();
        }
        // storage and execution share (heap - 300 MB) x spark.memory.fraction: here about 300 KB
        spark = TestSpark.start("local[2]", Map.of("spark.memory.fraction", "0.0001"));
        float[] b;
        try {
            b = train(spark, onDisk);
        } finally {
            spark.stop();
        }
        assertTrue(!inMemory[0], "with the default memory nothing should spill");
        assertTrue(onDisk[0], "with spark.memory.fraction 0.0001 some blocks should be on disk");
        assertArrayEquals(a, b);
    }
}
