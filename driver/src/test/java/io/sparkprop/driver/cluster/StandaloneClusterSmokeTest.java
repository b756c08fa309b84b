package io.sparkprop.driver.cluster;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StandaloneClusterSmokeTest {
    @Test
    void runsAJobOnExecutorsInSeparateJvms() throws Exception {
        Path run = Files.createTempDirectory("sparkprop-standalone");
        try (StandaloneCluster cluster = StandaloneCluster.start(Path.of("target", "spark-home"), run, 2, 1, "1g")) {
            SparkConf conf = new SparkConf().setMaster(cluster.masterUrl()).setAppName("smoke")
                    .set("spark.ui.enabled", "false")
                    .set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1")
                    .set("spark.executor.memory", "768m")
                    .set("spark.executor.extraClassPath", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
            try (JavaSparkContext sc = new JavaSparkContext(conf)) {
                List<Long> pids = sc.parallelize(Arrays.asList(1, 2, 3, 4), 4)
                        .map(x -> ProcessHandle.current().pid()).distinct().collect();
                assertTrue(pids.stream().noneMatch(p -> p == ProcessHandle.current().pid()), "tasks ran in the driver JVM");
                assertEquals(2, cluster.executors().size());
            }
        }
    }
}
