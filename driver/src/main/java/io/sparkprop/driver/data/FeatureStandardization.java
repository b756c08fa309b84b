package io.sparkprop.driver.data;

import io.sparkprop.core.data.Standardizer;

import java.util.List;

/**
 * Standardisation of cached blocks: statistics fitted on the training blocks (moments per block,
 * added on the driver in partition order, so the same data gives the same bits), then applied to
 * any blocks. Dense data is centred and scaled, sparse data only scaled. Regression targets use
 * the same moments ({@link #fitTargets}, {@link #applyToTargets}): every output centred and
 * scaled, a constant one by 1.
 */
public final class FeatureStandardization {
    private FeatureStandardization() {
    }

    /**
     * Statistics fitted on the training blocks from their moments ({@link RawTrainStatistics}, with the
     * moments); sparse blocks are only scaled. @param sharedScale one scale for every feature rather than
     * each its own std (see Standardizer#fromMoments)
     */
    public static Standardizer fit(DataBlocks train, RawTrainStatistics raw, boolean sharedScale) {
        // whether any block is sparse is known from caching them: no Spark job asks again
        return Standardizer.fromMoments(raw.moments(), !train.sparse(), sharedScale);
    }

    /** Mean and std of each target column over the training blocks (a std of 0 stored as 1). */
    public static Standardizer fitTargets(DataBlocks train) {
        return Standardizer.forTargets(sum(train.rdd().map(Standardizer::targetMoments).collect()));
    }

    /** Standardised blocks, cached; the input blocks are unpersisted. */
    public static DataBlocks apply(DataBlocks blocks, Standardizer standardizer) {
        DataBlocks out = DataBlocks.cache(blocks.rdd().map(standardizer::apply));
        blocks.unpersist();
        return out;
    }

    /** Blocks with standardised targets, cached; the input blocks are unpersisted. */
    public static DataBlocks applyToTargets(DataBlocks blocks, Standardizer targets) {
        DataBlocks out = DataBlocks.cache(blocks.rdd().map(targets::applyToTargets));
        blocks.unpersist();
        return out;
    }

    /** Per-block moments added in partition order. */
    private static double[] sum(List<double[]> perBlock) {
        double[] total = perBlock.get(0).clone();
        for (int p = 1; p < perBlock.size(); p++) {
            Standardizer.addMoments(total, perBlock.get(p));
        }
        return total;
    }
}
