package io.sparkprop.driver.train;

import io.sparkprop.driver.TestData;
import io.sparkprop.driver.TestSpark;
import io.sparkprop.driver.ml.SparkpropClassifier;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The memory a network needs against what the driver and the executors have: the formula of
 * {@link NetworkMemory} on a network small enough to count by hand, the ten-million-parameter model
 * that local-cluster[2,1,1024] executors must still train, the refusals and their one line, and the
 * Spark ML estimator refused on a real local-cluster before any block is cached.
 */
class NetworkMemoryTest {
    private static final long MIB = 1L << 20;
    /** 784-8192-512-10: 10,630,666 parameters. */
    private static final int[] TEN_MILLION = {784, 8192, 512, 10};

    /** The shipped defaults: adam, local steps (auto) with averaged state, batch 128, no dropout, a validation split. */
    private static NetworkMemory defaults(int[] sizes) {
        return new NetworkMemory(sizes, 1, "adam", 128, true, true, false, true);
    }

    /** A 3 GiB driver (the test JVMs') and executors of {@code memory} running one task at a time (local-cluster[N,1,M]). */
    private static NetworkMemory.Resources cluster(long executorBytes, String setting) {
        return new NetworkMemory.Resources(3072 * MIB, false, 1, executorBytes, setting);
    }

    private static String refusal(NetworkMemory m, NetworkMemory.Resources r) {
        return assertThrows(IllegalArgumentException.class, () -> m.check(r, "model.hidden", "train.batchSize")).getMessage();
    }

    @Test
    void theFormulaCountedByHandOnASmallNetwork() {
        // 2-3-1: P = 3 (2 + 1) + 1 (3 + 1) = 13; a task's workspace at B = 4: 4 (2 + 3 (3 + 1) + 1 + 2) = 68 floats
        NetworkMemory sgd = new NetworkMemory(new int[] {2, 3, 1}, 1, "sgd", 4, false, true, false, false);
        assertEquals(13, sgd.parameters());
        assertEquals(4 * 13, sgd.broadcastBytes());
        // parameters, the broadcast copy, the mean and a partial (4 P each), the sum in double (8 P)
        assertEquals(4 * (13 + 3 * 13) + 8 * 13, sgd.driverBytes());
        // gradient and parameter copy, the result (P + 3), the workspace
        assertEquals(4 * (2 * 13 + 13 + 3 + 68), sgd.taskBytes());
        assertEquals(4 * 13 + 2 * sgd.taskBytes(), sgd.executorBytes(2));

        // adam with local steps and averaged state: L = 3 P travels; dropout adds masks of the hidden layer (2 B 3 floats)
        NetworkMemory adam = new NetworkMemory(new int[] {2, 3, 1}, 1, "adam", 4, true, true, true, true);
        long l = 3 * 13;
        assertEquals(4 * l, adam.broadcastBytes());
        assertEquals(4 * (13 + 2 * 13 + 3 * l + (l + 2 * 13) + 13) + 8 * l, adam.driverBytes());
        assertEquals(4 * (2 * 13 + 2 * 13 + l + 3 + 68 + 2 * 4 * 3), adam.taskBytes());
    }

    @Test
    void tenMillionParametersFitLocalClusterExecutors() {
        NetworkMemory m = defaults(TEN_MILLION);
        assertEquals(10_630_666, m.parameters());
        // the broadcast of weights and both Adam moments, and one task's arrays: about 41 P bytes, under 768m - 300 MiB
        assertTrue(m.executorBytes(1) < 468 * MIB, m.executorBytes(1) / MIB + " MiB");
        assertDoesNotThrow(() -> m.check(cluster(768 * MIB, "768m"), "model.hidden", "train.batchSize"));
        assertDoesNotThrow(() -> m.check(cluster(1024 * MIB, "1g"), "model.hidden", "train.batchSize"));
        NetworkMemory synchronous = new NetworkMemory(TEN_MILLION, 1, "sgd", 128, false, true, false, true);
        assertDoesNotThrow(() -> synchronous.check(cluster(768 * MIB, "768m"), "model.hidden", "train.batchSize"));
        // local[2] in a 3 GiB JVM: the driver's arrays and two tasks'
        assertDoesNotThrow(() -> m.check(new NetworkMemory.Resources(3072 * MIB, true, 2, 0, ""), "model.hidden", "train.batchSize"));
    }

