package io.sparkprop.driver.cluster;

import io.sparkprop.driver.TestSpark;
import io.sparkprop.driver.train.DeterminismTest;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real Spark standalone cluster: a Master and two Worker JVMs on 127.0.0.1 started from the Maven
 * jars, executors launched by the workers as further JVMs, Kryo registration required. Training there
 * gives the same bits as local[2] with the same partition count, for the flat and the tree aggregation
 * for rounds of local steps and with dropout.
 */
class StandaloneClusterTrainingTest {
    @Test
    void trainingOnAStandaloneClusterMatchesLocalTwoBitForBit() throws Exception {
        float[][] local = DeterminismTest.trainEachWay("local[2]");
        Path run = Files.createTempDirectory("sparkprop-standalone");
        try (StandaloneCluster cluster = StandaloneCluster.start(Path.of("target", "spark-home"), run, 2, 1, "1g")) {
            SparkSession spark = TestSpark.start(cluster.masterUrl());
            try {
                assertTrue(spark.sparkContext().master().startsWith("spark://127.0.0.1:"));
                float[][] remote = DeterminismTest.trainEachWay(spark);
                assertEquals(2, cluster.executors().size(), "one executor JVM per worker");
                assertArrayEquals(local[0], remote[0], "flat aggregation, 4 partitions");
                assertArrayEquals(local[1], remote[1], "two-level tree aggregation, 7 partitions");
                assertArrayEquals(local[2], remote[2], "rounds of 4 local steps, 4 partitions");
                assertArrayEquals(local[3], remote[3], "synchronous steps with dropout, 4 partitions");
            } finally {
                spark.stop();
            }
        }
    }
}
