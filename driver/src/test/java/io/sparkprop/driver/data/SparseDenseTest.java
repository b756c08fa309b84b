package io.sparkprop.driver.data;

import io.sparkprop.core.nn.NetworkSpec;
import io.sparkprop.driver.TestData;
import io.sparkprop.driver.TestSpark;
import io.sparkprop.driver.train.DistributedTrainer;
import io.sparkprop.driver.train.IterationMetrics;
import io.sparkprop.driver.train.TrainingConfig;
import io.sparkprop.driver.train.TrainingListener;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
        List<Row> sparseRows = TestData.classification(300, 50, 4, 0.1, true, 21);
        DataBlocks sparse = BlockBuilder.forNetwork(SPEC).build(TestData.frame(spark, sparseRows, TestData.VECTOR_SCHEMA, 3));
        assertFalse(dense.rdd().first().isSparse());
        assertTrue(sparse.rdd().first().isSparse());
        // the widest CSR row, what NetworkMemory counts for a task's input batch, against the rows as given
        int widest = sparseRows.stream().mapToInt(r -> ((Vector) r.get(0)).numActives()).max().orElseThrow();
        assertTrue(widest > 0 && widest < 50, "widest row " + widest);
        assertEquals(widest, sparse.maxRowNonzeros());
        assertEquals(0, dense.maxRowNonzeros());
        assertTrue(sparse.sizeInBytes() < dense.sizeInBytes() / 3, sparse.sizeInBytes() + " vs " + dense.sizeInBytes());

        TrainingConfig config = TrainingConfig.builder(SPEC).set(OPTIMIZER, "momentum").set(LEARNING_RATE, 0.05).set(BATCH_SIZE, 10)
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

    /**
     * 2,000 features with ~10 nonzero per row: a partition's batch of 10 rows touches ~100 of W1's
     * 2,000 columns, so its partial travels column-sparse; training must give the same bits as dense
     * transfer, on the driver and sharded, synchronous and in rounds of local steps, while moving at
     * least 10x fewer bytes synchronously (3x in rounds of 4 steps, which touch more columns).
     */
    @Test
    void wideSparseDataTravelsColumnSparseWithTheSameBits() {
        NetworkSpec wide = NetworkSpec.input(2000).dense(16, "relu").dense(4, "softmax").loss("softmax_cross_entropy");
        DataBlocks data = BlockBuilder.forNetwork(wide).build(TestData.frame(spark,
                TestData.classification(300, 2000, 4, 0.005, true, 23), TestData.VECTOR_SCHEMA, 3));
        assertTrue(data.rdd().first().isSparse());
        for (String localSteps : new String[] {"1", "4"}) {
            for (String aggregation : new String[] {"driver", "sharded"}) {
                TrainingConfig.Builder b = TrainingConfig.builder(wide).set(OPTIMIZER, localSteps.equals("1") ? "momentum" : "adam")
                        .set(LEARNING_RATE, 0.05).set(BATCH_SIZE, 10).set(EPOCHS, 2).set(SEED, 4L).set(LOCAL_STEPS, localSteps)
                        .set(LOCAL_OPTIMIZER_STATE, "reset").set(AGGREGATION, aggregation);
                long[] bytes = new long[2];
                float[] sparse = train(b.set(SPARSE_TRANSFER, true).build(), data, bytes, 0);
                float[] dense = train(b.set(SPARSE_TRANSFER, false).build(), data, bytes, 1);
                String what = aggregation + " aggregation, local steps " + localSteps;
                assertArrayEquals(dense, sparse, what);
                assertFalse(Arrays.equals(dense, b.build().initialParameters()), what + ": training moved nothing");
                // a round of 4 local steps touches ~4x the columns of one step
                int fewer = localSteps.equals("1") ? 10 : 3;
                assertTrue(bytes[0] * fewer <= bytes[1], what + ": " + bytes[0] + " bytes sparse vs " + bytes[1] + " dense");
            }
        }
        data.unpersist();
    }

    /**
     * train.sparseUpdate on the same wide sparse data: SGD (with clipping) touched-column steps give the
     * dense steps' bits, synchronous and in rounds of local steps (whose outer step is touched too),
     * and auto takes them there; Adam's touched steps (lazy moments) follow another path, which learns
     * more slowly, and auto keeps Adam dense.
     */
    @Test
    void touchedColumnUpdatesAreTheDenseStepsForSgdAndLazyForAdam() {
        NetworkSpec wide = NetworkSpec.input(2000).dense(16, "relu").dense(4, "softmax").loss("softmax_cross_entropy");
        DataBlocks data = BlockBuilder.forNetwork(wide).build(TestData.frame(spark,
                TestData.classification(300, 2000, 4, 0.005, true, 23), TestData.VECTOR_SCHEMA, 3));
        assertTrue(data.sparse());
        long[] bytes = new long[1];
        for (String localSteps : new String[] {"1", "4"}) {
            TrainingConfig.Builder b = TrainingConfig.builder(wide).set(OPTIMIZER, "sgd").set(LEARNING_RATE, 0.2)
                    .set(CLIP_NORM, 0.5).set(BATCH_SIZE, 10).set(EPOCHS, 2).set(SEED, 4L).set(LOCAL_STEPS, localSteps);
            float[] dense = train(b.set(SPARSE_UPDATE, "dense").build(), data, bytes, 0);
            float[] touched = train(b.set(SPARSE_UPDATE, "touched").build(), data, bytes, 0);
            float[] auto = train(b.set(SPARSE_UPDATE, "auto").build(), data, bytes, 0);
            assertArrayEquals(dense, touched, "sgd, local steps " + localSteps);
            assertArrayEquals(dense, auto, "sgd, local steps " + localSteps + ", auto");
            assertFalse(Arrays.equals(dense, b.build().initialParameters()), "training moved nothing");
        }
        TrainingConfig.Builder adam = TrainingConfig.builder(wide).set(OPTIMIZER, "adam").set(LEARNING_RATE, 0.01)
                .set(BATCH_SIZE, 10).set(EPOCHS, 4).set(SEED, 4L).set(LOCAL_STEPS, "4");
        TrainingConfig denseAdam = adam.set(SPARSE_UPDATE, "dense").build();
        TrainingConfig touchedAdam = adam.set(SPARSE_UPDATE, "touched").build();
        float[] dense = train(denseAdam, data, bytes, 0);
        float[] touched = train(touchedAdam, data, bytes, 0);
        assertFalse(Arrays.equals(dense, touched), "lazy Adam gave the dense bits: the touched steps were not taken");
        assertArrayEquals(dense, train(adam.set(SPARSE_UPDATE, "auto").build(), data, bytes, 0), "adam auto is dense");
        DistributedTrainer evaluator = new DistributedTrainer(TestSpark.jsc(spark), denseAdam);
        double untrained = evaluator.evaluate(denseAdam.initialParameters(), data).accuracy();
        double denseAccuracy = evaluator.evaluate(dense, data).accuracy();
        double touchedAccuracy = evaluator.evaluate(touched, data).accuracy();
        assertTrue(denseAccuracy > 0.6, "dense adam reached " + denseAccuracy);
        // lazy Adam learns, but more slowly at the same rate: dense Adam keeps moving a rare feature's
        // weights for ~1 / (1 - beta1) steps after each row that has it, lazy Adam once (BENCHMARKS.md)
        assertTrue(touchedAccuracy > untrained + 0.05, "lazy adam " + touchedAccuracy + " vs untrained " + untrained);
        data.unpersist();
    }

    /** Trains, adding the partial bytes of every round to {@code bytes[slot]}. */
    private static float[] train(TrainingConfig config, DataBlocks data, long[] bytes, int slot) {
        return new DistributedTrainer(TestSpark.jsc(spark), config).addListener(new TrainingListener() {
            @Override
            public void onIteration(IterationMetrics m) {
                bytes[slot] += m.partialBytes();
            }
        }).fit(data, null).parameters();
    }

    @Test
    void storageOptionForcesTheLayout() {
        DataBlocks forced = BlockBuilder.forNetwork(SPEC).storage(BlockBuilder.Storage.SPARSE).build(TestData.frame(spark,
                TestData.classification(40, 50, 4, 0.1, false, 2), TestData.VECTOR_SCHEMA, 2));
        assertTrue(forced.rdd().first().isSparse());
        forced.unpersist();
    }
}
