package io.sparkprop.core.nn;

/** f(z) = tanh z, f'(z) = 1 - f(z)^2. */
public final class Tanh implements Activation {
    @Override
    public String name() {
        return "tanh";
    }

    @Override
    public void forward(float[] z, float[] bias, int bOff, float[] a, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int row = r * cols;
            for (int c = 0; c < cols; c++) {
                float v = z[row + c] + bias[bOff + c];
                z[row + c] = v;
                a[row + c] = (float) Math.tanh(v);
            }
        }
    }

    @Override
    public void backward(float[] z, float[] a, float[] delta, int rows, int cols) {
        int n = rows * cols;
        for (int i = 0; i < n; i++) {
            delta[i] *= 1f - a[i] * a[i];
        }
    }
}
