package io.sparkprop.driver.train;

import io.sparkprop.driver.TestData;
import io.sparkprop.driver.TestSpark;
import io.sparkprop.driver.data.BlockBuilder;
import io.sparkprop.driver.data.DataBlocks;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static io.sparkprop.driver.config.TrainingSettings.*;

/**
 * Warm start: {@code fit(train, validation, initialParameters)} starts from the given parameters.
 * With one full batch (batch size = all rows), the first iteration's mean loss is the loss of the
 * given parameters over the whole data set, which the Evaluator computes independently; the two
 * differ only by the order of float additions.
 */
class WarmStartTest {
    private static SparkSession spark;
    private static DataBlocks data;

    @BeforeAll
    static void start() {
        spark = TestSpark.start("local[2]");
        data = BlockBuilder.forNetwork(DeterminismTest.SPEC).build(TestData.frame(spark,
                TestData.classification(480, 12, 3, 1.0, false, 11), TestData.VECTOR_SCHEMA, 4));
    }

    @AfterAll
    static void stop() {
        data.unpersist();
        spark.stop();
    }

    private static TrainingConfig.Builder config() {
        return TrainingConfig.builder(DeterminismTest.SPEC).set(OPTIMIZER, "adam").set(LEARNING_RATE, 0.01).set(SEED, 3L);
    }

    private static double firstIterationLoss(DistributedTrainer trainer, float[] initial, long[] rows) {
        List<IterationMetrics> seen = new ArrayList<>();
        trainer.addListener(new TrainingListener() {
            @Override
            public void onIteration(IterationMetrics m) {
                seen.add(m);
            }
        }).fit(data, null, initial);
        rows[0] = seen.get(0).rows();
        return seen.get(0).loss();
    }

    @Test
    void firstIterationStartsFromTheGivenParameters() {
        float[] trained = new DistributedTrainer(TestSpark.jsc(spark), config().set(BATCH_SIZE, 40).set(EPOCHS, 2).build())
                .fit(data, null).parameters();
        TrainingConfig fullBatch = config().set(BATCH_SIZE, 480).set(EPOCHS, 1).set(MAX_ITERATIONS, 1L).build();
        DistributedTrainer trainer = new DistributedTrainer(TestSpark.jsc(spark), fullBatch);
        double expected = trainer.evaluate(trained, data).loss();
        long[] rows = new long[1];
        double warm = firstIterationLoss(trainer, trained, rows);
        assertEquals(480, rows[0], "one full batch");
        assertEquals(expected, warm, 1e-6 * expected, "warm start: first-iteration loss = the given parameters' loss");

        double cold = firstIterationLoss(new DistributedTrainer(TestSpark.jsc(spark), fullBatch), null, rows);
        double seededLoss = trainer.evaluate(fullBatch.initialParameters(), data).loss();
        assertEquals(seededLoss, cold, 1e-6 * seededLoss, "without initial parameters: the seeded ones");
        assertTrue(cold - expected > 0.01, "the trained parameters are better than the seeded ones, by far more than"
                + " rounding: " + cold + " vs " + expected);
    }

    @Test
    void theGivenArrayIsNotModifiedAndMustHaveTheLayoutLength() {
        float[] initial = config().build().initialParameters();
        float[] copy = initial.clone();
        TrainingResult r = new DistributedTrainer(TestSpark.jsc(spark), config().set(BATCH_SIZE, 40).set(MAX_ITERATIONS, 3L).build())
                .fit(data, null, initial);
        assertArrayEquals(copy, initial);
        assertFalse(java.util.Arrays.equals(initial, r.parameters()));
        assertThrows(IllegalArgumentException.class, () -> new DistributedTrainer(TestSpark.jsc(spark),
                config().set(BATCH_SIZE, 40).set(MAX_ITERATIONS, 1L).build()).fit(data, null, new float[3]));
    }
}
