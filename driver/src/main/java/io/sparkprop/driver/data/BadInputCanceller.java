package io.sparkprop.driver.data;

import org.apache.spark.ExceptionFailure;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

import java.util.Optional;

/**
 * Fails a job at the first task that found bad input, instead of letting Spark retry it.
 * <p>
 * A task that throws counts as a task failure and is retried up to {@code spark.task.maxFailures}
 * times (1 in local mode, 4 on a cluster by default). Bad data are deterministic, so every retry reads
 * the partition again only to fail the same way, on a large partition for minutes. Spark offers no
 * way for a task to say "do not retry" ({@code TaskFailedReason.countTowardsTaskFailures} is fixed per
 * reason type, and an exception is always an {@code ExceptionFailure} that counts), and lowering
 * {@code spark.task.maxFailures} would also stop retries after a lost executor. So this listener
 * watches the driver's task-end events and cancels the stage when a task failed with a
 * {@link BadInputException} (found in the failure's text, which also covers Spark SQL's writers
 * wrapping it in a SparkException). The job then fails with "Job N cancelled because
 * io.sparkprop.driver.data.BadInputException: ...", which {@link InputErrors#find} reads back. A retry
 * already started when the event arrives is killed by the cancellation.
 */
public final class BadInputCanceller extends SparkListener {
    private final SparkContext sc;

    private BadInputCanceller(SparkContext sc) {
        this.sc = sc;
    }

    /** Contexts that have one: the command line's sessions and those the Spark ML estimators fit in. */
    private static final java.util.Map<SparkContext, Boolean> REGISTERED =
            java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    /** Adds the listener to {@code sc}, unless it has one already. */
    public static void register(SparkContext sc) {
        if (REGISTERED.putIfAbsent(sc, Boolean.TRUE) == null) {
            sc.addSparkListener(new BadInputCanceller(sc));
        }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
        if (!(end.reason() instanceof ExceptionFailure)) {
            return;
        }
        Optional<String> bad = InputErrors.inText(((ExceptionFailure) end.reason()).toErrorString());
        bad.ifPresent(message -> sc.cancelStage(end.stageId(), BadInputException.class.getName() + ": " + message));
    }
}
