package io.sparkprop.driver.exchange;

import org.apache.spark.BarrierTaskContext;
import org.apache.spark.SparkContext$;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskKilledException;

/**
 * Opens a barrier task's {@link GradientExchange}: through memory when every task of the stage runs
 * in this JVM (local[N], or one executor), else over TCP on the addresses Spark gives the executors.
 * Which one is decided by every task alike ({@link #inOneJvm}).
 */
public final class Exchanges {
    /** How long a task waits for its peers in one phase of a step before it gives up. */
    public static final long TIMEOUT_MILLIS = 10 * 60_000L;
    /**
     * A local property that forces the TCP transport (value {@value #SOCKETS}) even where every task runs in one
     * JVM: for tests of the sockets in local[N].
     */
    public static final String TRANSPORT_PROPERTY = "sparkprop.exchange.transport";
    public static final String SOCKETS = "sockets";

    private Exchanges() {
    }

    /** The exchange of this barrier task among its stage's tasks, for P = {@code parameters}. */
    public static GradientExchange open(BarrierTaskContext context, int parameters) {
        int rank = context.partitionId();
        int tasks = context.getTaskInfos().length;
        Waiting waiting = new Waiting(rank, tasks, TIMEOUT_MILLIS, () -> {
            if (context.isInterrupted()) {
                throw new TaskKilledException("the barrier stage was stopped");
            }
        });
        boolean oneJvm = !SOCKETS.equals(context.getLocalProperty(TRANSPORT_PROPERTY)) && inOneJvm(context);
        if (oneJvm) {
            return new SharedMemoryExchange(new SharedMemoryExchange.GroupKey(SparkEnv.get().conf().getAppId(), context.stageId(),
                    context.stageAttemptNumber()), rank, tasks, parameters, waiting);
        }
        return new SocketExchange(rank, tasks, parameters, host(context.getTaskInfos()[rank].address()), context::allGather, waiting);
    }

    /**
     * Whether every task of the stage runs in this JVM. In local mode the only executor is the driver's (id
     * "driver", which no cluster executor has), so that is known without asking; elsewhere the tasks gather their
     * executor ids. The gathering is not free: Spark's allGather polls its answer once a second, so it adds up to a
     * second of wall time to a barrier job (an epoch), which local mode, a laptop's case, does not pay.
     */
    private static boolean inOneJvm(BarrierTaskContext context) {
        String executor = SparkEnv.get().executorId();
        if (SparkContext$.MODULE$.DRIVER_IDENTIFIER().equals(executor)) {
            return true;
        }
        boolean same = true;
        for (String e : context.allGather(executor)) {
            same &= e.equals(executor);
        }
        return same;
    }

    /** The host of a barrier task's address as Spark gives it, {@code host:port} (the executor's), or the host alone. */
    static String host(String address) {
        int colon = address.lastIndexOf(':');
        String host = colon > 0 && address.substring(colon + 1).matches("[0-9]+") ? address.substring(0, colon) : address;
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /** The shared-memory groups open in this JVM: none once every barrier job has ended. */
    public static int openGroups() {
        return SharedMemoryExchange.openGroups();
    }
}
