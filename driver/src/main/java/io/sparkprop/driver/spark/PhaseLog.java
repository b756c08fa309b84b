package io.sparkprop.driver.spark;

import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The phases from the command to the first training step (read, split, statistics, blocks, ...), one
 * line each when it ends: its seconds, the Spark jobs it started, and the seconds since the JVM started
 * (what a user waits from the command, less the launcher's few milliseconds), e.g.
 * {@code phase read: 0.42 s, 0.61 s CPU, 1 Spark job (3.10 s since launch)}. Jobs are counted by a listener, which
 * Spark informs asynchronously: a job's count can land in the phase after it by the few milliseconds
 * the listener bus lags.
 */
public final class PhaseLog {
    private static final Logger LOG = LoggerFactory.getLogger(PhaseLog.class);
    /** One job counter per context, added once and left for the context's life (a listener costs nothing between jobs). */
    private static final Map<SparkContext, JobCounter> COUNTERS = Collections.synchronizedMap(new WeakHashMap<>());

    private final Consumer<String> sink;
    private final JobCounter jobs;
    private long phaseStart = System.nanoTime();
    private long phaseCpu = processCpuNanos();
    private int phaseJobs;

    private PhaseLog(SparkContext sc, Consumer<String> sink) {
        this.sink = sink;
        this.jobs = listenerOf(COUNTERS, sc, JobCounter::new);
        this.phaseJobs = jobs.count();
    }

    /** Phases on {@code sc}, logged at INFO; the first phase starts now. */
    public static PhaseLog start(SparkContext sc) {
        return start(sc, LOG::info);
    }

    /** Phases on {@code sc}, each line to {@code sink}; the first phase starts now. */
    public static PhaseLog start(SparkContext sc, Consumer<String> sink) {
        return new PhaseLog(sc, sink);
    }

    /** Ends the current phase, naming it {@code phase}, and starts the next one. */
    public void end(String phase) {
        long now = System.nanoTime();
        long cpu = processCpuNanos();
        int started = jobs.count();
        int n = started - phaseJobs;
        sink.accept(String.format(Locale.ROOT, "phase %s: %.2f s, %.2f s CPU, %d Spark job%s (%.2f s since launch)", phase,
                (now - phaseStart) / 1e9, (cpu - phaseCpu) / 1e9, n, n == 1 ? "" : "s", sinceLaunch()));
        phaseStart = now;
        phaseCpu = cpu;
        phaseJobs = started;
    }

    /**
     * The line for Spark's start, which no PhaseLog can watch (there is no context yet): the seconds
     * {@code startNanos} (a {@link System#nanoTime()} taken before the session was built) took until now.
     */
    public static void sparkStarted(long startNanos) {
        LOG.info(String.format(Locale.ROOT, "phase spark start: %.2f s (%.2f s since launch, %.2f s CPU since launch)",
                (System.nanoTime() - startNanos) / 1e9, sinceLaunch(), processCpuNanos() / 1e9));
    }

    /** The listener {@code listeners} keeps for {@code sc}, made and added to it the first time it is asked for. */
    static <L extends SparkListener> L listenerOf(Map<SparkContext, L> listeners, SparkContext sc, Supplier<L> make) {
        return listeners.computeIfAbsent(sc, context -> {
            L listener = make.get();
            context.addSparkListener(listener);
            return listener;
        });
    }

    /**
     * The CPU time of every thread of this JVM (Spark's local tasks, the JIT and the collector included): on a
     * shared machine it tells the work a phase did apart from the time it waited for a core.
     */
    static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : 0;
    }

    private static double sinceLaunch() {
        return ManagementFactory.getRuntimeMXBean().getUptime() / 1e3;
    }

    /** Counts the jobs Spark starts. */
    private static final class JobCounter extends SparkListener {
        private final AtomicInteger started = new AtomicInteger();

        @Override
        public void onJobStart(SparkListenerJobStart start) {
            started.incrementAndGet();
        }

        int count() {
            return started.get();
        }
    }
}
