package io.sparkprop.driver.train;

import io.sparkprop.core.data.DataBlock;
import io.sparkprop.core.nn.NetworkSpec;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import scala.Tuple2;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;

/**
 * Runs one iteration as a Spark job and adds the partitions' partial sums DETERMINISTICALLY:
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
 * The driver accumulates in double; the mean gradient is {@code sum / count} rounded to float.
 */
final class GradientAggregator {
    private final JavaSparkContext sc;
    private final JavaRDD<DataBlock> blocks;
    private final NetworkSpec spec;
    private final IterationPlan plan;
    private final long seed;
    private final int groupSize;
    private final int groups;
    private final double[] sum;
    private final float[] mean;
    private Broadcast<float[]> previous;

    GradientAggregator(JavaSparkContext sc, JavaRDD<DataBlock> blocks, NetworkSpec spec, IterationPlan plan,
                       long seed, int treeThreshold) {
        this.sc = sc;
        this.blocks = blocks;
        this.spec = spec;
        this.plan = plan;
        this.seed = seed;
        int n = plan.partitions();
        this.groupSize = n > treeThreshold ? (int) Math.ceil(Math.sqrt(n)) : 0;
        this.groups = groupSize > 0 ? (n + groupSize - 1) / groupSize : 0;
        int p = spec.layout().size();
        this.sum = new double[p + 2];
        this.mean = new float[p];
    }

    /**
     * Computes the gradient for (epoch, iteration) at {@code params} (copied into a broadcast).
     * Afterwards {@link #meanGradient()}, {@link #lossSum()} and {@link #rows()} describe it.
     */
    void run(float[] params, long epoch, int iteration) {
        Broadcast<float[]> b = sc.broadcast(params.clone());
        GradientStep step = new GradientStep(spec, b, plan, seed, epoch, iteration);
        List<float[]> partials;
        if (groupSize == 0) {
            partials = blocks.mapPartitionsWithIndex(step, true).collect();
        } else {
            JavaPairRDD<Integer, float[]> keyed = JavaPairRDD.fromJavaRDD(blocks.mapPartitionsWithIndex(step.keyed(), true));
            partials = keyed.partitionBy(new GroupPartitioner(groupSize, groups)).mapPartitions(new GroupSum(), true).collect();
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
            mean[j] = (float) (sum[j] / count);
        }
        if (previous != null) {
            previous.destroy();
        }
        previous = b;
    }

    /** The mean gradient of the last iteration (a reused buffer; the update rule may modify it). */
    float[] meanGradient() {
        return mean;
    }

    double lossSum() {
        return sum[mean.length];
    }

    long rows() {
        return (long) sum[mean.length + 1];
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
