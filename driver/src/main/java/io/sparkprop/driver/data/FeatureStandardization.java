package io.sparkprop.driver.data;

import io.sparkprop.core.data.DataBlock;
import io.sparkprop.core.data.Standardizer;

import java.util.List;

/**
 * Standardisation of cached blocks: statistics fitted on the training blocks (moments per block,
 * added on the driver in partition order, so the same data gives the same bits), then applied to
 * any blocks. Dense data is centred and scaled, sparse data only scaled.
 */
public final class FeatureStandardization {
    private FeatureStandardization() {
    }

    public static Standardizer fit(DataBlocks train) {
        List<double[]> perBlock = train.rdd().map(Standardizer::moments).collect();
        double[] total = perBlock.get(0).clone();
        for (int p = 1; p < perBlock.size(); p++) {
            Standardizer.addMoments(total, perBlock.get(p));
        }
        boolean sparse = train.rdd().map(DataBlock::isSparse).reduce((a, b) -> a || b);
        return Standardizer.fromMoments(total, !sparse);
    }

    /** Standardised blocks, cached; the input blocks are unpersisted. */
    public static DataBlocks apply(DataBlocks blocks, Standardizer standardizer) {
        DataBlocks out = DataBlocks.cache(blocks.rdd().map(standardizer::apply));
        blocks.unpersist();
        return out;
    }
}
