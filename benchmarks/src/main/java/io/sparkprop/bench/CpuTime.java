package io.sparkprop.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.annotations.Setup;

/**
 * The JMH benchmarks of this module timed in the thread's CPU time instead of wall time, for a machine
 * shared with other work (wall time there counts the time the thread waited for a core): every
 * (parameters, method) pair is measured in turn, round after round, so they all see the same load,
 * and the median and the minimum over the rounds are printed in microseconds per call.
 * <pre>
 *   java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar io.sparkprop.bench.CpuTime \
 *       StepBenchmark 15 forwardBackward,update,step rows=32,64,128,512
 * </pre>
 * Arguments: the benchmark class, the rounds, its methods, then one {@code field=v1,v2,...} per
 * parameter (all combinations are run).
 */
public final class CpuTime {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    /** CPU time one sample aims at. */
    private static final long SAMPLE_NANOS = 20_000_000L;

    private CpuTime() {
    }

    public static void main(String[] args) throws Exception {
        Class<?> type = Class.forName("io.sparkprop.bench." + args[0]);
        int rounds = Integer.parseInt(args[1]);
        String[] methods = args[2].split(",");
        List<String[]> combinations = new ArrayList<>();
        combinations.add(new String[0]);
        for (int a = 3; a < args.length; a++) {
            List<String[]> next = new ArrayList<>();
            for (String[] c : combinations) {
                String name = args[a].substring(0, args[a].indexOf('='));
                for (String v : args[a].substring(name.length() + 1).split(",")) {
                    String[] d = Arrays.copyOf(c, c.length + 1);
                    d[c.length] = name + "=" + v;
                    next.add(d);
                }
            }
            combinations = next;
        }
        List<Object> states = new ArrayList<>();
        List<Method> calls = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (String[] c : combinations) {
            Object state = type.getDeclaredConstructor().newInstance();
            for (String kv : c) {
                Field f = type.getField(kv.substring(0, kv.indexOf('=')));
                String v = kv.substring(kv.indexOf('=') + 1);
                f.set(state, f.getType() == int.class ? (Object) Integer.parseInt(v) : v);
            }
            for (Method m : type.getMethods()) {
                if (m.isAnnotationPresent(Setup.class)) {
                    m.invoke(state);
                }
            }
            for (String name : methods) {
                states.add(state);
                calls.add(type.getMethod(name));
                labels.add(String.join(" ", c) + " " + name);
            }
        }
        int pairs = calls.size();
        long[] perSample = new long[pairs];
        for (int i = 0; i < pairs; i++) {
            perSample[i] = calibrate(states.get(i), calls.get(i));
        }
        double[][] micros = new double[pairs][rounds];
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < pairs; i++) {
                micros[i][r] = sample(states.get(i), calls.get(i), perSample[i]) / 1e3;
            }
        }
        for (int i = 0; i < pairs; i++) {
            double[] s = micros[i].clone();
            Arrays.sort(s);
            System.out.printf(Locale.ROOT, "%-40s median %10.2f us  min %10.2f us  (%d rounds of %d calls)%n", labels.get(i),
                    s[rounds / 2], s[0], rounds, perSample[i]);
        }
    }

    /** Warms the call up (about a second of CPU) and returns the calls that take about {@link #SAMPLE_NANOS}. */
    private static long calibrate(Object state, Method call) throws Exception {
        long calls = 1;
        long spent = 0;
        long total = 0;
        while (total < 1_000_000_000L) {
            long t0 = THREADS.getCurrentThreadCpuTime();
            for (long k = 0; k < calls; k++) {
                call.invoke(state);
            }
            spent = THREADS.getCurrentThreadCpuTime() - t0;
            total += spent;
            if (spent < SAMPLE_NANOS / 4) {
                calls *= 2;
            }
        }
        return Math.max(1, calls * SAMPLE_NANOS / Math.max(1, spent));
    }

    /** CPU nanoseconds per call, over {@code calls} calls. */
    private static double sample(Object state, Method call, long calls) throws Exception {
        long t0 = THREADS.getCurrentThreadCpuTime();
        for (long k = 0; k < calls; k++) {
            call.invoke(state);
        }
        return (double) (THREADS.getCurrentThreadCpuTime() - t0) / calls;
    }
}
