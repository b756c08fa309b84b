package io.sparkprop.driver.exchange;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Phaser;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The exchange of W tasks that all run in this JVM (local[N], one executor): through memory. The
 * group (one per barrier stage attempt, in a per-JVM registry) holds a reference to every task's
 * partial and the summed mean; a step is two phases of one {@link Phaser}:
 * <pre>
 *   post partial_rank; wait        every partial is in
 *   sum slice rank of all W partials into shared[parity], note if it is finite; wait        every slice is in
 *   mean <- shared[parity]; finite <- every slice's note
 * </pre>
 * The mean is double-buffered by the step's parity: task t writes shared[parity] again only two steps
 * later, after every task has passed the next step's first wait and so has copied it (the slices' notes
 * alike). Each task scans only its own slice for NaN and infinity, P / W entries, not all P. A task posts its
 * next partial only after the second wait, when no one reads its previous one any more. Nothing is
 * allocated per step.
 */
final class SharedMemoryExchange implements GradientExchange {
    private static final Map<GroupKey, Group> GROUPS = new ConcurrentHashMap<>();

    private final Group group;
    private final GroupKey key;
    private final int rank;
    private final Slices slices;
    private final Waiting waiting;
    private int parity;

    /**
     * Joins (or opens) the group {@code key} of {@code tasks} tasks as task {@code rank}, for P = {@code parameters}.
     * Opening it drops the groups of the stage's earlier attempts, which a task that failed before joining leaves behind.
     */
    SharedMemoryExchange(GroupKey key, int rank, int tasks, int parameters, Waiting waiting) {
        this.key = key;
        this.rank = rank;
        this.slices = new Slices(parameters, tasks);
        this.waiting = waiting;
        this.group = GROUPS.computeIfAbsent(key, k -> new Group(tasks, parameters));
        GROUPS.keySet().removeIf(k -> k.sameStage(key) && k.attempt() < key.attempt());
    }

    /** The groups open in this JVM (for tests: none once every job has ended). */
    static int openGroups() {
        return GROUPS.size();
    }

    @Override
    public boolean mean(float[] gradient, float[] stats, float[] mean, double[] totals) {
        int p = mean.length;
        group.partials[rank] = gradient;
        group.stats[rank] = stats;
        await("every partial");
        totals[0] = 0;
        totals[1] = 0;
        totals[2] = 0;
        for (float[] part : group.stats) {
            Slices.addTotals(totals, part, 0);
        }
        float[] shared = group.means[parity];
        int lo = slices.lo(rank);
        int n = slices.length(rank);
        slices.clear();
        for (float[] part : group.partials) {
            slices.add(part, lo, n);
        }
        slices.meanInto(shared, lo, n, totals[1]);
        boolean[] finite = group.finite[parity];
        finite[rank] = Slices.finite(shared, lo, lo + n);
        await("every summed slice");
        System.arraycopy(shared, 0, mean, 0, p);
        parity ^= 1;
        for (boolean f : finite) {
            if (!f) {
                return false;
            }
        }
        return true;
    }

    /** Arrives at the group's phaser and waits for the others, polling; a peer's failure ends the wait at once. */
    private void await(String what) {
        int phase = group.phaser.arrive();
        long deadline = waiting.deadline();
        while (true) {
            RuntimeException failed = group.failure;
            if (failed != null) {
                throw new IllegalStateException("synchronous exchange: a task of the group failed", failed);
            }
            try {
                group.phaser.awaitAdvanceInterruptibly(phase, Waiting.POLL_MILLIS, TimeUnit.MILLISECONDS);
                return;
            } catch (TimeoutException e) {
                try {
                    waiting.check(deadline, what);
                } catch (RuntimeException stop) {
                    group.failure = stop;
                    throw stop;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                group.failure = new IllegalStateException("synchronous exchange: task " + rank + " interrupted");
                throw group.failure;
            }
        }
    }

    @Override
    public void abort(RuntimeException cause) {
        if (group.failure == null) {
            group.failure = cause;
        }
    }

    @Override
    public void close() {
        if (group.left.decrementAndGet() == 0) {
            GROUPS.remove(key, group);
        }
    }

    /** A barrier stage attempt of an application. */
    record GroupKey(String application, int stage, int attempt) {
        boolean sameStage(GroupKey o) {
            return o.application.equals(application) && o.stage == stage;
        }
    }

    /** The tasks' shared arrays of one barrier stage attempt. */
    private static final class Group {
        final float[][] partials;
        final float[][] stats;
        final float[][] means;
        /** Per parity, whether slice t of the mean is finite. */
        final boolean[][] finite;
        final Phaser phaser;
        final AtomicInteger left;
        volatile RuntimeException failure;

        Group(int tasks, int parameters) {
            partials = new float[tasks][];
            stats = new float[tasks][];
            means = new float[2][parameters];
            finite = new boolean[2][tasks];
            phaser = new Phaser(tasks);
            left = new AtomicInteger(tasks);
        }
    }
}
