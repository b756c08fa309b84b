package io.sparkprop.driver.train;

import io.sparkprop.core.nn.NetworkSpec;
import io.sparkprop.driver.TestData;
import io.sparkprop.driver.TestSpark;
import io.sparkprop.driver.data.BlockBuilder;
import io.sparkprop.driver.data.DataBlocks;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static io.sparkprop.driver.config.TrainingSettings.*;

/** Regression metrics, array columns, multi-output labels and early stopping. */
class EvaluationTest {
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
    void regressionFromArrayColumnsWithTwoOutputs() {
        // y = (x0 + 2 x1 - x2, x0 * x1): array<double> features, array<double> label.
        StructType schema = new StructType()
                .add("x", DataTypes.createArrayType(DataTypes.DoubleType))
                .add("y", DataTypes.createArrayType(DataTypes.DoubleType));
        SplittableRandom rng = new SplittableRandom(1);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            double a = rng.nextDouble() * 2 - 1;
            double b = rng.nextDouble() * 2 - 1;
            double c = rng.nextDouble() * 2 - 1;
            rows.add(RowFactory.create(new double[] {a, b, c}, new double[] {a + 2 * b - c, a * b}));
        }
        NetworkSpec spec = NetworkSpec.input(3).dense(32, "tanh").dense(2, "identity").loss("mse");
        DataBlocks data = BlockBuilder.forNetwork(spec).features("x").label("y").build(TestData.frame(spark, rows, schema, 2));
        TrainingConfig config = TrainingConfig.builder(spec).set(OPTIMIZER, "adam").set(LEARNING_RATE, 0.02).set(SCHEDULE, "constant")
                .set(BATCH_SIZE, 20).set(EPOCHS, 20).set(SEED, 1L).build();
        DistributedTrainer trainer = new DistributedTrainer(TestSpark.jsc(spark), config);
        TrainingResult r = trainer.fit(data, data);
        EvaluationMetrics m = trainer.evaluate(r.parameters(), data);
        assertTrue(!m.isClassification() && m.r2() > 0.95, m.toString());
        // RMSE is the mean of the outputs' own roots, at most the root of the mean MSE (Jensen); MAE_j <= RMSE_j
        assertEquals((Math.sqrt(m.mse(0)) + Math.sqrt(m.mse(1))) / 2, m.rmse(), 1e-12);
        assertEquals((m.mse(0) + m.mse(1)) / 2, m.mse(), 1e-15);
        assertTrue(m.rmse() <= Math.sqrt(m.mse()) && m.mae() <= m.rmse());
        assertEquals(20, r.history().size());
        assertEquals(m.loss(), r.history().get(19).validation().loss(), 0);
        // the last epoch's validation pass saw the final parameters: its metrics are the result's, the same bits
        assertEquals(m.toMapWithRows(), r.validation().toMapWithRows());
        data.unpersist();
    }

    @Test
    void aRunStoppedInsideAnEpochHasNoValidationMetricsOfItsParameters() {
        NetworkSpec spec = NetworkSpec.input(10).dense(8, "relu").dense(3, "softmax").loss("softmax_cross_entropy");
        DataBlocks data = BlockBuilder.forNetwork(spec).build(TestData.frame(spark,
                TestData.classification(60, 10, 3, 1.0, false, 1), TestData.VECTOR_SCHEMA, 2));
        // 3 iterations an epoch (batch 10 on 2 blocks of 30), stopped after 4: one step past the last validation
        TrainingConfig config = TrainingConfig.builder(spec).set(BATCH_SIZE, 10).set(EPOCHS, 3).set(MAX_ITERATIONS, 4L)
                .set(SEED, 5L).build();
        TrainingResult r = new DistributedTrainer(TestSpark.jsc(spark), config).fit(data, data);
        assertEquals("max_iterations", r.stopReason());
        assertEquals(1, r.history().size());
        assertEquals(null, r.validation());
        data.unpersist();
    }

    @Test
    void earlyStoppingReturnsTheBestParameters() {
        NetworkSpec spec = NetworkSpec.input(10).dense(64, "relu").dense(3, "softmax").loss("softmax_cross_entropy");
        DataBlocks train = BlockBuilder.forNetwork(spec).build(TestData.frame(spark,
                TestData.classification(60, 10, 3, 1.0, false, 1), TestData.VECTOR_SCHEMA, 2));
        // Labels unrelated to the training data: fitting the training set makes validation worse.
        DataBlocks validation = BlockBuilder.forNetwork(spec).build(TestData.frame(spark,
                TestData.classification(60, 10, 3, 1.0, false, 2), TestData.VECTOR_SCHEMA, 2));
        TrainingConfig config = TrainingConfig.builder(spec).set(OPTIMIZER, "adam").set(LEARNING_RATE, 0.05).set(BATCH_SIZE, 10)
                .set(EPOCHS, 200).set(PATIENCE, 2).set(SEED, 5L).build();
        DistributedTrainer trainer = new DistributedTrainer(TestSpark.jsc(spark), config);
        TrainingResult r = trainer.fit(train, validation);
        assertEquals("early_stopping", r.stopReason());
        assertTrue(r.epochs() < 200);
        double best = r.history().stream().mapToDouble(e -> e.validation().loss()).min().orElseThrow();
        assertEquals(best, trainer.evaluate(r.parameters(), validation).loss(), 0);
        assertTrue(trainer.evaluate(r.lastParameters(), validation).loss() > best);
        // the best parameters are an earlier epoch's: the last validation pass did not see them
        assertEquals(null, r.validation());
        train.unpersist();
        validation.unpersist();
    }
}
