package io.sparkprop.driver.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The phase lines: one per phase, in order, each with the Spark jobs started in it (never its times, which vary). */
class PhaseLogTest {
    private static final String NUMBER = "[0-9]+\\.[0-9]{2}";

    @Test
    void eachPhaseIsOneLineWithTheJobsItStarted() throws Exception {
        SparkConf conf = new SparkConf().setMaster("local[2]").setAppName("phases").set("spark.ui.enabled", "false");
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            List<String> lines = new ArrayList<>();
            PhaseLog phases = PhaseLog.start(sc.sc(), lines::add);
            sc.parallelize(List.of(1, 2, 3), 2).count();
            sc.parallelize(List.of(1, 2, 3), 2).collect();
            sc.sc().listenerBus().waitUntilEmpty();
            phases.end("two jobs");
            phases.end("none");
            sc.parallelize(List.of(1, 2, 3), 2).count();
            sc.sc().listenerBus().waitUntilEmpty();
            phases.end("one job");

            assertEquals(3, lines.size(), lines.toString());
            String rest = " s, " + NUMBER + " s CPU, ";
            String since = " \\(" + NUMBER + " s since launch\\)";
            assertTrue(lines.get(0).matches("phase two jobs: " + NUMBER + rest + "2 Spark jobs" + since), lines.get(0));
            assertTrue(lines.get(1).matches("phase none: " + NUMBER + rest + "0 Spark jobs" + since), lines.get(1));
            assertTrue(lines.get(2).matches("phase one job: " + NUMBER + rest + "1 Spark job" + since), lines.get(2));
        }
    }
}
