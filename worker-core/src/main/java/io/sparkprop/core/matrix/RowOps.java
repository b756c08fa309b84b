package io.sparkprop.core.matrix;

/**
 * Row-wise and column-wise operations on row-major matrices [rows x cols] stored from offset 0.
 * Loops index every array by the loop variable alone so the JIT can vectorise them.
 */
public final class RowOps {
    private RowOps() {
    }

    /** {@code X[r][c] += v[vOff + c]} for every row. */
    public static void addRowVector(float[] x, int rows, int cols, float[] v, int vOff) {
        for (int r = 0; r < rows; r++) {
            int row = r * cols;
            for (int c = 0; c < cols; c++) {
                x[row + c] += v[vOff + c];
            }
        }
    }

    /**
     * {@code out[r][i] = exp(z[r][i] - max_j z[r][j]) / sum_j exp(z[r][j] - max_j z[r][j])}:
     * the shift by the row maximum keeps exp from overflowing and does not change the result.
     */
    public static void softmaxRows(float[] z, float[] out, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int row = r * cols;
            float max = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < cols; c++) {
                max = Math.max(max, z[row + c]);
            }
            double sum = 0;
            for (int c = 0; c < cols; c++) {
                float e = (float) Math.exp(z[row + c] - max);
                out[row + c] = e;
                sum += e;
            }
            float inv = (float) (1.0 / sum);
            for (int c = 0; c < cols; c++) {
                out[row + c] *= inv;
            }
        }
    }

    /** {@code log sum_j exp(z[row + j])} over one row of length cols, computed stably. */
    public static double logSumExp(float[] z, int row, int cols) {
        float max = Float.NEGATIVE_INFINITY;
        for (int c = 0; c < cols; c++) {
            max = Math.max(max, z[row + c]);
        }
        double sum = 0;
        for (int c = 0; c < cols; c++) {
            sum += Math.exp(z[row + c] - max);
        }
        return max + Math.log(sum);
    }

    /**
     * Column sums added into a vector: {@code out[oOff + c] += sum_r x[r][c]} (the bias gradient
     * {@code gb = colsum(D)}). Rows are added in order, so the result is the same on every run.
     */
    public static void addColumnSums(float[] x, int rows, int cols, float[] out, int oOff) {
        for (int r = 0; r < rows; r++) {
            int row = r * cols;
            for (int c = 0; c < cols; c++) {
                out[oOff + c] += x[row + c];
            }
        }
    }
}
