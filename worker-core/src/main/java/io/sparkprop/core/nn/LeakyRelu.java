package io.sparkprop.core.nn;

/** f(z) = z for z > 0 else slope * z; f'(z) = 1 for z > 0 else slope. */
public final class LeakyRelu implements Activation {
    private final float slope;

    public LeakyRelu(float slope) {
        if (!(slope >= 0f && slope < 1f)) {
            throw new IllegalArgumentException("leaky_relu slope must be in [0, 1), got " + slope);
        }
        this.slope = slope;
    }

    public float slope() {
        return slope;
    }

    @Override
    public String name() {
        return slope == 0.01f ? "leaky_relu" : "leaky_relu(" + slope + ")";
    }

    @Override
    public void forward(float[] z, float[] bias, int bOff, float[] a, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int row = r * cols;
            for (int c = 0; c < cols; c++) {
                float v = z[row + c] + bias[bOff + c];
                z[row + c] = v;
                a[row + c] = v > 0f ? v : slope * v;
            }
        }
    }

    @Override
    public void backward(float[] z, float[] a, float[] delta, int rows, int cols) {
        int n = rows * cols;
        for (int i = 0; i < n; i++) {
            delta[i] = z[i] > 0f ? delta[i] : slope * delta[i];
        }
    }
}
