package io.sparkprop.driver.data;

import io.sparkprop.core.nn.NetworkSpec;
import io.sparkprop.driver.TestData;
import io.sparkprop.driver.TestSpark;
import io.sparkprop.driver.train.DistributedTrainer;
import io.sparkprop.driver.train.TrainingConfig;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static io.sparkprop.driver.config.TrainingSettings.*;

/** The same data as DenseVectors and as SparseVectors: sparse blocks stay CSR and train to the same parameters. */
class SparseDenseTest {
    private static final NetworkSpec SPEC = NetworkSpec.input(50).dense(16, "relu").dense(4, "softmax")
            .loss("softmax_cross_entropy");
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = TestSpark.start("local[2]");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void sparseAndDenseInputsTrainToTheSameParameters() {
        DataBlocks dense = BlockBuilder.forNetwork(SPEC).build(TestData.frame(spark,
                TestData.classification(300, 50, 4, 0.1, false, 21), TestData.VECTOR_SCHEMA, 3));
        DataBlocks sparse = BlockBuilder.forNetwork(SPEC).build(TestData.frame(spark,
                TestData.classification(300, 50, 4, 0.1, true, 21), TestData.VECTOR_SCHEMA, 3));
        assertFalse(dense.rdd().first().isSparse());
        assertTrue(sparse.rdd().first().isSparse());
        assertTrue(sparse.sizeInBytes() < dense.sizeInBytes() / 3, sparse.sizeInBytes() + " vs " + dense.sizeInBytes());

        TrainingConfig config = TrainingConfig.builder(SPEC).set(OPTIMIZER, "momentum").set(LEARNING_RATE, 0.05).set(BATCH_SIZE, 30)
                .set(EPOCHS, 2).set(SEED, 4L).build();
        float[] a = new DistributedTrainer(TestSpark.jsc(spark), config).fit(dense, null).parameters();
        float[] b = new DistributedTrainer(TestSpark.jsc(spark), config).fit(sparse, null).parameters();
        float[] init = config.initialParameters();
        double moved = 0;
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], b[i], 1e-5 * Math.max(1, Math.abs(a[i])), "parameter " + i);
            moved = Math.max(moved, Math.abs(a[i] - init[i]));
        }
        assertTrue(moved > 1e-3, "training moved the parameters by at most " + moved);
        dense.unpersist();
        sparse.unpersist();
    }

    @Test
    void storageOptionForcesTheLayout() {
        DataBlocks forced = BlockBuilder.forNetwork(SPEC).storage(BlockBuilder.Storage.SPARSE).build(TestData.frame(spark,
                TestData.classification(40, 50, 4, 0.1, false, 2), TestData.VECTOR_SCHEMA, 2));
        assertTrue(forced.rdd().first().isSparse());
        forced.unpersist();
    }
}
