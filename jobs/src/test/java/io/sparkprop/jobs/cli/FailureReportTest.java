package io.sparkprop.jobs.cli;

import io.sparkprop.driver.TestSpark;
import io.sparkprop.driver.data.BadInputException;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a failed command prints, for failures of real Spark jobs (local[2]): bad input found in a task
 * is its one line; a programming error in a task is the stack trace and then the bug line.
 */
class FailureReportTest {
    static SparkSession spark;
    static JavaSparkContext jsc;

    @BeforeAll
    static void start() {
        spark = TestSpark.start("local[2]");
        jsc = TestSpark.jsc(spark);
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static List<String> report(Throwable failure) {
        StringWriter text = new StringWriter();
        FailureReport.print("train", failure, new PrintWriter(text));
        return text.toString().lines().toList();
    }

    @Test
    void badInputInATaskIsOneLine() {
        SparkException failure = assertThrows(SparkException.class, () -> jsc.parallelize(List.of(1, 2, 3, 4), 2).map(i -> {
            if (i == 4) {
                throw new BadInputException("x", 1, 1, "value is NaN, expected a finite float32 number");
            }
            return i;
        }).collect());
        assertEquals(List.of("sparkprop train: error: column 'x', partition 1, row 1: value is NaN, expected a finite float32 number"),
                report(failure));
        assertFalse(FailureReport.isBug(failure));
    }

    @Test
    void programmingErrorInATaskShowsItsStackTraceAndTheBugLine() {
        SparkException failure = assertThrows(SparkException.class, () -> jsc.parallelize(List.of(1, 2, 3, 4), 2).map(i -> {
            int[] values = new int[2];
            return values[i];
        }).collect());
        List<String> lines = report(failure);
        assertTrue(lines.size() > 5, String.join("\n", lines));
        assertTrue(lines.get(0).startsWith("org.apache.spark.SparkException: Job aborted due to stage failure"), lines.get(0));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("\tat ")), "a stack trace");
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("Caused by: java.lang.ArrayIndexOutOfBoundsException")), "its cause");
        String last = lines.get(lines.size() - 1);
        assertTrue(last.matches("sparkprop train: error: Index [23] out of bounds for length 2; this is a bug in sparkprop.*"), last);
        assertTrue(last.endsWith(FailureReport.REPORT_BUG), last);
    }

    @Test
    void expectedFailuresAreOneLine() {
        assertEquals(List.of("sparkprop train: error: disk full"), report(new IOException("disk full")));
        assertEquals(List.of("sparkprop train: error: bad"), report(new RuntimeException("wrapped", new IllegalArgumentException("bad"))));
        List<String> npe = report(new IllegalStateException("while writing", new NullPointerException("x is null")));
        assertTrue(npe.get(npe.size() - 1).startsWith("sparkprop train: error: x is null; this is a bug"), npe.toString());
    }

    /** Where the task's exception could not be deserialised, Spark's message text is all the driver has. */
    @Test
    void badInputNamedOnlyInSparksMessageText() {
        SparkException failure = new SparkException("Job aborted due to stage failure: Task 0 in stage 2.0 failed 4 times, most recent"
                + " failure: Lost task 0.3 in stage 2.0 (TID 9) (127.0.0.1 executor 1): " + BadInputException.class.getName()
                + ": column 'b', partition 0, row 7: value is NaN, expected a finite float32 number\n\tat io.sparkprop.X.y(X.java:1)\n");
        SparkException cancelled = new SparkException("Job 4 cancelled because " + BadInputException.class.getName()
                + ": column 'b', partition 0, row 7: value is NaN, expected a finite float32 number SQLSTATE: XXKDA");
        assertEquals(List.of("sparkprop train: error: column 'b', partition 0, row 7: value is NaN, expected a finite float32 number"),
                report(failure));
        assertEquals(report(failure), report(cancelled), "the stage cancelled by BadInputCanceller");
        SparkException bug = new SparkException("Job aborted due to stage failure: Task 0 in stage 2.0 failed 4 times, most recent"
                + " failure: Lost task 0.3 in stage 2.0 (TID 9) (127.0.0.1 executor 1): java.lang.NullPointerException: boom\n\tat x");
        assertTrue(FailureReport.isBug(bug));
    }
}
