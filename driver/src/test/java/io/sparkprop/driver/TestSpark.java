package io.sparkprop.driver;

import io.sparkprop.driver.spark.KryoSettings;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Paths;

/** Real Spark for tests: loopback only, no UI, Kryo with registration required. */
public final class TestSpark {
    private TestSpark() {
    }

    public static SparkSession start(String master) {
        return start(master, java.util.Map.of());
    }

    /** As {@link #start(String)}, with further Spark settings (e.g. spark.task.maxFailures). */
    public static SparkSession start(String master, java.util.Map<String, String> settings) {
        SparkConf conf = new SparkConf()
                .setMaster(master)
                .setAppName("sparkprop-driver-test")
                .set("spark.ui.enabled", "false")
                .set("spark.driver.bindAddress", "127.0.0.1")
                .set("spark.driver.host", "127.0.0.1")
                .set("spark.sql.shuffle.partitions", "4")
                .set("spark.locality.wait", "0");
        KryoSettings.apply(conf, true);
        if (master.startsWith("local-cluster") || master.startsWith("spark://")) {
            // Executors are separate JVMs: they need SPARK_HOME/jars (empty is fine) and our classes.
            try {
                Files.createDirectories(Paths.get(System.getenv("SPARK_HOME"), "jars"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            conf.set("spark.executor.extraClassPath", cp + File.pathSeparator + new File("target/classes").getAbsolutePath()
                    + File.pathSeparator + new File("target/test-classes").getAbsolutePath());
            conf.set("spark.executor.memory", "768m");
            // start the first job only once every executor has registered
            conf.set("spark.scheduler.minRegisteredResourcesRatio", "1.0");
            conf.set("spark.scheduler.maxRegisteredResourcesWaitingTime", "120s");
        }
        settings.forEach(conf::set);
        return SparkSession.builder().config(conf).getOrCreate();
    }

    public static JavaSparkContext jsc(SparkSession spark) {
        return JavaSparkContext.fromSparkContext(spark.sparkContext());
    }
}
