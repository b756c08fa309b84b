package io.sparkprop.driver.train;

import io.sparkprop.core.data.DataBlock;
import io.sparkprop.core.nn.ParameterLayout;
import io.sparkprop.driver.config.Choice;
import org.apache.spark.ContextCleaner;
import org.apache.spark.Partitioner;
import org.apache.spark.ShuffleDependency;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import scala.Tuple2;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction2;
import scala.runtime.BoxedUnit;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.function.Function;

/**
 * Runs one round (an iteration, or K local steps) as a Spark job: broadcasts one array, runs a
 * {@link PartitionTask} on every cached block, and adds the partitions' partial sums
 * {@code [payload (B arrays of the P parameters) | lossSum, weightSum, rows]} (length L)
 * DETERMINISTICALLY: always in partition-id order, in double, whatever order the tasks finish in.
 * (Spark's reduce and treeAggregate merge in completion order, and float addition is not
 * associative, so they would give different bits from run to run.) Two ways, the same bits
 * (train.aggregation):
 * <ul>
 *   <li>driver: each task's partial is handed to the driver as it arrives and added at once when
 *       every lower partition's has been; one that arrives early waits in its partition's slot. One
 *       stage, and the sum overlaps the slower tasks, but the driver may hold up to n - 1 waiting
 *       partials (and Spark's spark.driver.maxResultSize counts all n);</li>
 *   <li>sharded (reduce-scatter): each task cuts its partial into S slices, S = min(n, Spark's default
 *       parallelism: the task slots), with bounds that never cut a first-layer row
 *       ({@link PartialSum#sliceBounds}); a shuffle brings slice s of every
 *       partition to reduce task s, which sums them in partition order in double; the driver copies
 *       the S summed slices into place. The driver holds one sum whatever n, and the adding is spread
 *       over S tasks; the price is a second stage and shuffle files, removed after every round.</li>
 * </ul>
 * Partials travel as {@link PartialSum}s, column-sparse in the first layer when that is smaller
 * (train.sparseTransfer). The mean payload is {@code sum / weightSum} rounded to float (the weighted
 * mean gradient {@code sum_i w_i grad_i / sum_i w_i} of a synchronous iteration; the weighted mean
 * parameter change of a round of local steps, whose partitions send their change times their
 * weight). Unweighted, every w_i = 1 and weightSum is the row count. A round of total weight 0 has
 * mean 0.
 *
 * <p>Driver memory for aggregation: the sum (8 L bytes) and the mean (4 L), 12 L bytes with sharded
 * aggregation at any n (its slice results arrive one at a time and are copied into the sum); driver
 * aggregation adds up to n - 1 waiting partials (4 L bytes each, less when column-sparse), which
 * train.aggregation=auto allows only while they fit in 1/8 of the driver heap.
 */
final class GradientAggregator {
    /** One partition's share of a round, run on the executor. */
    interface PartitionTask extends Serializable {
        /** {@code [payload (B P floats), lossSum, weightSum, rows]} of this partition's block. */
        float[] partial(int partition, DataBlock block);
    }

    /**
     * train.aggregation's auto: driver aggregation while its worst case, n - 1 waiting partials,
     * stays within this fraction of the driver's heap (and half of spark.driver.maxResultSize, which
     * counts every task's result); sharded beyond. Sharded costs a second stage and a shuffle per
     * round (BENCHMARKS.md: 30-40 ms more per round at 7 partitions here), so it is kept for when the
     * memory needs it.
     */
    static final double DRIVER_AGGREGATION_HEAP_FRACTION = 1.0 / 8;

    private final JavaSparkContext sc;
    private final JavaRDD<DataBlock> blocks;
    private final int partitions;
    private final boolean sharded;
    private final boolean sparse;
    private final int parameters;
    private final int n0;
    private final int n1;
    /** Arrived partials waiting for a lower partition's: slot p, or null. */
    private final PartialSum[] waiting;
    /** The next partition to add to the sum. */
    private int next;
    private double[] sum;
    private float[] mean;
    private Broadcast<float[]> previous;
    /** The bytes of partials the running round has moved so far. */
    private long partialBytes;

    /**
     * @param partitions  the number of cached blocks
     * @param layout      the network's parameter layout (P, and the first layer's shape)
     * @param aggregation train.aggregation
     * @param sparse      train.sparseTransfer
     * @param maxResult   the bytes of spark.driver.maxResultSize (0: no limit)
     */
    GradientAggregator(JavaSparkContext sc, JavaRDD<DataBlock> blocks, int partitions, ParameterLayout layout,
                       Choice.Aggregation aggregation, boolean sparse, long maxResult) {
        this.sc = sc;
        this.blocks = blocks;
        this.partitions = partitions;
        this.sharded = partitions > 1 && switch (aggregation) {
            case DRIVER -> false;
            case SHARDED -> true;
            case AUTO -> !driverFits(maxResult, partitions, layout.size());
        };
        this.sparse = sparse;
        this.parameters = layout.size();
        this.n0 = layout.inputWidth();
        this.n1 = layout.width(1);
        this.waiting = new PartialSum[partitions];
        this.sum = new double[3];
        this.mean = new float[0];
    }

