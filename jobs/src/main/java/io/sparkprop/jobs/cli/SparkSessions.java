package io.sparkprop.jobs.cli;

import io.sparkprop.driver.data.BadInputCanceller;
import io.sparkprop.driver.spark.KryoSettings;
import io.sparkprop.driver.spark.PhaseLog;
import io.sparkprop.jobs.config.JobConfig;
import io.sparkprop.jobs.config.JobSettings;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import io.sparkprop.jobs.train.SparkLease;
import org.apache.spark.sql.SparkSession;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Starts Spark for a command. Under spark-submit the master and everything else spark-submit set
 * are kept (SparkConf reads them from system properties); the configuration's spark.* keys fill in
 * the rest, so bin/sparkprop runs local[*] by default. Kryo with registration is always on, and a
 * job whose task found bad input fails at once instead of retrying ({@link BadInputCanceller}).
 */
final class SparkSessions {
    private SparkSessions() {
    }

    /**
     * The Hadoop configuration a command uses before (or without) Spark: Hadoop's defaults plus the
     * spark.hadoop.* keys without their prefix, as Spark would set them: those spark-submit passes
     * (as system properties, which SparkConf reads), then the configuration's, which win as in {@link #start}.
     */
    static Configuration hadoopConfiguration(JobConfig config) {
        Configuration conf = new Configuration();
        Map<String, String> settings = new LinkedHashMap<>();
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("spark.hadoop."))
                .forEach(k -> settings.put(k, System.getProperty(k)));
        settings.putAll(config.sparkSettings());
        settings.forEach((key, value) -> {
            if (key.startsWith("spark.hadoop.")) {
                conf.set(key.substring("spark.hadoop.".length()), value);
            }
        });
        return conf;
    }

    /**
     * Spark for a command: the session already running in this JVM if there is one (its settings
     * stay as they are; the lease leaves it running), else a new one from the configuration's
     * spark.* keys (the lease stops it).
     */
    static SparkLease start(JobConfig config, String appName) {
        long start = System.nanoTime();
        boolean running = SparkSession.getDefaultSession().isDefined();
        SparkConf conf = new SparkConf();
        // Kryo with our registrator; registration is not required by default because Spark SQL ships
        // some of its own classes unregistered (spark.kryo.registrationRequired=true turns it on).
        KryoSettings.apply(conf, false);
        // Every round broadcasts the weights as a float array, which LZ4 cannot shrink: compressing it
        // only costs time on the driver and every executor (a spark.broadcast.compress the user sets wins).
        conf.set("spark.broadcast.compress", "false");
        // A round's result is one partial per task, 4 (3 P + 3) bytes with Adam's moments travelling (2.8 MB for
        // 784-256-128-10): above Spark's 1 MiB default it would be stored in the executor's block manager and
        // fetched from there, 10-25 ms more per round in local[2]; sent with the task's status it is not (Spark caps
        // this at spark.rpc.message.maxSize). A value the user sets wins.
        conf.set("spark.task.maxDirectResultSize", "64m");
        config.sparkSettings().forEach((key, value) -> {
            if (key.equals(JobSettings.SPARK_MASTER.key())) {
                conf.setIfMissing(key, value);
            } else {
                conf.set(key, value);
            }
        });
        conf.setIfMissing("spark.app.name", appName);
        SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
        BadInputCanceller.register(spark.sparkContext());
        PhaseLog.sparkStarted(start);
        return new SparkLease(spark, !running);
    }
}
