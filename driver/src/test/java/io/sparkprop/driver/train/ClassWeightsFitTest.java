package io.sparkprop.driver.train;

import io.sparkprop.driver.TestData;
import io.sparkprop.driver.TestSpark;
import io.sparkprop.driver.model.SavedModel;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static io.sparkprop.driver.config.TrainingSettings.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Class weights through the one fit: balanced on a 95/5 problem, the recorded weights, bad values. */
class ClassWeightsFitTest {
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = TestSpark.start("local[2]");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /** 95 % class 0 around (0, 0), 5 % class 1 around (1.5, 1.5), unit variance: the classes overlap. */
    private static List<Row> imbalanced(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int y = i % 20 == 0 ? 1 : 0;
            double c = 1.5 * y;
            rows.add(RowFactory.create(Vectors.dense(c + gaussian(rng), c + gaussian(rng)), (double) y));
        }
        return rows;
    }

    private static double gaussian(SplittableRandom rng) {
        return Math.sqrt(-2 * Math.log(1 - rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble());
    }

    private static ModelFit.Result fit(String classWeights, List<Row> train, List<Row> test) {
        TrainingConfig settings = TrainingConfig.builder().set(HIDDEN, new int[0]).set(LEARNING_RATE, 0.05).set(BATCH_SIZE, 100)
                .set(EPOCHS, 8).set(SEED, 4L).set(CLASS_WEIGHTS, classWeights).build();
        return new ModelFit(settings, SavedModel.Task.CLASSIFICATION).partitions(2)
                .run(TestData.frame(spark, train, TestData.VECTOR_SCHEMA, 2), TestData.frame(spark, test, TestData.VECTOR_SCHEMA, 2));
    }

    @Test
    void balancedClassWeightsRaiseMinorityRecall() {
        List<Row> train = imbalanced(1000, 1);
        List<Row> test = imbalanced(1000, 2);
        ModelFit.Result none = fit("none", train, test);
        ModelFit.Result balanced = fit("balanced", train, test);
        double before = none.metrics().recall(1);
        double after = balanced.metrics().recall(1);
        assertTrue(after > before + 0.3, "minority recall: none " + before + ", balanced " + after);
        // the test rows carry no class weights: their metrics count rows
        assertEquals(false, balanced.metrics().isWeighted());

        @SuppressWarnings("unchecked")
        Map<String, Object> recorded = (Map<String, Object>) balanced.model().training().get("classWeights");
        assertEquals("balanced", recorded.get("setting"));
        // 950 and 50 rows: n / (k n_c) = 1000 / 1900 and 1000 / 100
        assertArrayEquals(new double[] {1000.0 / 1900, 10.0}, (double[]) recorded.get("weights"), 1e-12);
        assertArrayEquals(new long[] {950, 50}, (long[]) recorded.get("classRows"));
        assertEquals(null, none.model().training().get("classWeights"));
    }

    @Test
    void classWeightsThatDoNotFitTheDataFailBeforeTraining() {
        List<Row> rows = imbalanced(100, 3);
        String m = assertThrows(IllegalArgumentException.class, () -> fit("1,2,3", rows, rows)).getMessage();
        assertEquals("train.classWeights = '1,2,3' has 3 weights, expected 2 (one per class 0..1)", m);
        m = assertThrows(IllegalArgumentException.class, () -> fit("2:4", rows, rows)).getMessage();
        assertTrue(m.startsWith("train.classWeights = '2:4' names class 2, which is absent from the training data"), m);
        m = assertThrows(IllegalArgumentException.class, () -> fit("0,0", rows, rows)).getMessage();
        assertTrue(m.contains("the class weights [0.0, 0.0]") && m.contains("every one of the") && m.contains("weight 0"), m);

        Dataset<Row> regression = TestData.frame(spark, TestData.regression(50, 3, 1), TestData.VECTOR_SCHEMA, 2);
        TrainingConfig settings = TrainingConfig.builder().set(CLASS_WEIGHTS, "balanced").build();
        m = assertThrows(IllegalArgumentException.class,
                () -> new ModelFit(settings, SavedModel.Task.REGRESSION).run(regression, null)).getMessage();
        assertTrue(m.startsWith("train.classWeights = 'balanced' applies to classification only"), m);
    }
}
