package io.sparkprop.driver.data;

import io.sparkprop.core.data.DataBlock;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.storage.RDDInfo;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * A cached {@code JavaRDD<DataBlock>} with exactly one block per partition, and what the trainer needs
 * to know about it without touching the data again: the rows of each partition (n_p), the feature and
 * target widths, whether its rows are weighted and the sum of their weights. Creating one runs a single Spark job that materialises the cache and checks the
 * one-block-per-partition shape, unless the driver knows all of it already ({@link #persisted}).
 */
public final class DataBlocks {
    private static final Logger LOG = LoggerFactory.getLogger(DataBlocks.class);
    private final JavaRDD<DataBlock> rdd;
    private final long[] partitionRows;
    private final long totalRows;
    private final int cols;
    private final int targetWidth;
    private final long bytes;
    private final long float32Bytes;
    private final boolean weighted;
    private final double weightSum;
    private final boolean sparse;
    private final int maxRowNonzeros;

    private DataBlocks(JavaRDD<DataBlock> rdd, long[] partitionRows, int cols, int targetWidth, long bytes, long float32Bytes,
                       boolean weighted, double weightSum, boolean sparse, int maxRowNonzeros) {
        this.rdd = rdd;
        this.partitionRows = partitionRows;
        long sum = 0;
        for (long n : partitionRows) {
            sum += n;
        }
        this.totalRows = sum;
        this.cols = cols;
        this.targetWidth = targetWidth;
        this.bytes = bytes;
        this.float32Bytes = float32Bytes;
        this.weighted = weighted;
        this.weightSum = weightSum;
        this.sparse = sparse;
        this.maxRowNonzeros = maxRowNonzeros;
    }

    /**
     * Caches {@code blocks} (MEMORY_AND_DISK: deserialised blocks in memory, so the cache holds about the
     * raw float32 size; a block that does not fit in the executor's storage memory goes to its local disk
     * and is read back, the same bits, every time a round needs it) and checks it: not empty, one
     * non-empty block per partition, the same widths everywhere. Blocks on disk are logged as a warning,
     * since every round then pays for reading them.
     */
    public static DataBlocks cache(JavaRDD<DataBlock> blocks) {
        return cache(blocks, false);
    }

    /** As {@link #cache(JavaRDD)}; with {@code emptyAllowed} a partition may hold no block (its n_p is 0), as before {@link #dealt}. */
    static DataBlocks cache(JavaRDD<DataBlock> blocks, boolean emptyAllowed) {
        if (blocks.getStorageLevel().equals(StorageLevel.NONE())) {
            blocks.persist(StorageLevel.MEMORY_AND_DISK());
        }
        List<double[]> summaries;
        try {
            summaries = blocks.mapPartitionsWithIndex(new Summary(), true).collect();
        } catch (Exception e) {
            if (e instanceof SparkException) {
                throw InputErrors.unwrap((SparkException) e);
            }
            throw e;
        }
        int n = summaries.size();
        long[] rows = new long[n];
        long total = 0;
        long bytes = 0;
        long float32Bytes = 0;
        boolean weighted = false;
        double weightSum = 0;
        boolean sparse = false;
        int maxRowNonzeros = 0;
        for (int p = 0; p < n; p++) {
            rows[p] = (long) summaries.get(p)[1];
            total += rows[p];
            bytes += (long) summaries.get(p)[4];
            float32Bytes += (long) summaries.get(p)[7];
            weighted |= summaries.get(p)[5] != 0;
            weightSum += summaries.get(p)[6];
            sparse |= summaries.get(p)[8] != 0;
            maxRowNonzeros = Math.max(maxRowNonzeros, (int) summaries.get(p)[9]);
        }
        if (total == 0) {
            blocks.unpersist(false);
            throw new IllegalArgumentException("the dataset is empty: all " + n + " partitions hold no rows");
        }
        int cols = -1;
        int targetWidth = -1;
        for (int p = 0; p < n; p++) {
            double[] s = summaries.get(p);
            if (emptyAllowed && s[0] == 0) {
                continue;
            }
            if (s[0] != 1 || s[1] == 0) {
                blocks.unpersist(false);
                if (s[1] == 0) {
                    throw new IllegalArgumentException("partition " + p + " of " + n + " is empty: every partition needs"
                            + " at least one row and the data has " + total + "; use at most " + total + " partitions"
                            + " (data.partitions on the command line, dataset.repartition(k) in Spark ML)");
                }
                throw new IllegalArgumentException("partition " + p + " holds " + (long) s[0] + " data blocks, expected exactly one");
            }
            if (cols < 0) {
                cols = (int) s[2];
                targetWidth = (int) s[3];
            } else if (s[2] != cols || s[3] != targetWidth) {
                blocks.unpersist(false);
                throw new IllegalArgumentException("partition " + p + " has " + (long) s[2] + " features and " + (long) s[3]
                        + " targets per row, partition 0 has " + cols + " and " + targetWidth);
            }
        }
        warnIfSpilled(blocks, bytes);
        return new DataBlocks(blocks, rows, cols, targetWidth, bytes, float32Bytes, weighted, weightSum, sparse, maxRowNonzeros);
    }

    /**
     * Dense blocks whose summary the driver knows without reading them (built from data it holds, one
     * non-empty block per partition, {@code partitionRows} rows each, weighted or not, {@code weightSum} added
     * up as a cache's summary adds it): persisted as {@link #cache} persists, and materialised by the first job
     * that reads them rather than by a job of their own. No spill warning: nothing is cached yet.
     */
    static DataBlocks persisted(JavaRDD<DataBlock> blocks, long[] partitionRows, int cols, int targetWidth, boolean weighted,
                                double weightSum) {
        blocks.persist(StorageLevel.MEMORY_AND_DISK());
        long bytes = 0;
        for (long n : partitionRows) {
            bytes += 4L * n * (cols + targetWidth + (weighted ? 1 : 0));
        }
        return new DataBlocks(blocks, partitionRows.clone(), cols, targetWidth, bytes, bytes, weighted, weightSum, false, 0);
    }

    /**
     * These blocks' rows dealt into {@code blocks} balanced blocks ({@link BalancedBlocks}: row i in input
     * order to block i mod S), cached; these are released.
     */
    DataBlocks dealt(int blocks) {
        try {
            return cache(BalancedBlocks.deal(rdd, partitionRows, blocks), false);
        } finally {
            unpersist();
        }
    }

    /** The fewest rows of a block: the per-worker batch is capped to it. */
    public long minPartitionRows() {
        long min = Long.MAX_VALUE;
        for (long n : partitionRows) {
            min = Math.min(min, n);
        }
        return min;
    }

    /** Logs the part of the cached blocks that did not fit in storage memory and lives on local disks. */
    private static void warnIfSpilled(JavaRDD<DataBlock> blocks, long bytes) {
        for (RDDInfo info : blocks.context().getRDDStorageInfo()) {
            if (info.id() == blocks.id() && info.diskSize() > 0) {
                LOG.warn(String.format(Locale.ROOT, "the data (%d MB in %d blocks) does not fit in the executors' storage memory:"
                                + " %d MB of it went to local disk and is read back in every round that needs it (the same"
                                + " results, more slowly); give the executors more memory (spark.executor.memory, or the driver's"
                                + " heap in local mode) or a larger spark.memory.fraction to keep it all in memory",
                        bytes >> 20, blocks.getNumPartitions(), info.diskSize() >> 20));
            }
        }
    }

    public JavaRDD<DataBlock> rdd() {
        return rdd;
    }

    public int partitions() {
        return partitionRows.length;
    }

    /** n_p for every partition p, in partition order. */
    public long[] partitionRows() {
        return partitionRows.clone();
    }

    /** N = sum_p n_p. */
    public long rows() {
        return totalRows;
    }

    /** Features per row. */
    public int cols() {
        return cols;
    }

    public int targetWidth() {
        return targetWidth;
    }

    /** Whether the blocks carry row weights. */
    public boolean weighted() {
        return weighted;
    }

    /** Whether any block stores its features sparse (CSR). */
    public boolean sparse() {
        return sparse;
    }

    /** The most nonzeros in one row of a sparse block (0 when no block is sparse): what a task's CSR batch holds per row. */
    public int maxRowNonzeros() {
        return maxRowNonzeros;
    }

    /** {@code sum_r w_r} over all rows: {@link #rows()} when unweighted. */
    public double weightSum() {
        return weighted ? weightSum : totalRows;
    }

    /** Bytes held by the cached blocks' arrays, as stored (compact features at their compact size). */
    public long sizeInBytes() {
        return bytes;
    }

    /** What {@link #sizeInBytes()} would be with every block's features in float32. */
    public long float32SizeInBytes() {
        return float32Bytes;
    }

    /** Drops the cache (non-blocking). */
    public void unpersist() {
        rdd.unpersist(false);
    }

    /**
     * Per partition: {blocks, rows, cols, targetWidth, bytes, weighted (0 or 1), weight sum, bytes in float32,
     * sparse (0 or 1), the most nonzeros of a sparse row};
     * materialises the cache on the way.
     */
    private static final class Summary implements Function2<Integer, Iterator<DataBlock>, Iterator<double[]>> {
        private static final long serialVersionUID = 1L;

        @Override
        public Iterator<double[]> call(Integer partition, Iterator<DataBlock> blocks) {
            double[] s = new double[10];
            while (blocks.hasNext()) {
                DataBlock b = blocks.next();
                s[0]++;
                s[1] += b.rows();
                s[2] = b.cols();
                s[3] = b.targetWidth();
                s[4] += b.sizeInBytes();
                s[7] += b.float32SizeInBytes();
                s[8] = b.isSparse() ? 1 : s[8];
                if (b.isSparse()) {
                    int[] indptr = b.sparse().indptr();
                    for (int r = 0; r < b.rows(); r++) {
                        s[9] = Math.max(s[9], indptr[r + 1] - indptr[r]);
                    }
                }
                if (b.isWeighted()) {
                    s[5] = 1;
                    for (float w : b.weights()) {
                        s[6] += w;
                    }
                }
            }
            return Collections.singletonList(s).iterator();
        }
    }
}
