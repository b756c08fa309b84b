package io.sparkprop.core.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Small assertion helpers shared by the optimizer tests. */
final class OptimTestSupport {
    private OptimTestSupport() {
    }

    /** |actual - expected| <= tol for every element. */
    static void assertClose(double[] expected, float[] actual, double tol) {
        assertEquals(expected.length, actual.length, "length");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tol, "element " + i);
        }
    }

    /** |actual - expected| <= relTol * max(|expected|, tiny) for every element. */
    static void assertRelClose(double[] expected, float[] actual, double relTol) {
        assertEquals(expected.length, actual.length, "length");
        for (int i = 0; i < expected.length; i++) {
            double scale = Math.max(Math.abs(expected[i]), 1e-30);
            double rel = Math.abs(actual[i] - expected[i]) / scale;
            assertTrue(rel <= relTol, "element " + i + ": expected " + expected[i] + ", got " + actual[i]
                    + " (relative error " + rel + ")");
        }
    }

    static void assertBitIdentical(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + " length");
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                fail(what + " differs at " + i + ": " + expected[i] + " vs " + actual[i]);
            }
        }
    }

    static void assertBitIdentical(float[][] expected, float[][] actual, String what) {
        assertEquals(expected.length, actual.length, what + " array count");
        for (int k = 0; k < expected.length; k++) {
            assertBitIdentical(expected[k], actual[k], what + "[" + k + "]");
        }
    }

    static float[] f(double... values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }
}
