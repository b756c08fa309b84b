package io.sparkprop.driver.train;

import io.sparkprop.core.data.DataBlock;
import org.apache.spark.Partitioner;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
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
 * {@code [payload_1..payload_L, lossSum, weightSum, rows]} DETERMINISTICALLY:
 * always in partition-id order, whatever order the tasks finish in. (Spark's reduce and
 * treeAggregate merge in completion order, and float addition is not associative, so they would
 * give different bits from run to run.)
 * <ul>
 *   <li>up to {@code treeThreshold} partitions: each task's array is handed to the driver as it
 *       arrives and added at once when every lower partition's has been; one that arrives early
 *       waits in its partition's slot. The sum thus overlaps the slower tasks, and the driver holds
 *       only the arrays that came out of order;</li>
 *   <li>more: a two-level tree. Partition p goes to group p / k (k = ceil(sqrt(n))) through a shuffle;
 *       each group sorts its arrays by partition id and sums them; the driver sums the groups in
 *       group order. The driver then receives ~sqrt(n) arrays instead of n.</li>
 * </ul>
 * The driver accumulates in double; the mean payload is {@code sum / weightSum} rounded to float (the
 * weighted mean gradient {@code sum_i w_i grad_i / sum_i w_i} of a synchronous iteration; the weighted
 * mean parameter change of a round of local steps, whose partitions send their change times their
 * weight). Unweighted, every w_i = 1 and weightSum is the row count. A round of total weight 0 has
 * mean 0.
 */
final class GradientAggregator {
    /** One partition's share of a round, run on the executor. */
    interface PartitionTask extends Serializable {
        /** {@code [payload_1..payload_L, lossSum, weightSum, rows]} of this partition's block. */
        float[] partial(int partition, DataBlock block);
    }

    private final JavaSparkContext sc;
    private final JavaRDD<DataBlock> blocks;
    private final int groupSize;
    private final int groups;
    private final int partitions;
    /** Arrived partials waiting for a lower partition's: slot p, or null. */
    private final float[][] waiting;
    /** The next partition to add to the sum. */
    private int next;
    private double[] sum;
    private float[] mean;
    private Broadcast<float[]> previous;
    private double broadcastSeconds;
    private double jobSeconds;
    private double sumSeconds;

    /**
     * @param partitions    the number of cached blocks
     * @param treeThreshold above this many partitions, the two-level tree
     */
    GradientAggregator(JavaSparkContext sc, JavaRDD<DataBlock> blocks, int partitions, int treeThreshold) {
        this.sc = sc;
        this.blocks = blocks;
        this.partitions = partitions;
        this.waiting = new float[partitions][];
        this.groupSize = partitions > treeThreshold ? (int) Math.ceil(Math.sqrt(partitions)) : 0;
        this.groups = groupSize > 0 ? (partitions + groupSize - 1) / groupSize : 0;
        this.sum = new double[3];
        this.mean = new float[0];
    }

