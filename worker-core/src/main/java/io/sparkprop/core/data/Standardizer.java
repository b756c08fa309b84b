package io.sparkprop.core.data;

import io.sparkprop.core.matrix.CsrMatrix;

import java.io.Serializable;

/**
 * Per-column standardisation {@code x'_j = (x_j - mean_j) / std_j}, and {@code x'_j = 0} where
 * {@code std_j = 0} (a feature constant in training carries no information). std is the sample
 * standard deviation {@code sqrt(sum (x - mean)^2 / (n - 1))}, as Spark ML's StandardScaler uses.
 * Sparse data is only scaled (mean 0) so it stays sparse.
 * <p>
 * The same statistics serve regression targets ({@link #targetMoments}, {@link #forTargets}): there a
 * std of 0 (a constant target) is stored as 1, so {@code z = (y - mean) / std} and its inverse
 * {@code y = z * std + mean} ({@link #invert}) are defined for every output.
 */
public final class Standardizer implements Serializable {
    private static final long serialVersionUID = 1L;

    private final float[] mean;
    private final float[] std;

    public Standardizer(float[] mean, float[] std) {
        if (mean.length != std.length) {
            throw new IllegalArgumentException("standardisation has " + mean.length + " means but " + std.length + " standard deviations");
        }
        for (int j = 0; j < std.length; j++) {
            if (!(std[j] >= 0) || !Float.isFinite(std[j]) || !Float.isFinite(mean[j])) {
                throw new IllegalArgumentException("feature " + j + ": standardisation mean " + mean[j] + ", std " + std[j]
                        + " (expected finite numbers, std >= 0)");
            }
        }
        this.mean = mean.clone();
        this.std = std.clone();
    }

    /**
     * Moments of one block, to be added up over blocks in a fixed order:
     * {@code [n, sum_j x_j (cols values), sum_j x_j^2 (cols values)]} in double.
     */
    public static double[] moments(DataBlock block) {
        int cols = block.cols();
        double[] m = new double[1 + 2 * cols];
        m[0] = block.rows();
        if (block.isCompact()) {
            throw new IllegalArgumentException("moments take float32 features, the block is " + block.cacheFormat().settingName());
        }
        if (block.isSparse()) {
            CsrMatrix x = block.sparse();
            for (int k = 0; k < x.nnz(); k++) {
                double v = x.values()[k];
                m[1 + x.indices()[k]] += v;
                m[1 + cols + x.indices()[k]] += v * v;
            }
        } else {
            addDense(m, block.dense(), block.rows(), cols);
        }
        return m;
    }

    /** Moments of a block's targets [rows x targetWidth], laid out as {@link #moments}'s. */
    public static double[] targetMoments(DataBlock block) {
        int width = block.targetWidth();
        double[] m = new double[1 + 2 * width];
        m[0] = block.rows();
        addDense(m, block.targets(), block.rows(), width);
        return m;
    }

