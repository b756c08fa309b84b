package io.sparkprop.driver.data;

import org.apache.spark.SparkContext;

/**
 * S, the task slots of a Spark application: how many tasks run at once, and so how many balanced
 * blocks the training rows are dealt into (one round is then one wave of equal tasks).
 * <pre>
 *   S = max(1, defaultParallelism / spark.task.cpus)
 * </pre>
 * defaultParallelism is N for local[N] and, on a cluster, the executors' cores in total (at least 2)
 * unless spark.default.parallelism sets it, counted when the fit starts (executors still registering, or
 * dynamic allocation, count as fewer: set spark.scheduler.minRegisteredResourcesRatio, or pin S);
 * data.partitions pins S instead (a resumed run must keep the S its checkpoint recorded).
 */
public final class TaskSlots {
    private TaskSlots() {
    }

    public static int of(SparkContext sc) {
        int cpus = Math.max(1, sc.conf().getInt("spark.task.cpus", 1));
        return Math.max(1, sc.defaultParallelism() / cpus);
    }
}
