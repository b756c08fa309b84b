package io.sparkprop.core.nn;

/** f(z) = 1 / (1 + e^-z), f'(z) = f(z) (1 - f(z)). */
public final class Sigmoid implements Activation {
    @Override
    public String name() {
        return "sigmoid";
    }

    static float sigmoid(float z) {
        return (float) (1.0 / (1.0 + Math.exp(-z)));
    }

    @Override
    public void forward(float[] z, float[] bias, int bOff, float[] a, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int row = r * cols;
            for (int c = 0; c < cols; c++) {
                float v = z[row + c] + bias[bOff + c];
                z[row + c] = v;
                a[row + c] = sigmoid(v);
            }
        }
    }

    @Override
    public void backward(float[] z, float[] a, float[] delta, int rows, int cols) {
        int n = rows * cols;
        for (int i = 0; i < n; i++) {
            delta[i] *= a[i] * (1f - a[i]);
        }
    }
}
