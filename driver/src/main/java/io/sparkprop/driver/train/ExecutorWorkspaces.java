package io.sparkprop.driver.train;

import io.sparkprop.core.data.DataBlock;
import io.sparkprop.core.data.EpochOrder;
import io.sparkprop.core.matrix.CsrMatrix;
import io.sparkprop.core.nn.Batch;
import io.sparkprop.core.nn.Dropout;
import io.sparkprop.core.nn.Network;
import io.sparkprop.core.nn.NetworkSpec;
import io.sparkprop.core.nn.ParameterLayout;
import io.sparkprop.core.nn.Workspace;
import io.sparkprop.core.optim.ParameterRanges;
import io.sparkprop.core.optim.UpdateRule;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Executor-side scratch memory, one static cache per JVM, so that after the first iteration a task
 * allocates nothing (a column-sparse partial aside). It lives here and never in a serialised object:
 * tasks carry only the network spec and ask for their buffers by (spec, batch capacity).
 * <ul>
 *   <li>{@link Scratch} (network, workspace, gradient buffer, index scratch, result array): one per
 *       task thread and key, since executor threads run tasks concurrently;</li>
 *   <li>epoch orders: one per (seed, partition, rows), reshuffled when the epoch changes. The order
 *       is a pure function of (seed, epoch, partition), so sharing it is safe.</li>
 * </ul>
 * Both are bounded, so that a long-lived JVM fitting many models (a CrossValidator sweep) does not
 * keep every fit's buffers: a thread keeps the scratch of its {@link #SHAPES_PER_THREAD} most recently
 * used shapes, and the orders are dropped all at once when they pass {@link #MAX_ORDERS} (and
 * {@link #release} drops them when a fit ends). A dropped order is rebuilt, the same, when asked for.
 */
final class ExecutorWorkspaces {
    /** Shapes (spec, batch capacity) whose scratch a task thread keeps: the training and evaluation ones, and a few more. */
    static final int SHAPES_PER_THREAD = 4;
    /** Epoch orders kept in a JVM: one per partition of a run, for runs of up to this many partitions together. */
    static final int MAX_ORDERS = 4096;
    private static final ThreadLocal<ThreadCache> THREAD = ThreadLocal.withInitial(ThreadCache::new);
    private static final Map<OrderKey, PartitionOrder> ORDERS = new ConcurrentHashMap<>();

    private ExecutorWorkspaces() {
    }

    /** This thread's buffers for batches of up to {@code capacity} rows of this network. */
    static Scratch scratch(NetworkSpec spec, int capacity) {
        ThreadCache cache = THREAD.get();
        Scratch s = cache.last;
        if (s == null || s.capacity != capacity || !s.spec.equals(spec)) {
            s = cache.scratch.computeIfAbsent(new Key(spec, capacity), k -> new Scratch(spec, capacity));
            cache.last = s;
        }
        return s;
    }

    /**
     * Gathers rows {@code [from, to)} of the block's shuffled order for {@code epoch} into
     * {@code batch}. The order array is reshuffled in place only when the epoch moves on.
     */
    static void gatherEpochSlice(DataBlock block, long seed, long epoch, int partition, int from, int to, Batch batch) {
        OrderKey probe = THREAD.get().probe;
        probe.seed = seed;
        probe.partition = partition;
        probe.rows = block.rows();
        PartitionOrder order = ORDERS.get(probe);
        if (order == null) {
            if (ORDERS.size() >= MAX_ORDERS) {
                ORDERS.clear();
            }
            order = ORDERS.computeIfAbsent(new OrderKey(seed, partition, block.rows()), k -> new PartitionOrder(k.rows));
        }
        synchronized (order) {
            if (order.epoch != epoch) {
                EpochOrder.shuffle(order.order, block.rows(), seed, epoch, partition);
                order.epoch = epoch;
            }
            block.gather(order.order, from, to, batch);
        }
    }

    /** Drops this JVM's epoch orders (a fit has ended; one still running rebuilds its own, the same). */
    static void release() {
        ORDERS.clear();
    }

    /**
     * The gradient sum over rows {@code [from, to)} of the epoch's shuffled order at {@code params},
     * left in {@code s.gradient} [P]; returns the loss sum. Hidden units are dropped with the masks of
     * (global optimizer step {@code step}, {@code partition}, each row's index in the block): the
     * same in every recomputation of the task.
     *
     * <p>{@code s.ranges} says which entries hold the sum: all of them, or with {@code touched} and a
     * sparse batch only W1's columns that the batch's rows touched and everything after W1 (a sparse
     * row's gradient is zero in the other columns). Only those entries are zeroed and written, so a
     * touched step costs O(touched columns x n1 + the other layers) instead of O(P); the other W1 entries
     * keep whatever an earlier batch left there and must not be read. A dense pass overwrites the sum
     * without zeroing it first ({@link Network#gradientSum}).
     */
    static double gradientSum(Scratch s, DataBlock block, long seed, long epoch, int partition, int from, int to, float[] params,
                              Dropout dropout, long step, boolean touched) {
        Workspace ws = s.workspace;
        Batch batch = ws.batch();
        gatherEpochSlice(block, seed, epoch, partition, from, to, batch);
        ParameterLayout layout = s.network.layout();
        if (touched && batch.isSparse()) {
            CsrMatrix x = batch.sparse();
            s.ranges.setColumns(x.indices(), x.indptr()[0], x.indptr()[x.rows()], layout.inputWidth(), layout.width(1), layout.size());
            s.ranges.zero(s.gradient);
            return s.network.forwardBackward(params, ws, s.gradient, dropout, step, partition);
        }
        s.ranges.setAll(layout.size());
        return s.network.gradientSum(params, ws, s.gradient, dropout, step, partition);
    }

    /**
     * The task's result array of {@code length} floats, reused by the tasks of this thread: Spark
     * serialises a task's result on the task's own thread as soon as the task returns (and a shuffle
     * writes its records inside the task), so the array is free again when the thread's next task
     * starts. Zeroed only when {@code zeroed}; otherwise the caller writes every element.
     */
    static float[] result(Scratch s, int length, boolean zeroed) {
        if (s.result == null || s.result.length != length) {
            s.result = new float[length];
        } else if (zeroed) {
            Arrays.fill(s.result, 0f);
        }
        return s.result;
    }

    /**
     * One task thread's buffers, the last ones it used (tasks of one run ask for the same ones every
     * iteration, so the common case compares and returns without allocating a key) and a reusable
     * key to look epoch orders up with.
     */
    private static final class ThreadCache {
        /** Least recently used first; the eldest goes when a shape beyond {@link #SHAPES_PER_THREAD} comes. */
        final Map<Key, Scratch> scratch = new LinkedHashMap<>(8, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Scratch> eldest) {
                return size() > SHAPES_PER_THREAD;
            }
        };
        final OrderKey probe = new OrderKey(0, 0, 0);
        Scratch last;
    }

    /** Reusable per-thread buffers for one network shape and batch capacity. */
    static final class Scratch {
        final NetworkSpec spec;
        final int capacity;
        final Network network;
        final Workspace workspace;
        final float[] gradient;
        /** The entries of {@link #gradient} the last {@link #gradientSum} wrote. */
        final ParameterRanges ranges = new ParameterRanges();
        final int[] indices;
        /** A partition's own copy of the parameters during a round of local steps. */
        final float[] parameters;
        /** The inner update rule of local steps, reused by the tasks of one run ({@link #innerRun}). */
        UpdateRule inner;
        String innerRun;
        /** The last task's result ({@link #result}). */
        float[] result;

        private Scratch(NetworkSpec spec, int capacity) {
            this.spec = spec;
            this.capacity = capacity;
            network = new Network(spec);
            workspace = network.newWorkspace(capacity);
            gradient = new float[network.layout().size()];
            indices = new int[capacity];
            parameters = new float[network.layout().size()];
        }
    }

    /**
     * This thread's inner update rule for the run {@code run} (built once from {@code config}); its
     * step count and state are set by the caller at the start of every task.
     */
    static UpdateRule innerRule(Scratch s, String run, TrainingConfig config, long iterationsPerEpoch, long totalIterations) {
        if (s.inner == null || !run.equals(s.innerRun)) {
            s.inner = config.newUpdateRule(s.network.layout(), iterationsPerEpoch, totalIterations);
            s.innerRun = run;
        }
        return s.inner;
    }

    private static final class PartitionOrder {
        final int[] order;
        long epoch = -1;

        PartitionOrder(int rows) {
            order = new int[rows];
        }
    }

    /** A scratch's shape: the network and the batch capacity. */
    private record Key(NetworkSpec spec, int capacity) {
    }

    /** Mutable only for the per-thread lookup probe; keys stored in the map are never changed. */
    private static final class OrderKey {
        long seed;
        int partition;
        int rows;

        OrderKey(long seed, int partition, int rows) {
            this.seed = seed;
            this.partition = partition;
            this.rows = rows;
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof OrderKey)) {
                return false;
            }
            OrderKey k = (OrderKey) o;
            return k.seed == seed && k.partition == partition && k.rows == rows;
        }

        @Override
        public int hashCode() {
            return 31 * (31 * Long.hashCode(seed) + partition) + rows;
        }
    }
}