    /**
     * Broadcasts {@code value} (copied), runs {@code task} (made for that broadcast) on every
     * partition and sums the partials. Afterwards {@link #mean()}, {@link #lossSum()} and
     * {@link #rows()} describe the round; the broadcast is destroyed on the next run or on close.
     */
    void run(float[] value, Function<Broadcast<float[]>, PartitionTask> task) {
        long t0 = System.nanoTime();
        Broadcast<float[]> b = sc.broadcast(value.clone());
        PartitionTask t = task.apply(b);
        long t1 = System.nanoTime();
        Arrays.fill(sum, 0);
        if (groupSize == 0) {
            next = 0;
            sc.sc().runJob(blocks.rdd(), new OnePartition(t), new AbstractFunction2<Object, float[], BoxedUnit>() {
                @Override
                public BoxedUnit apply(Object partition, float[] partial) {
                    arrived((Integer) partition, partial);
                    return BoxedUnit.UNIT;
                }
            }, ClassTag$.MODULE$.apply(float[].class));
            if (next != partitions) {
                throw new IllegalStateException("round ended with partition " + next + "'s partial missing");
            }
        } else {
            JavaPairRDD<Integer, float[]> keyed = JavaPairRDD.fromJavaRDD(blocks.mapPartitionsWithIndex(
                    (Function2<Integer, Iterator<DataBlock>, Iterator<Tuple2<Integer, float[]>>>) (partition, it) ->
                            Collections.singletonList(new Tuple2<>(partition, t.partial(partition, it.next()))).iterator(), true));
            for (float[] group : keyed.partitionBy(new GroupPartitioner(groupSize, groups)).mapPartitions(new GroupSum(), true).collect()) {
                add(group);
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
        broadcastSeconds = (t1 - t0) * 1e-9;
        jobSeconds = (t2 - t1) * 1e-9;
        sumSeconds = (t3 - t2) * 1e-9;
    }

    /**
     * Partition {@code partition}'s partial has arrived (on Spark's scheduler thread, one at a time):
     * add it, and every waiting one after it, if all lower partitions' are in; else let it wait.
     */
    private void arrived(int partition, float[] partial) {
        waiting[partition] = partial;
        while (next < partitions && waiting[next] != null) {
            add(waiting[next]);
            waiting[next++] = null;
        }
    }

    /** sum += a, in double; the first array of a round of another length L resizes the sum (zeroed). */
    private void add(float[] a) {
        if (sum.length != a.length) {
            // the payload's length L is fixed for a run's rounds (it changes only after the timing rounds)
            sum = new double[a.length];
            mean = new float[a.length - 3];
        }
        for (int j = 0; j < a.length; j++) {
            sum[j] += a[j];
        }
    }

    /** The last round's wall time creating the broadcast (copy, serialisation, compression). */
    double broadcastSeconds() {
        return broadcastSeconds;
    }

    /** The last round's Spark job: scheduling, task serialisation and launch, the tasks, result fetch. */
    double jobSeconds() {
        return jobSeconds;
    }

    /**
     * The last round's work on the driver after its job: the mean, the previous broadcast's
     * destruction (and with the tree, the sum of the groups); the partition-order sum of up to
     * treeThreshold partitions happens while the job runs, as the partials arrive.
     */
    double sumSeconds() {
        return sumSeconds;
    }

    /** The mean payload of the last round (a reused buffer; the update rule may modify it). */
    float[] mean() {
        return mean;
    }

    double lossSum() {
        return sum[mean.length];
    }

    /** {@code sum_i w_i} over the round's rows: their count when unweighted. */
    double weightSum() {
        return sum[mean.length + 1];
    }

    /** The weighted mean loss of the round's rows (0 when they weigh 0). */
    double meanLoss() {
        double w = weightSum();
        return w > 0 ? lossSum() / w : 0;
    }

    long rows() {
        return (long) sum[mean.length + 2];
    }

    /** Destroys the last broadcast. */
    void close() {
        if (previous != null) {
            previous.destroy();
            previous = null;
        }
    }

    /** Partition id p -> group p / k. */
    private static final class GroupPartitioner extends Partitioner {
        private static final long serialVersionUID = 1L;
        private final int groupSize;
        private final int groups;

        GroupPartitioner(int groupSize, int groups) {
            this.groupSize = groupSize;
            this.groups = groups;
        }

        @Override
        public int numPartitions() {
            return groups;
        }

        @Override
        public int getPartition(Object key) {
            return (Integer) key / groupSize;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof GroupPartitioner && ((GroupPartitioner) o).groupSize == groupSize
                    && ((GroupPartitioner) o).groups == groups;
        }

        @Override
        public int hashCode() {
            return 31 * groupSize + groups;
        }
    }

    /** A round's task: partition p's partial from its one cached block. */
    private static final class OnePartition extends AbstractFunction2<TaskContext, scala.collection.Iterator<DataBlock>, float[]>
            implements Serializable {
        private static final long serialVersionUID = 1L;
        private final PartitionTask task;

        OnePartition(PartitionTask task) {
            this.task = task;
        }

        @Override
        public float[] apply(TaskContext context, scala.collection.Iterator<DataBlock> blocks) {
            return task.partial(context.partitionId(), blocks.next());
        }
    }

    /** Sums one group's arrays in partition-id order (shuffle delivery order is arbitrary). */
    private static final class GroupSum implements FlatMapFunction<Iterator<Tuple2<Integer, float[]>>, float[]> {
        private static final long serialVersionUID = 1L;

        @Override
        public Iterator<float[]> call(Iterator<Tuple2<Integer, float[]>> parts) {
            List<Tuple2<Integer, float[]>> list = new ArrayList<>();
            parts.forEachRemaining(list::add);
            list.sort(Comparator.comparing(Tuple2::_1));
            float[] total = list.get(0)._2().clone();
            for (int i = 1; i < list.size(); i++) {
                float[] a = list.get(i)._2();
                for (int j = 0; j < total.length; j++) {
                    total[j] += a[j];
                }
            }
            return Collections.singletonList(total).iterator();
        }
    }
}
