package io.sparkprop.driver.data;

import io.sparkprop.core.data.Standardizer;

import java.util.List;

/**
 * What one pass over the training blocks as built (float32, before any standardisation) tells: every
 * feature's range (the constant-features check) and, when the standardisation is fitted, the moments,
 * so neither needs a pass of its own.
 *
 * @param rows    N, the training rows
 * @param cols    features per row
 * @param range   {@code [min_j (cols values), max_j (cols values)]} over all rows
 * @param moments {@code [n, sum_j x_j, sum_j x_j^2]} added up block by block in partition order (the same
 *                data gives the same bits), or null when not asked for
 */
public record RawTrainStatistics(long rows, int cols, double[] range, double[] moments) {

    /** One Spark job over {@code train}; the moments only when {@code withMoments}. */
    public static RawTrainStatistics of(DataBlocks train, boolean withMoments) {
        List<double[][]> perBlock = train.rdd().map(b -> new double[][] {ConstantFeatures.range(b),
                withMoments ? Standardizer.moments(b) : null}).collect();
        double[] range = perBlock.get(0)[0];
        double[] moments = withMoments ? perBlock.get(0)[1].clone() : null;
        for (int p = 1; p < perBlock.size(); p++) {
            range = ConstantFeatures.merge(range, perBlock.get(p)[0]);
            if (withMoments) {
                Standardizer.addMoments(moments, perBlock.get(p)[1]);
            }
        }
        return new RawTrainStatistics(train.rows(), train.cols(), range, moments);
    }
}
