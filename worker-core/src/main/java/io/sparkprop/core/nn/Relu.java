package io.sparkprop.core.nn;

/** f(z) = max(0, z), f'(z) = 1 for z > 0 else 0. */
public final class Relu implements Activation {
    @Override
    public String name() {
        return "relu";
    }

    @Override
    public void forward(float[] z, float[] bias, int bOff, float[] a, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int row = r * cols;
            for (int c = 0; c < cols; c++) {
                float v = z[row + c] + bias[bOff + c];
                z[row + c] = v;
                a[row + c] = Math.max(v, 0f);
            }
        }
    }

    @Override
    public void backward(float[] z, float[] a, float[] delta, int rows, int cols) {
        int n = rows * cols;
        for (int i = 0; i < n; i++) {
            delta[i] = z[i] > 0f ? delta[i] : 0f;
        }
    }
}
