package io.sparkprop.driver.train;

import io.sparkprop.core.data.DataBlock;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import scala.Tuple2;

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
 *   <li>up to {@code treeThreshold} partitions: {@code collect()} returns one array per partition,
 *       indexed by partition id; the driver sums them in that order;</li>
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
        List<float[]> partials;
        if (groupSize == 0) {
            partials = blocks.mapPartitionsWithIndex((Function2<Integer, Iterator<DataBlock>, Iterator<float[]>>)
                    (partition, it) -> Collections.singletonList(t.partial(partition, it.next())).iterator(), true).collect();
        } else {
            JavaPairRDD<Integer, float[]> keyed = JavaPairRDD.fromJavaRDD(blocks.mapPartitionsWithIndex(
                    (Function2<Integer, Iterator<DataBlock>, Iterator<Tuple2<Integer, float[]>>>) (partition, it) ->
                            Collections.singletonList(new Tuple2<>(partition, t.partial(partition, it.next()))).iterator(), true));
            partials = keyed.partitionBy(new GroupPartitioner(groupSize, groups)).mapPartitions(new GroupSum(), true).collect();
        }
        long t2 = System.nanoTime();
        int length = partials.get(0).length;
        if (sum.length != length) {
            // the payload's length L is fixed for a run's rounds (it changes only after auto's timing rounds)
            sum = new double[length];
            mean = new float[length - 3];
        }
        Arrays.fill(sum, 0);
        for (float[] a : partials) {
            for (int j = 0; j < a.length; j++) {
                sum[j] += a[j];
            }
        }
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

    /** The last round's wall time creating the broadcast (copy, serialisation, compression). */
    double broadcastSeconds() {
        return broadcastSeconds;
    }

    /** The last round's Spark job: scheduling, task serialisation and launch, the tasks, result fetch. */
    double jobSeconds() {
        return jobSeconds;
    }

    /** The last round's partition-order sum, mean and the previous broadcast's destruction on the driver. */
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
