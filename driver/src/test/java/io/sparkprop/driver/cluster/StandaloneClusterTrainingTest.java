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
 * gives the same bits as local[2] with the same partition count: driver and sharded aggregation (also
 * over 64 partitions), rounds of local steps, and dropout.
 */
class StandaloneClusterTrainingTest {
    @Test
    void trainingOnAStandaloneClusterMatchesLocalTwoBitForBit() throws Exception {
        float[][] local = DeterminismTest.trainEachWay("local[2]");
        float[][] local64;
        SparkSession two = TestSpark.start("local[2]");
        try {
            local64 = DeterminismTest.trainSixtyFourPartitions(two);
        } finally {
            two.stop();
        }
        assertArrayEquals(local64[0], local64[1], "64 partitions: driver and sharded aggregation give the same bits");
        Path run = Files.createTempDirectory("sparkprop-standalone");
        try (StandaloneCluster cluster = StandaloneCluster.start(Path.of("target", "spark-home"), run, 2, 1, "1g")) {
            SparkSession spark = TestSpark.start(cluster.masterUrl());
            try {
                assertTrue(spark.sparkContext().master().startsWith("spark://127.0.0.1:"));
                float[][] remote = DeterminismTest.trainEachWay(spark);
                float[][] remote64 = DeterminismTest.trainSixtyFourPartitions(spark);
                assertEquals(2, cluster.executors().size(), "one executor JVM per worker");
                assertArrayEquals(local[0], remote[0], "driver aggregation, 4 partitions");
                assertArrayEquals(local[1], remote[1], "sharded aggregation, 7 partitions");
                assertArrayEquals(local[2], remote[2], "rounds of 4 local steps, 4 partitions");
                assertArrayEquals(local[3], remote[3], "synchronous steps with dropout, 4 partitions");
                assertArrayEquals(local64[0], remote64[0], "driver aggregation, 64 partitions");
                assertArrayEquals(local64[1], remote64[1], "sharded aggregation, 64 partitions");
            } finally {
                spark.stop();
            }
        }
    }
}
