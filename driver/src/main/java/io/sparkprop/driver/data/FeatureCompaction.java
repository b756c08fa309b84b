package io.sparkprop.driver.data;

import io.sparkprop.core.data.CacheFormat;
import io.sparkprop.core.data.CompactFeatures;
import io.sparkprop.core.data.DataBlock;
import io.sparkprop.core.data.Standardizer;

import java.io.Serializable;
import java.util.List;

/**
 * The cache in a compact format (data.cacheFormat): dense float32 blocks become {@link CompactFeatures}
 * blocks, standardised on the way when a {@link Standardizer} is given (the 16-bit formats encode the
 * standardised values, uint8 the raw ones and standardises as it decodes; see CompactFeatures).
 * uint8's offset and step per column are fitted on the training blocks, before standardisation
 * ({@link #fit}). Sparse blocks stay float32 (only standardised).
 */
public final class FeatureCompaction implements Serializable {
    private static final long serialVersionUID = 1L;

    private final CacheFormat format;
    /** uint8's per-column decoding; null for the other formats. */
    private final CompactFeatures.Uint8Columns columns;

    private FeatureCompaction(CacheFormat format, CompactFeatures.Uint8Columns columns) {
        this.format = format;
        this.columns = columns;
    }

    /**
     * The compaction to {@code format} of blocks like {@code train} (float32, not yet standardised):
     * for uint8 one pass over its dense blocks for each column's range, merged in partition order.
     */
    public static FeatureCompaction fit(DataBlocks train, CacheFormat format) {
        if (format == CacheFormat.FLOAT32) {
            throw new IllegalArgumentException("float32 needs no compaction");
        }
        if (format != CacheFormat.UINT8) {
            return new FeatureCompaction(format, null);
        }
        List<double[]> perBlock = train.rdd().filter(b -> !b.isSparse()).map(CompactFeatures::columnStats).collect();
        if (perBlock.isEmpty()) {
            return new FeatureCompaction(format, null);
        }
        double[] stats = perBlock.get(0).clone();
        for (int p = 1; p < perBlock.size(); p++) {
            CompactFeatures.mergeColumnStats(stats, perBlock.get(p));
        }
        return new FeatureCompaction(format, CompactFeatures.fitUint8(stats));
    }

    public CacheFormat format() {
        return format;
    }

    /** uint8: columns whose training values all decode exactly; -1 for the other formats. */
    public int exactColumns() {
        return columns == null ? -1 : columns.exactColumns();
    }

    /** One block compacted (standardised first or on decoding when {@code standardizer} is not null). */
    public DataBlock apply(DataBlock block, Standardizer standardizer) {
        if (block.isSparse()) {
            return standardizer == null ? block : standardizer.apply(block);
        }
        CompactFeatures features = CompactFeatures.encode(block.dense(), block.rows(), block.cols(), format, columns, standardizer);
        return DataBlock.compact(features, block.targetWidth(), block.targets()).withWeights(block.weights());
    }

    /** The blocks compacted, cached; the input blocks are unpersisted. */
    public DataBlocks apply(DataBlocks blocks, Standardizer standardizer) {
        DataBlocks out = DataBlocks.cache(blocks.rdd().map(b -> apply(b, standardizer)));
        blocks.unpersist();
        return out;
    }
}
