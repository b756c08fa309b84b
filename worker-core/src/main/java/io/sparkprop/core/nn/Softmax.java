package io.sparkprop.core.nn;

import io.sparkprop.core.matrix.RowOps;

/**
 * Row-wise softmax: {@code p_i = e^(z_i - max z) / sum_j e^(z_j - max z)}.
 * Backward is the full Jacobian-vector product per row, {@code dL/dz_i = p_i (g_i - sum_j g_j p_j)},
 * so softmax works under any loss; with {@link SoftmaxCrossEntropy} the loss skips it and writes p - q.
 */
public final class Softmax implements Activation {
    @Override
    public String name() {
        return "softmax";
    }

    @Override
    public void forward(float[] z, float[] bias, int bOff, float[] a, int rows, int cols) {
        RowOps.addRowVector(z, rows, cols, bias, bOff);
        RowOps.softmaxRows(z, a, rows, cols);
    }

    @Override
    public void backward(float[] z, float[] a, float[] delta, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int row = r * cols;
            double dot = 0;
            for (int c = 0; c < cols; c++) {
                dot += delta[row + c] * a[row + c];
            }
            float s = (float) dot;
            for (int c = 0; c < cols; c++) {
                delta[row + c] = a[row + c] * (delta[row + c] - s);
            }
        }
    }
}
