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

    /** adam, local steps (auto) with averaged state, batch 128 per worker, no dropout, a validation split. */
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

        // sparse input of at most 1 nonzero a row: r = 2 x 1 + 1 = 3 values a row instead of n_0 = 2; unknown: r = 0
        NetworkMemory csr = new NetworkMemory(new int[] {2, 3, 1}, 1, "sgd", 4, false, true, false, false, NetworkMemory.Input.sparse(1));
        assertEquals(4 * (2 * 13 + 13 + 3 + 4 * (3 + 3 * 4 + 1 + 2)), csr.taskBytes());
        NetworkMemory unknown = new NetworkMemory(new int[] {2, 3, 1}, 1, "sgd", 4, false, true, false, false,
                NetworkMemory.Input.UNKNOWN);
        assertEquals(4 * (2 * 13 + 13 + 3 + 4 * (3 * 4 + 1 + 2)), unknown.taskBytes());
    }

    /**
     * 1,000,000-8-2 (8,000,026 parameters) at batch 256 on 2-core executors of 2g: rows of 1M dense
     * floats make each task's input batch 256 x 4 MB = 1 GB, which does not fit twice in 1,748 MiB;
     * the same rows as CSR of at most 100 nonzeros are 256 x 201 values and fit easily.
     */
    @Test
    void wideSparseInputCountsItsNonzerosNotItsWidth() {
        int[] wide = {1_000_000, 8, 2};
        NetworkMemory.Resources twoCores = new NetworkMemory.Resources(3072 * MIB, false, 2, 2048 * MIB, "2g");
        NetworkMemory dense = new NetworkMemory(wide, 1, "sgd", 256, false, true, false, false, NetworkMemory.Input.dense(1_000_000));
        String m = refusal(dense, twoCores);
        assertTrue(m.contains("needs about 2,167 MiB on each executor") && m.contains("1,748 MiB"), m);
        NetworkMemory sparse = new NetworkMemory(wide, 1, "sgd", 256, false, true, false, false, NetworkMemory.Input.sparse(100));
        assertTrue(sparse.executorBytes(2) < 256 * MIB, sparse.executorBytes(2) / MIB + " MiB");
        assertDoesNotThrow(() -> sparse.check(twoCores, "model.hidden", "train.batchSize"));
    }

    private static NetworkMemory.Resources withMaxResult(long maxResult, String setting) {
        return new NetworkMemory.Resources(16L << 30, true, 2, 16L << 30, "", maxResult, setting, 2);
    }

    private static String roundRefusal(NetworkMemory m, NetworkMemory.Resources r, int partitions, boolean sharded) {
        return assertThrows(IllegalArgumentException.class,
                () -> m.checkRounds(r, partitions, sharded, false, "train.aggregation", "model.hidden")).getMessage();
    }

    /**
     * The wide sparse case that Spark refused after shuffling (1,000,000-64-10 with Adam's state travelling:
     * L = 3 x 64,000,714 values, 8 (L + 3) = 1,536,017,160 bytes of double sums, over the 1g default) is
     * refused before the first round, naming the setting and a value that fits; within the limit, or with
     * no limit (0), it passes.
     */
    @Test
    void shardedSumsLargerThanMaxResultSizeAreRefused() {
        NetworkMemory m = new NetworkMemory(new int[] {1_000_000, 64, 10}, 1, "adam", 256, true, true, false, false,
                NetworkMemory.Input.sparse(100));
        String e = roundRefusal(m, withMaxResult(1L << 30, "1g"), 8, true);
        assertTrue(e.startsWith("the network 1000000-64-10 (64,000,714 parameters, 733 MiB per broadcast of its weights and adam's"
                + " state): the sharded sum of a round returns 1,465 MiB to the driver (192,002,145 values summed in double"), e);
        assertTrue(e.contains("more than spark.driver.maxResultSize = 1g; set spark.driver.maxResultSize to at least 1528m"), e);
        assertDoesNotThrow(() -> m.checkRounds(withMaxResult(0, "0"), 8, true, false, "train.aggregation", "model.hidden"));
        assertDoesNotThrow(() -> m.checkRounds(withMaxResult(2L << 30, "2g"), 8, true, false, "train.aggregation", "model.hidden"));
    }

    /**
     * Driver aggregation returns n partials of 4 (L + 3) bytes: the ten-million-parameter model, synchronous
     * SGD (42.5 MB a partial), on 64 partitions is 2,595 MiB, over 1g, and the message offers the sharded sum
     * (81 MiB); on 16 partitions (649 MiB) it fits; partials that may travel column-sparse are not judged.
     */
    @Test
    void driverAggregationLargerThanMaxResultSizeIsRefused() {
        NetworkMemory m = new NetworkMemory(TEN_MILLION, 1, "sgd", 128, false, true, false, false);
        String e = roundRefusal(m, withMaxResult(1L << 30, "1g"), 64, false);
        assertTrue(e.contains("driver aggregation returns 64 partials of 41 MiB, 2,596 MiB a round, to the driver, more than"
                + " spark.driver.maxResultSize = 1g; set spark.driver.maxResultSize to at least 2659m (or 0 for no limit), or set"
                + " train.aggregation = sharded (one sum of 82 MiB whatever the partitions)"), e);
        assertDoesNotThrow(() -> m.checkRounds(withMaxResult(1L << 30, "1g"), 16, false, false, "train.aggregation", "model.hidden"));
        assertDoesNotThrow(() -> m.checkRounds(withMaxResult(1L << 30, "1g"), 64, false, true, "train.aggregation", "model.hidden"));
        assertDoesNotThrow(() -> m.checkRounds(withMaxResult(1L << 30, "1g"), 64, true, false, "train.aggregation", "model.hidden"));
    }

    /**
     * A reduce task of the sharded sum holds its slice of all n partials: for 784-1264-10 (1,004,890
     * parameters, synchronous SGD) on 64 partitions, sliceCount gives 4 slices of 251,224 floats, and a
     * reduce task holds 66 x 251,224 x 4 bytes = 63 MiB beside the 4 MiB broadcast: more than the 60 MiB a
     * 360m executor leaves, though one training task (16 MiB) fits.
     */
    @Test
    void shardedReduceTasksAreCountedOnTheExecutors() {
        NetworkMemory m = new NetworkMemory(new int[] {784, 1264, 10}, 1, "sgd", 128, false, true, false, false);
        assertEquals(1_004_890, m.parameters());
        assertEquals(4, GradientAggregator.sliceCount(64, 1_004_893, 2));
        NetworkMemory.Resources small = new NetworkMemory.Resources(3072 * MIB, false, 1, 360 * MIB, "360m", 1L << 30, "1g", 2);
        assertDoesNotThrow(() -> m.check(small, "model.hidden", "train.batchSize"));
        String e = roundRefusal(m, small, 64, true);
        assertTrue(e.contains("needs about 68 MiB on each executor (the broadcast weights and its 1 concurrent reduce task of the"
                + " sharded sum (a slice of 64 partials and its sum)), more than the 60 MiB that spark.executor.memory = 360m"), e);
        assertDoesNotThrow(() -> m.checkRounds(small, 8, true, false, "train.aggregation", "model.hidden"));
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
                + " optimizer state, result and workspace at train.batchSize = 128), more than the 212 MiB that"
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
     * A Spark ML fit in local[2] with spark.driver.maxResultSize = 1m, 50-2000-2 (106,002 parameters, a
     * partial of 414 KiB), 4 partitions: forced driver aggregation (1.6 MiB of partials a round) is
     * refused once the blocks are built, before the first round, and the blocks are dropped; auto sums
     * sharded (828 KiB of double sums a round) and trains.
     */
    @Test
    void aRoundOverMaxResultSizeIsRefusedBeforeItRuns() throws Exception {
        // 4 task slots (spark.default.parallelism), so the estimator trains on 4 blocks
        try (SparkSession spark = TestSpark.start("local[2]", java.util.Map.of("spark.driver.maxResultSize", "1m",
                "spark.default.parallelism", "4"))) {
            List<Row> rows = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                double[] x = new double[50];
                x[i % 50] = 1;
                x[(i * 7) % 50] -= 0.5;
                rows.add(RowFactory.create(Vectors.dense(x), (double) (i % 2)));
            }
            Dataset<Row> data = TestData.frame(spark, rows, TestData.VECTOR_SCHEMA, 4);
            String m = assertThrows(IllegalArgumentException.class, () -> classifier(2000, "driver").fit(data)).getMessage();
            assertTrue(m.equals("the network 50-2000-2 (106,002 parameters, 0.5 MiB per broadcast of its weights): driver aggregation"
                    + " returns 4 partials of 0.5 MiB, 1.7 MiB a round, to the driver, more than spark.driver.maxResultSize = 1m; set"
                    + " spark.driver.maxResultSize to at least 65m (or 0 for no limit), or set train.aggregation = sharded (one sum"
                    + " of 0.9 MiB whatever the partitions)"), m);
            assertEquals(0, spark.sparkContext().getPersistentRDDs().size(), "the blocks were dropped");
            assertDoesNotThrow(() -> classifier(2000, "auto").fit(data));
        }
    }

    private static SparkpropClassifier classifier(int hidden, String aggregation) {
        return new SparkpropClassifier().setLayers(hidden).setSolver("sgd").setLocalSteps(1).setMaxIter(2).setAggregation(aggregation);
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
                    + " needs about 744 MiB on each executor"), m);
            assertTrue(m.contains("more than the 468 MiB that spark.executor.memory = 768m leaves after Spark's 300 MiB reserve;"
                    + " raise spark.executor.memory"), m);
            assertEquals(0, spark.sparkContext().getPersistentRDDs().size(), "nothing was cached");
        }
    }
}
