package io.sparkprop.driver.data;

import io.sparkprop.core.data.DataBlock;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.Function2;
import scala.Tuple2;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The training rows dealt into S balanced blocks, whatever the input's partitioning:
 * <pre>
 *   row i (its place in input order: the rows of input partition 0, then 1, ...)  ->  block i mod S
 *   block s holds its rows in increasing i: n_s = floor(N / S) or that + 1
 * </pre>
 * One shuffle: input partition p (rows [o_p, o_p + n_p) in input order) cuts its block into the S
 * strided pieces {@code strided((s - o_p) mod S, S)}, each keyed by s P + p (P input partitions); the
 * key's range partitioning sends piece (s, p) to block s and sorts a block's pieces by p, so
 * concatenating them gives increasing i. A label-sorted input thus spreads every class over every
 * block, and the same rows in any input partitioning give the same blocks.
 */
final class BalancedBlocks {
    private BalancedBlocks() {
    }

    /** {@code blocks} (one block or none per partition, n_p rows each) dealt into {@code slots} blocks. */
    static JavaRDD<DataBlock> deal(JavaRDD<DataBlock> blocks, long[] partitionRows, int slots) {
        long[] offsets = new long[partitionRows.length];
        for (int p = 1; p < offsets.length; p++) {
            offsets[p] = offsets[p - 1] + partitionRows[p - 1];
        }
        return JavaPairRDD.fromJavaRDD(blocks.mapPartitionsWithIndex(new Pieces(offsets, slots), false))
                .repartitionAndSortWithinPartitions(new ToBlock(slots, offsets.length))
                .mapPartitions(new Concatenation(), true);
    }

    /** Input partition p's S strided pieces, keyed s P + p; empty pieces are not sent. */
    private static final class Pieces implements Function2<Integer, Iterator<DataBlock>, Iterator<Tuple2<Long, DataBlock>>> {
        private static final long serialVersionUID = 1L;
        private final long[] offsets;
        private final int slots;

        Pieces(long[] offsets, int slots) {
            this.offsets = offsets;
            this.slots = slots;
        }

        @Override
        public Iterator<Tuple2<Long, DataBlock>> call(Integer p, Iterator<DataBlock> it) {
            List<Tuple2<Long, DataBlock>> pieces = new ArrayList<>();
            while (it.hasNext()) {
                DataBlock block = it.next();
                for (int s = 0; s < slots; s++) {
                    int first = (int) Math.floorMod(s - offsets[p], (long) slots);
                    if (first < block.rows()) {
                        pieces.add(new Tuple2<>((long) s * offsets.length + p, block.strided(first, slots)));
                    }
                }
            }
            return pieces.iterator();
        }
    }

    /** Key s P + p to block s. */
    private static final class ToBlock extends Partitioner {
        private static final long serialVersionUID = 1L;
        private final int slots;
        private final int inputs;

        ToBlock(int slots, int inputs) {
            this.slots = slots;
            this.inputs = inputs;
        }

        @Override
        public int numPartitions() {
            return slots;
        }

        @Override
        public int getPartition(Object key) {
            return (int) ((Long) key / inputs);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ToBlock t && t.slots == slots && t.inputs == inputs;
        }

        @Override
        public int hashCode() {
            return 31 * slots + inputs;
        }
    }

    /** A block's pieces, sorted by input partition, as one block. */
    private static final class Concatenation implements FlatMapFunction<Iterator<Tuple2<Long, DataBlock>>, DataBlock> {
        private static final long serialVersionUID = 1L;

        @Override
        public Iterator<DataBlock> call(Iterator<Tuple2<Long, DataBlock>> it) {
            List<DataBlock> pieces = new ArrayList<>();
            it.forEachRemaining(t -> pieces.add(t._2()));
            return pieces.isEmpty() ? List.<DataBlock>of().iterator() : List.of(DataBlock.concat(pieces)).iterator();
        }
    }
}
