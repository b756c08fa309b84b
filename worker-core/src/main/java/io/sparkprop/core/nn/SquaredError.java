package io.sparkprop.core.nn;

/**
 * MSE in the classic convention: {@code L_r = 1/2 * sum_j (y[r][j] - a[r][j])^2}, so
 * {@code dL_r/dA = a - y} and {@code dL_r/dZ = (a - y) * f'(Z)} through the output activation.
 */
public final class SquaredError implements Loss {
    @Override
    public String name() {
        return "mse";
    }

    @Override
    public int targetWidth(int outputs) {
        return outputs;
    }

    @Override
    public void checkOutputActivation(Activation output) {
        // any activation works: backward goes through f'
    }

    @Override
    public double lossAndDelta(Activation output, float[] z, float[] a, float[] targets, float[] weights,
                               float[] delta, int rows, int outputs) {
        int n = rows * outputs;
        double sum = 0;
        if (weights == null) {
            for (int i = 0; i < n; i++) {
                float d = a[i] - targets[i];
                delta[i] = d;
                sum += (double) d * d;
            }
        } else {
            // delta = w_r (a - y) before f': the backward through f' is linear in delta
            for (int r = 0; r < rows; r++) {
                float w = weights[r];
                double rowSum = 0;
                for (int i = r * outputs; i < (r + 1) * outputs; i++) {
                    float d = a[i] - targets[i];
                    delta[i] = d * w;
                    rowSum += (double) d * d;
                }
                sum += w * rowSum;
            }
        }
        output.backward(z, a, delta, rows, outputs);
        return 0.5 * sum;
    }

    @Override
    public double loss(float[] z, float[] a, float[] targets, float[] weights, int rows, int outputs) {
        double sum = 0;
        if (weights == null) {
            for (int i = 0; i < rows * outputs; i++) {
                double d = a[i] - targets[i];
                sum += d * d;
            }
            return 0.5 * sum;
        }
        for (int r = 0; r < rows; r++) {
            double rowSum = 0;
            for (int i = r * outputs; i < (r + 1) * outputs; i++) {
                double d = a[i] - targets[i];
                rowSum += d * d;
            }
            sum += weights[r] * rowSum;
        }
        return 0.5 * sum;
    }
}
