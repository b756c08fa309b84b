package io.sparkprop.driver.data;

import io.sparkprop.core.data.DataBlock;
import io.sparkprop.core.matrix.CsrMatrix;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * A training set whose every feature holds one value in every row: the network cannot tell the rows
 * apart and learns the label's mean (or the class frequencies) alone, which usually means the wrong
 * columns were named. One warning, from one pass over the cached float32 blocks.
 */
public final class ConstantFeatures {
    private ConstantFeatures() {
    }

    /** Warns once through {@code warning} when every training feature is constant; {@code names}: the features'. */
    public static void warnIfAll(RawTrainStatistics train, List<String> names, Consumer<String> warning) {
        double[] range = train.range();
        int cols = train.cols();
        for (int j = 0; j < cols; j++) {
            if (range[j] != range[cols + j]) {
                return;
            }
        }
        StringBuilder values = new StringBuilder();
        for (int j = 0; j < Math.min(cols, 3); j++) {
            values.append(j == 0 ? "" : ", ").append(j < names.size() ? names.get(j) : "feature " + j).append(" = ")
                    .append(String.format(Locale.ROOT, "%.6g", range[j]));
        }
        warning.accept((cols == 1 ? "the one feature is" : "every one of the " + cols + " features is") + " constant over the "
                + train.rows() + " training rows (" + values + (cols > 3 ? ", ..." : "") + "): the network cannot tell the rows"
                + " apart (check data.features)");
    }

    /**
     * {@code [min_j (cols values), max_j (cols values)]} of one block's features; a sparse block's
     * missing entries are zeros. An empty block gives +inf / -inf, which merge away.
     */
    static double[] range(DataBlock block) {
        int cols = block.cols();
        double[] r = new double[2 * cols];
        Arrays.fill(r, 0, cols, Double.POSITIVE_INFINITY);
        Arrays.fill(r, cols, 2 * cols, Double.NEGATIVE_INFINITY);
        if (block.isSparse()) {
            CsrMatrix x = block.sparse();
            int[] present = new int[cols];
            for (int k = 0; k < x.nnz(); k++) {
                present[x.indices()[k]]++;
                widen(r, cols, x.indices()[k], x.values()[k]);
            }
            for (int j = 0; j < cols && block.rows() > 0; j++) {
                if (present[j] < block.rows()) {
                    widen(r, cols, j, 0);
                }
            }
        } else {
            float[] x = block.dense();
            for (int i = 0; i < block.rows(); i++) {
                for (int j = 0; j < cols; j++) {
                    widen(r, cols, j, x[i * cols + j]);
                }
            }
        }
        return r;
    }

    private static void widen(double[] r, int cols, int j, double v) {
        r[j] = Math.min(r[j], v);
        r[cols + j] = Math.max(r[cols + j], v);
    }

    static double[] merge(double[] a, double[] b) {
        int cols = a.length / 2;
        double[] out = new double[a.length];
        for (int j = 0; j < cols; j++) {
            out[j] = Math.min(a[j], b[j]);
            out[cols + j] = Math.max(a[cols + j], b[cols + j]);
        }
        return out;
    }
}
