package io.sparkprop.driver.spark;

import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Where an epoch's wall time goes, one line per epoch at the end of it, on {@link PhaseLog}'s logger (shown
 * with {@code -Dsparkprop.phases=info}), e.g.
 * <pre>
 *   phase epoch 3: 0.55 s, 1.02 s CPU: 2 rounds 0.47 s (broadcast 0.003 s, jobs 0.46 s, driver after the jobs 0.004 s),
 *   validation 0.06 s, other 0.02 s; tasks 0.45 s (each job's longest) of 0.87 s (all), GC pauses 0.004 s
 * </pre>
 * "jobs" is from submitting a round's job to its last partial summed; the tasks' seconds are Spark's executor run
 * time of the jobs (rounds and validation) that ended in the epoch: the longest task of each job added up (what the
 * epoch waited for) and all tasks; what a round's job takes beyond its longest task is scheduling, launching and
 * the results' way back. Tasks' times come from a listener, which Spark informs asynchronously: a job that ends
 * within the listener bus's lag of the epoch's end counts in the next epoch. Off (nothing registered, nothing
 * measured) unless the logger is on.
 */
public final class EpochPhases {
    private static final Logger LOG = LoggerFactory.getLogger(PhaseLog.class);
    private static final Map<SparkContext, TaskTimes> TIMES = Collections.synchronizedMap(new WeakHashMap<>());

    private final Consumer<String> sink;
    private final TaskTimes tasks;
    private long start;
    private long cpu;
    private long gc;
    private double[] tasksAtStart = new double[2];
    private int rounds;
    private double roundSeconds;
    private double broadcastSeconds;
    private double jobSeconds;
    private double afterJobSeconds;
    private double validationSeconds;

    private EpochPhases(SparkContext sc, Consumer<String> sink) {
        this.sink = sink;
        this.tasks = PhaseLog.listenerOf(TIMES, sc, TaskTimes::new);
    }

    /** The epochs' lines on {@code sc}, at INFO on {@link PhaseLog}'s logger; null when that logger is off. */
    public static EpochPhases of(SparkContext sc) {
        return LOG.isInfoEnabled() ? new EpochPhases(sc, LOG::info) : null;
    }

    /** The epochs' lines on {@code sc}, each to {@code sink}. */
    public static EpochPhases of(SparkContext sc, Consumer<String> sink) {
        return new EpochPhases(sc, sink);
    }

    /** An epoch starts now. */
    public void epochStarts() {
        start = System.nanoTime();
        cpu = PhaseLog.processCpuNanos();
        gc = gcMillis();
        tasksAtStart = tasks.totals();
        rounds = 0;
        roundSeconds = broadcastSeconds = jobSeconds = afterJobSeconds = validationSeconds = 0;
    }

    /** A round took {@code seconds} in all, of which the broadcast, its job(s) and the driver's work after them. */
    public void round(double seconds, double broadcast, double job, double afterJob) {
        rounds++;
        roundSeconds += seconds;
        broadcastSeconds += broadcast;
        jobSeconds += job;
        afterJobSeconds += afterJob;
    }

    /** The epoch's validation pass took {@code seconds}. */
    public void validation(double seconds) {
        validationSeconds += seconds;
    }

    /** Epoch {@code epoch} (1-based) has ended: its line. */
    public void epochEnds(long epoch) {
        double seconds = (System.nanoTime() - start) * 1e-9;
        double[] t = tasks.totals();
        sink.accept(String.format(Locale.ROOT, "phase epoch %d: %.3f s, %.2f s CPU: %d round%s %.3f s (broadcast %.3f s, jobs %.3f s,"
                        + " driver after the jobs %.3f s), validation %.3f s, other %.3f s; tasks %.3f s (each job's longest) of"
                        + " %.3f s (all), GC pauses %.3f s", epoch, seconds, (PhaseLog.processCpuNanos() - cpu) * 1e-9, rounds,
                rounds == 1 ? "" : "s", roundSeconds, broadcastSeconds, jobSeconds, afterJobSeconds, validationSeconds,
                seconds - roundSeconds - validationSeconds, t[0] - tasksAtStart[0], t[1] - tasksAtStart[1],
                (gcMillis() - gc) * 1e-3));
    }

    /** The milliseconds this JVM's collectors report (their pauses, for G1 and Parallel). */
    private static long gcMillis() {
        long ms = 0;
        for (GarbageCollectorMXBean bean : ManagementFactory.getGarbageCollectorMXBeans()) {
            ms += Math.max(0, bean.getCollectionTime());
        }
        return ms;
    }

    /** The executor run time of the ended jobs' tasks: each job's longest task, summed, and all tasks. */
    private static final class TaskTimes extends SparkListener {
        /** Stage id -> the longest task run so far, in ms, for stages whose job has not ended. */
        private final Map<Integer, Long> longest = new ConcurrentHashMap<>();
        private long longestSum;
        private long allSum;

        @Override
        public synchronized void onTaskEnd(SparkListenerTaskEnd end) {
            if (end.taskMetrics() == null) {
                return;
            }
            long run = end.taskMetrics().executorRunTime();
            allSum += run;
            longest.merge(end.stageId(), run, Math::max);
        }

        @Override
        public synchronized void onJobEnd(SparkListenerJobEnd end) {
            // a round's or validation's job has one stage; a sharded round's two run one after the other
            // jobs run one at a time in training: a round, then the next, then the validation pass
            longest.values().forEach(ms -> longestSum += ms);
            longest.clear();
        }

        /** {each job's longest task summed, all tasks} in seconds, over the jobs ended so far. */
        synchronized double[] totals() {
            return new double[] {longestSum * 1e-3, allSum * 1e-3};
        }
    }
}
