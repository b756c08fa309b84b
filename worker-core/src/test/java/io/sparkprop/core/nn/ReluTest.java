package io.sparkprop.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** ReLU's branch-free backward against the comparison it replaces, bit for bit. */
class ReluTest {

    @Test
    void backwardKeepsDeltaExactlyWhereZIsPositive() {
        float[] special = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, 1f, -1f, Float.MAX_VALUE,
            -Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN,
            Float.intBitsToFloat(0x7fffffff), Float.intBitsToFloat(0xffc00001), Float.intBitsToFloat(0x7f800001)};
        SplittableRandom rng = new SplittableRandom(5);
        int n = special.length * special.length + 1000;
        float[] z = new float[n];
        float[] delta = new float[n];
        for (int i = 0; i < n; i++) {
            boolean both = i < special.length * special.length;
            z[i] = both ? special[i / special.length] : Float.intBitsToFloat(rng.nextInt());
            delta[i] = both ? special[i % special.length] : (float) rng.nextGaussian();
        }
        float[] got = delta.clone();
        new Relu().backward(z, null, got, 1, n);
        for (int i = 0; i < n; i++) {
            float want = z[i] > 0f ? delta[i] : 0f;
            assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(got[i]), "z = " + z[i] + ", delta = " + delta[i]);
        }
    }
}