    @Test
    void tenMillionParametersAreRefusedOnExecutorsTooSmall() {
        String m = refusal(defaults(TEN_MILLION), cluster(512 * MIB, "512m"));
        assertEquals("the network 784-8192-512-10 (10,630,666 parameters, 122 MiB per broadcast of its weights and adam's state)"
                + " needs about 419 MiB on each executor (the broadcast weights and its 1 concurrent task's gradient, parameter copy,"
                + " optimiser state, result and workspace at train.batchSize = 128), more than the 212 MiB that"
                + " spark.executor.memory = 512m leaves after Spark's 300 MiB reserve; raise spark.executor.memory, or make"
                + " model.hidden or train.batchSize smaller", m);
    }

    @Test
    void threeHundredMillionParametersAreRefusedOnTheDriver() {
        NetworkMemory m = defaults(new int[] {3, 17000, 17000, 3});
        String message = refusal(m, new NetworkMemory.Resources(3072 * MIB, true, 2, 0, ""));
        assertTrue(message.startsWith("the network 3-17000-17000-3 (289,136,003 parameters, 3,309 MiB per broadcast"), message);
        assertTrue(message.contains("in the driver") && message.contains("in local mode also its 2 concurrent tasks'")
                && message.contains("more than the 3,072 MiB heap of this JVM") && message.contains("spark.driver.memory")
                && message.contains("SPARKPROP_JAVA_OPTS=-Xmx"), message);
    }

    @Test
    void localModeCountsTheTasksInTheDriver() {
        NetworkMemory m = new NetworkMemory(TEN_MILLION, 1, "sgd", 128, false, true, false, false);
        long alone = m.driverBytes();
        long withTasks = m.driverBytes() + 8 * m.taskBytes();
        long heap = (alone + withTasks) / 2;
        assertDoesNotThrow(() -> m.check(new NetworkMemory.Resources(heap, false, 8, 4L << 30, "4g"), "model.hidden", "train.batchSize"));
        String refused = refusal(m, new NetworkMemory.Resources(heap, true, 8, 0, ""));
        assertTrue(refused.contains("in local mode also its 8 concurrent tasks'"), refused);
    }

    @Test
    void moreParametersThanOneVectorHolds() {
        String m = refusal(defaults(new int[] {3, 100000, 100000, 3}), cluster(1L << 40, "1t"));
        assertTrue(m.startsWith("the network 3-100000-100000-3 would have 10,000,800,003 parameters"), m);
    }

    /**
     * A Spark ML fit on local-cluster[2,1,1024] with 768m executors: 4-8000-6000-2 (48 million
     * parameters, synchronous SGD) fits the 3 GiB driver but not an executor, and is refused with the
     * executor's line before any block is cached.
     */
    @Test
    void estimatorOnLocalClusterRefusesANetworkTooLargeForItsExecutors() throws Exception {
        try (SparkSession spark = TestSpark.start("local-cluster[2,1,1024]")) {
            List<Row> rows = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                rows.add(RowFactory.create(Vectors.dense(i % 3, i % 5, 1.0, -i % 2), (double) (i % 2)));
            }
            Dataset<Row> data = TestData.frame(spark, rows, TestData.VECTOR_SCHEMA, 2);
            SparkpropClassifier classifier = new SparkpropClassifier().setLayers(8000, 6000).setSolver("sgd").setLocalSteps(1)
                    .setMaxIter(1);
            String m = assertThrows(IllegalArgumentException.class, () -> classifier.fit(data)).getMessage();
            assertTrue(m.startsWith("the network 4-8000-6000-2 (48,058,002 parameters, 184 MiB per broadcast of its weights)"
                    + " needs about 754 MiB on each executor"), m);
            assertTrue(m.contains("more than the 468 MiB that spark.executor.memory = 768m leaves after Spark's 300 MiB reserve;"
                    + " raise spark.executor.memory"), m);
            assertEquals(0, spark.sparkContext().getPersistentRDDs().size(), "nothing was cached");
        }
    }
}
