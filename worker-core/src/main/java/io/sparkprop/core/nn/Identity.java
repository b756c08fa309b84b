package io.sparkprop.core.nn;

/** f(z) = z, f'(z) = 1. */
public final class Identity implements Activation {
    @Override
    public String name() {
        return "identity";
    }

    @Override
    public void forward(float[] z, float[] bias, int bOff, float[] a, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int row = r * cols;
            for (int c = 0; c < cols; c++) {
                float v = z[row + c] + bias[bOff + c];
                z[row + c] = v;
                a[row + c] = v;
            }
        }
    }

    @Override
    public void backward(float[] z, float[] a, float[] delta, int rows, int cols) {
        // dL/dZ = dL/dA
    }
}