    /**
     * Whether driver aggregation's worst case, n - 1 partials of 3 P + 3 floats (a round of local
     * steps with Adam's two moments travelling: the largest payload) waiting at once, fits auto's budget.
     */
    static boolean driverFits(long maxResult, int partitions, int parameters) {
        long partial = 4L * (3L * parameters + 3);
        long budget = (long) (Runtime.getRuntime().maxMemory() * DRIVER_AGGREGATION_HEAP_FRACTION);
        if (maxResult > 0) {
            budget = Math.min(budget, maxResult / 2);
        }
        return (partitions - 1) * partial <= budget;
    }

    /** Whether rounds are summed by the sharded (reduce-scatter) stage rather than on the driver. */
    boolean sharded() {
        return sharded;
    }

    /**
     * Broadcasts {@code value} (copied), runs {@code task} (made for that broadcast) on every
     * partition and sums the partials, each {@code payloadBlocks} arrays of the parameters and the
     * three statistics: the round, described by the record returned (its mean a buffer reused by the
     * next run). The broadcast is destroyed on the next run or on close.
     */
    RoundSums run(float[] value, int payloadBlocks, Function<Broadcast<float[]>, PartitionTask> task) {
        long t0 = System.nanoTime();
        Broadcast<float[]> b = sc.broadcast(value.clone());
        Shape shape = new Shape(task.apply(b), payloadBlocks, parameters, n0, n1, sparse);
        long t1 = System.nanoTime();
        int length = payloadBlocks * parameters + 3;
        if (sum.length != length) {
            // the payload's length is fixed for a run's rounds (it changes only after the timing rounds)
            sum = new double[length];
            mean = new float[length - 3];
        }
        Arrays.fill(sum, 0);
        partialBytes = 0;
        if (sharded) {
            runSharded(shape);
        } else {
            next = 0;
            sc.sc().runJob(blocks.rdd(), new OnePartition(shape), new AbstractFunction2<Object, PartialSum, BoxedUnit>() {
                @Override
                public BoxedUnit apply(Object partition, PartialSum partial) {
                    arrived((Integer) partition, partial);
                    return BoxedUnit.UNIT;
                }
            }, ClassTag$.MODULE$.apply(PartialSum.class));
            if (next != partitions) {
                throw new IllegalStateException("round ended with partition " + next + "'s partial missing");
            }
        }
        long t2 = System.nanoTime();
        int p = mean.length;
        double count = sum[p + 1];
        for (int j = 0; j < p; j++) {
            mean[j] = count > 0 ? (float) (sum[j] / count) : 0f;
        }
        if (previous != null) {
            previous.destroy();
        }
        previous = b;
        long t3 = System.nanoTime();
        return new RoundSums(mean, sum[p], sum[p + 1], (long) sum[p + 2], (t1 - t0) * 1e-9, (t2 - t1) * 1e-9,
                (t3 - t2) * 1e-9, partialBytes);
    }

    /**
     * The reduce-scatter: map tasks cut their partial into slices keyed by slice index, the shuffle
     * groups them, reduce task s sums its slices in partition order and its result is copied into
     * {@code sum[bounds[s], bounds[s + 1])} as it arrives. The round's shuffle files are removed after.
     */
    private void runSharded(Shape shape) {
        int[] bounds = PartialSum.sliceBounds(shape.blocks(), parameters, n0, n1,
                sliceCount(partitions, (long) shape.blocks() * parameters + 3, sc.defaultParallelism()));
        int slices = bounds.length - 1;
        int n = partitions;
        JavaPairRDD<Integer, PartialSum> sliced = JavaPairRDD.fromJavaRDD(blocks.mapPartitionsWithIndex(
                (Function2<Integer, Iterator<DataBlock>, Iterator<Tuple2<Integer, PartialSum>>>) (partition, it) -> {
                    PartialSum whole = shape.partial(partition, it.next());
                    List<Tuple2<Integer, PartialSum>> out = new ArrayList<>(slices);
                    for (int s = 0; s < slices; s++) {
                        out.add(new Tuple2<>(s, whole.slice(bounds[s], bounds[s + 1])));
                    }
                    return out.iterator();
                }, true));
        JavaPairRDD<Integer, PartialSum> shuffled = sliced.partitionBy(new SlicePartitioner(slices));
        JavaRDD<SliceSum> summed = shuffled.mapPartitionsWithIndex(
                (Function2<Integer, Iterator<Tuple2<Integer, PartialSum>>, Iterator<SliceSum>>) (slice, it) -> {
                    List<PartialSum> parts = new ArrayList<>(n);
                    it.forEachRemaining(t -> parts.add(t._2()));
                    if (parts.size() != n) {
                        throw new IllegalStateException("slice " + slice + " got " + parts.size() + " partials, expected " + n);
                    }
                    parts.sort(Comparator.comparingInt(PartialSum::partition));
                    int lo = bounds[slice];
                    double[] total = new double[bounds[slice + 1] - lo];
                    long bytes = 0;
                    for (PartialSum part : parts) {
                        part.addTo(total, lo);
                        bytes += part.bytes();
                    }
                    return Collections.singletonList(new SliceSum(slice, total, bytes)).iterator();
                }, true);
        try {
            sc.sc().runJob(summed.rdd(), new OneSlice(), new AbstractFunction2<Object, SliceSum, BoxedUnit>() {
                @Override
                public BoxedUnit apply(Object slice, SliceSum result) {
                    System.arraycopy(result.total, 0, sum, bounds[result.slice], result.total.length);
                    partialBytes += result.bytes;
                    return BoxedUnit.UNIT;
                }
            }, ClassTag$.MODULE$.apply(SliceSum.class));
        } finally {
            int shuffleId = ((ShuffleDependency<?, ?, ?>) shuffled.rdd().dependencies().head()).shuffleId();
            // Spark removes a shuffle's files only once its RDD is garbage-collected on the driver, and a
            // round writes n partials' worth: they go now (not blocking; the next round need not wait)
            scala.Option<ContextCleaner> cleaner = sc.sc().cleaner();
            if (cleaner.isDefined()) {
                cleaner.get().doCleanupShuffle(shuffleId, false);
            }
        }
    }

