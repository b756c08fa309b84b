package io.sparkprop.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * A JMH profiler that reports the benchmark JVM's CPU time per operation ({@code ·cpu}, µs/op) next to
 * the wall time: on a machine shared with other work the wall time also counts the time the benchmark
 * thread waited for a core, the CPU time does not. All the JVM's live threads count (after warm-up
 * the compiler and the collector add little to a benchmark that allocates nothing).
 * <pre>
 *   java -jar benchmarks/target/benchmarks.jar StepBenchmark -prof io.sparkprop.bench.CpuTimeProfiler
 * </pre>
 */
public final class CpuTimeProfiler implements InternalProfiler {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private long start;

    @Override
    public String getDescription() {
        return "CPU time of the benchmark JVM per operation";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmark, IterationParams iteration) {
        start = cpuNanos();
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmark, IterationParams iteration,
                                                       IterationResult result) {
        long ops = Math.max(1, result.getMetadata().getMeasuredOps());
        double micros = (cpuNanos() - start) / 1e3 / ops;
        return List.of(new ScalarResult("cpu", micros, "us/op", AggregationPolicy.AVG));
    }

    /**
     * The CPU time of the JVM's live threads, each read to the nanosecond (the process total the OS
     * bean gives is counted in 10 ms ticks on Linux, too coarse for an iteration of a few dozen calls).
     */
    private static long cpuNanos() {
        long sum = 0;
        for (long id : THREADS.getAllThreadIds()) {
            sum += Math.max(0, THREADS.getThreadCpuTime(id));
        }
        return sum;
    }
}