    private static void addDense(double[] m, float[] x, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                double v = x[r * cols + j];
                m[1 + j] += v;
                m[1 + cols + j] += v * v;
            }
        }
    }

    /** Adds the moments {@code b} into {@code a}. */
    public static void addMoments(double[] a, double[] b) {
        for (int i = 0; i < a.length; i++) {
            a[i] += b[i];
        }
    }

    /** The standardiser from summed moments; {@code center = false} keeps the mean at 0 (sparse data). */
    public static Standardizer fromMoments(double[] m, boolean center) {
        return fromMoments(m, center, false);
    }

    /**
     * The standardiser from summed moments. With {@code sharedScale}, every non-constant feature is
     * divided by one scale instead of its own std: {@code s = sqrt((1/L) sum_{j: std_j > 0} std_j^2)}, the
     * root mean variance over the L non-constant features, so {@code x'_j = (x_j - mean_j) / s} keeps the
     * features' relative spread (image pixels: a border pixel lit in a few images is not blown up to unit
     * variance, the way per-feature scaling turns its rare values into outliers of 10 or more). The
     * features' mean variance after it is 1, as with per-feature scaling. Constant features stay at 0.
     */
    public static Standardizer fromMoments(double[] m, boolean center, boolean sharedScale) {
        int cols = (m.length - 1) / 2;
        double n = m[0];
        if (n < 2) {
            throw new IllegalArgumentException("standardisation needs at least 2 training rows, got " + (long) n);
        }
        float[] mean = new float[cols];
        float[] std = new float[cols];
        for (int j = 0; j < cols; j++) {
            double mu = m[1 + j] / n;
            double var = Math.max(0, (m[1 + cols + j] - n * mu * mu) / (n - 1));
            mean[j] = center ? (float) mu : 0f;
            std[j] = (float) Math.sqrt(var);
        }
        if (sharedScale) {
            double sumVar = 0;
            int live = 0;
            for (int j = 0; j < cols; j++) {
                if (std[j] > 0) {
                    sumVar += (double) std[j] * std[j];
                    live++;
                }
            }
            float s = live == 0 ? 0f : (float) Math.sqrt(sumVar / live);
            for (int j = 0; j < cols; j++) {
                if (std[j] > 0) {
                    std[j] = s;
                }
            }
        }
        return new Standardizer(mean, std);
    }

    /**
     * Target standardisation from summed {@link #targetMoments}: centred, and the std of a constant
     * target replaced by 1, so nothing divides by 0. Constant means std = 0 or std <= 1e-6 |mean|:
     * sum y^2 - n mean^2 cancels to about 1e-16 mean^2 rather than 0, and float32 targets cannot
     * vary that little around their mean anyway (1e-6 |mean| is 8 to 16 float ulps of the mean).
     */
    public static Standardizer forTargets(double[] m) {
        Standardizer fitted = fromMoments(m, true);
        float[] std = fitted.std.clone();
        for (int j = 0; j < std.length; j++) {
            if (std[j] <= 1e-6f * Math.abs(fitted.mean[j])) {
                std[j] = 1f;
            }
        }
        return new Standardizer(fitted.mean, std);
    }

    public float[] mean() {
        return mean.clone();
    }

    public float[] std() {
        return std.clone();
    }

    public int width() {
        return mean.length;
    }

    /** Standardises {@code x[off .. off + width)} in place. */
    public void apply(float[] x, int off) {
        for (int j = 0; j < mean.length; j++) {
            x[off + j] = std[j] == 0f ? 0f : (x[off + j] - mean[j]) / std[j];
        }
    }

    /**
     * The inverse of {@link #apply(float[], int)} where std > 0: {@code x[off + j] = x[off + j] * std_j + mean_j},
     * in float arithmetic (a multiply, then an add), as the exported ONNX graph's Mul and Add nodes compute it.
     */
    public void invert(float[] x, int off) {
        for (int j = 0; j < mean.length; j++) {
            x[off + j] = invert(x[off + j], j);
        }
    }

    /** Column j's inverse of one value: {@code z * std_j + mean_j} in float. */
    public float invert(float z, int j) {
        return z * std[j] + mean[j];
    }

    /** The block with its targets standardised (a copy; the features are shared, not copied). */
    public DataBlock applyToTargets(DataBlock block) {
        return withTargets(block, false);
    }

    /** The block with its standardised targets back in their own units (a copy; the features are shared). */
    public DataBlock invertTargets(DataBlock block) {
        return withTargets(block, true);
    }

    private DataBlock withTargets(DataBlock block, boolean inverse) {
        int width = block.targetWidth();
        if (width != mean.length) {
            throw new IllegalArgumentException("block has " + width + " targets per row, the standardisation " + mean.length);
        }
        float[] y = block.targets().clone();
        for (int r = 0; r < block.rows(); r++) {
            if (inverse) {
                invert(y, r * width);
            } else {
                apply(y, r * width);
            }
        }
        return block.withTargets(width, y);
    }

    /** A standardised copy of a block (dense: centred and scaled; sparse: scaled only). */
    public DataBlock apply(DataBlock block) {
        if (block.cols() != mean.length) {
            throw new IllegalArgumentException("block has " + block.cols() + " features, the standardisation " + mean.length);
        }
        if (block.isCompact()) {
            throw new IllegalArgumentException("standardise float32 features before compacting them (a "
                    + block.cacheFormat().settingName() + " block)");
        }
        if (block.isSparse()) {
            CsrMatrix x = block.sparse();
            float[] values = x.values().clone();
            for (int k = 0; k < x.nnz(); k++) {
                int j = x.indices()[k];
                values[k] = std[j] == 0f ? 0f : (values[k] - mean[j]) / std[j];
            }
            CsrMatrix scaled = new CsrMatrix(x.rows(), x.cols(), x.indptr().clone(), x.indices().clone(), values);
            return DataBlock.sparse(scaled, block.targetWidth(), block.targets()).withWeights(block.weights());
        }
        float[] x = block.dense().clone();
        for (int r = 0; r < block.rows(); r++) {
            apply(x, r * block.cols());
        }
        return DataBlock.dense(block.rows(), block.cols(), x, block.targetWidth(), block.targets()).withWeights(block.weights());
    }
}
