package io.sparkprop.jobs.cli;

import io.sparkprop.driver.cluster.StandaloneCluster;
import io.sparkprop.driver.model.ModelStore;
import io.sparkprop.driver.model.SavedModel;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shaded job jar submitted with {@code org.apache.spark.deploy.SparkSubmit} (what spark-submit
 * runs) to a real standalone cluster of two workers on 127.0.0.1: it trains on the embedded data and
 * writes its model, with Spark only from the cluster's jars (provided scope).
 */
class SparkSubmitIT {
    @TempDir
    Path tmp;

    @Test
    void jobJarTrainsOnAStandaloneClusterAndWritesItsModel() throws Exception {
        Path sparkHome = Path.of(System.getProperty("sparkprop.sparkHome"));
        Path jar = Path.of(System.getProperty("sparkprop.jobJar"));
        assertTrue(Files.exists(jar), "job jar " + jar);
        Path model = tmp.resolve("model");
        try (StandaloneCluster cluster = StandaloneCluster.start(sparkHome, tmp.resolve("cluster"), 2, 1, "1g")) {
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.add("-Xmx1g");
            cmd.addAll(StandaloneCluster.MODULE_FLAGS);
            cmd.addAll(List.of("-cp", sparkHome.resolve("jars") + "/*", "org.apache.spark.deploy.SparkSubmit",
                    "--master", cluster.masterUrl(), "--deploy-mode", "client",
                    "--conf", "spark.executor.memory=768m", "--conf", "spark.ui.enabled=false",
                    "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.driver.bindAddress=127.0.0.1",
                    "--class", "io.sparkprop.jobs.cli.SparkpropCommand", jar.toString(),
                    "train", "--epochs", "1", "--conf", "data.partitions=2", "-o", model.toString()));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("submit.log").toFile());
            pb.environment().putAll(Map.of("SPARK_HOME", sparkHome.toString(), "SPARK_SCALA_VERSION", "2.13",
                    "SPARK_LOCAL_IP", "127.0.0.1", "SPARK_LOCAL_HOSTNAME", "127.0.0.1"));
            Process submit = pb.start();
            boolean finished = submit.waitFor(6, TimeUnit.MINUTES);
            if (!finished) {
                submit.descendants().forEach(ProcessHandle::destroyForcibly);
                submit.destroyForcibly();
            }
            String log = Files.readString(tmp.resolve("submit.log"));
            assertTrue(finished, "spark-submit did not finish in 6 minutes:\n" + log);
            assertEquals(0, submit.exitValue(), log);
            assertTrue(log.contains("validation accuracy"), log);
            assertTrue(log.contains("model written to"), log);
        }
        SavedModel saved = new ModelStore(new Configuration()).read(model.toString());
        assertEquals(784, saved.spec().inputWidth());
        assertTrue(saved.training().get("job").toString().contains("spark.master"), "job settings recorded");
        assertTrue(saved.training().get("configuration").toString().contains("train.learningRate"), "training settings recorded");
    }
}
