package io.sparkprop.core.nn;

import io.sparkprop.core.matrix.RowOps;

/**
 * Softmax cross-entropy with a class index y_r per row: {@code L_r = -log p[r][y_r]
 * = logsumexp(Z[r]) - Z[r][y_r]} (computed from the logits, so it stays finite), and
 * {@code dL_r/dZ[r][j] = p[r][j] - q[r][j]} with q the one-hot of y_r. The output activation must be
 * softmax.
 */
public final class SoftmaxCrossEntropy implements Loss {
    @Override
    public String name() {
        return "softmax_cross_entropy";
    }

    @Override
    public int targetWidth(int outputs) {
        return 1;
    }

    @Override
    public void checkOutputActivation(Activation output) {
        if (!(output instanceof Softmax)) {
            throw new IllegalArgumentException("softmax_cross_entropy needs a softmax output layer, got " + output.name());
        }
    }

    @Override
    public double lossAndDelta(Activation output, float[] z, float[] a, float[] targets, float[] weights,
                               float[] delta, int rows, int outputs) {
        if (weights != null) {
            return weightedLossAndDelta(z, a, targets, weights, delta, rows, outputs);
        }
        System.arraycopy(a, 0, delta, 0, rows * outputs);
        double sum = 0;
        for (int r = 0; r < rows; r++) {
            int row = r * outputs;
            int y = classIndex(targets[r], outputs, r);
            delta[row + y] -= 1f;
            sum += RowOps.logSumExp(z, row, outputs) - z[row + y];
        }
        return sum;
    }

    /** {@code delta[r] = w_r (p[r] - q[r])}, {@code sum_r w_r L_r}. */
    private static double weightedLossAndDelta(float[] z, float[] a, float[] targets, float[] weights,
                                               float[] delta, int rows, int outputs) {
        double sum = 0;
        for (int r = 0; r < rows; r++) {
            int row = r * outputs;
            int y = classIndex(targets[r], outputs, r);
            float w = weights[r];
            for (int j = 0; j < outputs; j++) {
                delta[row + j] = a[row + j] * w;
            }
            delta[row + y] -= w;
            sum += w * (RowOps.logSumExp(z, row, outputs) - z[row + y]);
        }
        return sum;
    }

    @Override
    public double loss(float[] z, float[] a, float[] targets, float[] weights, int rows, int outputs) {
        double sum = 0;
        for (int r = 0; r < rows; r++) {
            int row = r * outputs;
            double l = RowOps.logSumExp(z, row, outputs) - z[row + classIndex(targets[r], outputs, r)];
            sum += weights == null ? l : weights[r] * l;
        }
        return sum;
    }

    static int classIndex(float label, int classes, int row) {
        int y = (int) label;
        if (y != label || y < 0 || y >= classes) {
            throw new IllegalArgumentException("row " + row + ": label " + label
                    + " is not a class index in [0, " + classes + ")");
        }
        return y;
    }
}
