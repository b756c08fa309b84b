package io.sparkprop.driver.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An epoch's line: the rounds' parts as the trainer gave them, and the tasks' run time of the jobs that ended in it. */
class EpochPhasesTest {
    private static final String N = "([0-9]+\\.[0-9]+)";

    @Test
    void anEpochsLineAddsTheRoundsAndTheTasksOfItsJobs() throws Exception {
        SparkConf conf = new SparkConf().setMaster("local[2]").setAppName("epoch-phases").set("spark.ui.enabled", "false");
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            List<String> lines = new ArrayList<>();
            EpochPhases phases = EpochPhases.of(sc.sc(), lines::add);
            phases.epochStarts();
            phases.round(0.25, 0.01, 0.2, 0.005);
            phases.round(0.125, 0.02, 0.1, 0.0025);
            // two tasks of ~200 ms and ~50 ms in one job: the epoch waited for the longer one
            sc.parallelize(List.of(200, 50), 2).foreach(ms -> Thread.sleep(ms));
            phases.validation(0.0625);
            sc.sc().listenerBus().waitUntilEmpty();
            phases.epochEnds(3);

            assertEquals(1, lines.size(), lines.toString());
            Matcher m = Pattern.compile("phase epoch 3: " + N + " s, " + N + " s CPU: 2 rounds 0\\.375 s \\(broadcast 0\\.030 s, jobs"
                    + " 0\\.300 s, driver after the jobs 0\\.008 s\\), validation 0\\.063 s, other (-?[0-9.]+) s; tasks " + N
                    + " s \\(each job's longest\\) of " + N + " s \\(all\\), GC pauses " + N + " s").matcher(lines.get(0));
            assertTrue(m.matches(), lines.get(0));
            double wall = Double.parseDouble(m.group(1));
            double longest = Double.parseDouble(m.group(4));
            double all = Double.parseDouble(m.group(5));
            assertTrue(longest >= 0.2 && longest < 0.25, String.format(Locale.ROOT, "longest %.3f", longest));
            assertTrue(all >= 0.25 && all < 0.3, String.format(Locale.ROOT, "all %.3f", all));
            assertEquals(wall - 0.375 - 0.0625, Double.parseDouble(m.group(3)), 0.0015);

            phases.epochStarts();
            phases.epochEnds(4);
            assertTrue(lines.get(1).matches("phase epoch 4: .*: 0 rounds 0\\.000 s .* tasks 0\\.000 s \\(each job's longest\\) of"
                    + " 0\\.000 s \\(all\\).*"), lines.get(1));
        }
    }
}