    /** The most bytes of partials one reduce task of the sharded sum holds: its slice of every partition's partial. */
    static final long SLICE_TASK_BYTES = 64L << 20;

    /**
     * S, the slices a sharded round cuts every partial into: one per task slot (at most one per
     * partition; more would only queue), and more where that is needed to keep a reduce task's n
     * slices, {@code n x length / S} floats held to be added in partition order, within
     * {@link #SLICE_TASK_BYTES}: 9.8M parameters on 64 partitions and 2 slots are 38 slices, each reduce
     * task holding 64 x 1 MB (2 slices would hold 1.25 GB each). At most 4096 slices. The slices do not change the bits: every
     * element is still the same partition-order sum.
     */
    static int sliceCount(int partitions, long length, int slots) {
        int bySlots = Math.max(1, Math.min(partitions, slots));
        long byMemory = (partitions * length * Float.BYTES + SLICE_TASK_BYTES - 1) / SLICE_TASK_BYTES;
        return (int) Math.min(Math.max(bySlots, byMemory), Math.min(4096, length));
    }

    /**
     * Partition {@code partition}'s partial has arrived (on Spark's scheduler thread, one at a time):
     * add it, and every waiting one after it, if all lower partitions' are in; else let it wait.
     */
    private void arrived(int partition, PartialSum partial) {
        partialBytes += partial.bytes();
        waiting[partition] = partial;
        while (next < partitions && waiting[next] != null) {
            waiting[next].addTo(sum, 0);
            waiting[next++] = null;
        }
    }

    /** Destroys the last broadcast. */
    void close() {
        if (previous != null) {
            previous.destroy();
            previous = null;
        }
    }

    /**
     * What a task needs besides its block: the round's task, and how to wrap its partial ({@code blocks}
     * payload arrays of the {@code parameters}; the first layer n1 x n0, for column-sparse partials).
     */
    private record Shape(PartitionTask task, int blocks, int parameters, int n0, int n1, boolean sparse) implements Serializable {
        PartialSum partial(int partition, DataBlock block) {
            return PartialSum.of(partition, task.partial(partition, block), blocks, parameters, n0, n1, sparse);
        }
    }

    /** Slice index s -> reduce task s. */
    private static final class SlicePartitioner extends Partitioner {
        private static final long serialVersionUID = 1L;
        private final int slices;

        SlicePartitioner(int slices) {
            this.slices = slices;
        }

        @Override
        public int numPartitions() {
            return slices;
        }

        @Override
        public int getPartition(Object key) {
            return (Integer) key;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof SlicePartitioner && ((SlicePartitioner) o).slices == slices;
        }

        @Override
        public int hashCode() {
            return slices;
        }
    }

    /** A round's task: partition p's partial from its one cached block. */
    private static final class OnePartition extends AbstractFunction2<TaskContext, scala.collection.Iterator<DataBlock>, PartialSum>
            implements Serializable {
        private static final long serialVersionUID = 1L;
        private final Shape shape;

        OnePartition(Shape shape) {
            this.shape = shape;
        }

        @Override
        public PartialSum apply(TaskContext context, scala.collection.Iterator<DataBlock> blocks) {
            return shape.partial(context.partitionId(), blocks.next());
        }
    }

    /** A slice task's one result. */
    private static final class OneSlice extends AbstractFunction2<TaskContext, scala.collection.Iterator<SliceSum>, SliceSum>
            implements Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public SliceSum apply(TaskContext context, scala.collection.Iterator<SliceSum> sums) {
            return sums.next();
        }
    }
}
