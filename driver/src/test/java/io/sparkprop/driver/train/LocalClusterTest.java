package io.sparkprop.driver.train;

import io.sparkprop.driver.TestData;
import io.sparkprop.driver.TestSpark;
import io.sparkprop.driver.model.SavedModel;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

import static io.sparkprop.driver.config.TrainingSettings.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Executors in separate JVMs (local-cluster[2,2,1024]: 4 task slots) with Kryo registration required:
 * every class that crosses the wire must be registered, and the bits must match local[4] with the same
 * partitions. Both aggregation paths run: on the driver, and sharded (a shuffle between JVMs); and a
 * whole fit on one balanced block per task slot (the rows dealt out by a shuffle between JVMs); and synchronous
 * steps as barrier jobs whose tasks exchange their gradients over TCP between the JVMs (train.synchronousExchange).
 */
class LocalClusterTest {
    @Test
    void localClusterGivesTheSameBitsAsLocalFour() {
        float[][] cluster = trainBoth("local-cluster[2,2,1024]");
        float[][] local = trainBoth("local[4]");
        assertArrayEquals(local[0], cluster[0]);
        assertArrayEquals(local[1], cluster[1]);
        assertArrayEquals(local[2], cluster[2], "local steps");
        assertArrayEquals(local[3], cluster[3], "dropout");
        assertArrayEquals(local[4], cluster[4], "a fit on one block per task slot");
        assertArrayEquals(local[5], cluster[6], "synchronous steps exchanged among the tasks, over TCP between the executors");
        assertArrayEquals(cluster[5], cluster[6], "the tasks' exchange against the driver's rounds");
    }

    private static float[][] trainBoth(String master) {
        SparkSession spark = TestSpark.start(master);
        try {
            float[][] each = DeterminismTest.trainEachWay(spark);
            ModelFit.Result fit = new ModelFit(TrainingConfig.builder().parse(LOG_INTERVAL, "0").parse(SEED, "3")
                    .parse(BATCH_SIZE, "16").parse(EPOCHS, "2").parse(LOCAL_STEPS, "4").parse(HIDDEN, "8").build(),
                    SavedModel.Task.CLASSIFICATION).features("features").label("label")
                    .run(TestData.frame(spark, TestData.classification(480, 12, 3, 1.0, false, 11), TestData.VECTOR_SCHEMA, 5), null);
            assertEquals(4, fit.partitions(), master + ": one block per task slot");
            float[][] exchange = BarrierRoundTest.trainBothWays(spark);
            return new float[][] {each[0], each[1], each[2], each[3], fit.model().params(), exchange[0], exchange[1]};
        } finally {
            spark.stop();
        }
    }
}
