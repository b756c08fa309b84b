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

    /** {@code delta = z > 0 ? delta : +0}, as a mask of the bits: no branch to mispredict on a layer's mixed signs. */
    @Override
    public void backward(float[] z, float[] a, float[] delta, int rows, int cols) {
        int n = rows * cols;
        for (int i = 0; i < n; i++) {
            delta[i] = Float.intBitsToFloat(Float.floatToRawIntBits(delta[i]) & positiveMask(z[i]));
        }
    }

    /**
     * All ones where {@code z > 0}, else 0. z > 0 exactly when its bits, as an int, lie in (0, +inf's
     * 0x7f800000]: negatives and -0 have the sign bit, +0 is 0, NaNs lie above. Both ends are tested
     * with signs: {@code -bits < 0} (bits > 0; -MIN_VALUE stays negative, but then the other end is
     * positive) and {@code bits - 0x7f800001 < 0}.
     */
    private static int positiveMask(float z) {
        int bits = Float.floatToRawIntBits(z);
        return (-bits & (bits - 0x7f800001)) >> 31;
    }
}
