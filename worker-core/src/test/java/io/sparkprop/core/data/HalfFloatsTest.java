package io.sparkprop.core.data;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The 16-bit conversions against independent references: every one of the 65536 bit patterns of
 * each format round-trips, and float32 to 16 bits agrees with a reference that rounds by comparing
 * distances in double (exact here: a float and its two neighbouring 16-bit values differ by a
 * multiple of the float's ulp smaller than 2^25 ulps) on every tie, every neighbour of a tie, every
 * 16-bit value and a stride through all 2^32 float patterns.
 */
class HalfFloatsTest {

    @Test
    void everyFloat16PatternRoundTripsThroughFloat() {
        for (int h = 0; h < 65536; h++) {
            float f = HalfFloats.fromFloat16((short) h);
            String name = "half 0x" + Integer.toHexString(h);
            assertEquals(h, HalfFloats.toFloat16(f) & 0xFFFF, name);
            double reference = referenceFloat16Value(h);
            if (Double.isNaN(reference)) {
                assertTrue(Float.isNaN(f), name);
            } else {
                assertEquals(Float.floatToRawIntBits((float) reference), Float.floatToRawIntBits(f), name + " decodes to " + f);
            }
        }
    }

    @Test
    void everyBfloat16PatternRoundTripsThroughFloat() {
        for (int h = 0; h < 65536; h++) {
            float f = HalfFloats.fromBfloat16((short) h);
            assertEquals(h, HalfFloats.toBfloat16(f) & 0xFFFF, "bfloat16 0x" + Integer.toHexString(h));
        }
    }

    @Test
    void float16MatchesTheReferenceOnEveryTieAndItsNeighbours() {
        for (int h = 0; h < 0x7C00; h++) {
            double lo = referenceFloat16Value(h);
            double hi = h + 1 == 0x7C00 ? 65536 : referenceFloat16Value(h + 1);
            float mid = (float) ((lo + hi) / 2);
            assertEquals((lo + hi) / 2, mid, 0, "a float16 midpoint is a float");
            for (float f : new float[] {(float) lo, mid, Math.nextDown(mid), Math.nextUp(mid), Math.nextUp((float) lo)}) {
                checkFloat16(f);
                checkFloat16(-f);
            }
        }
        for (float f : new float[] {65504f, 65519.996f, 65520f, 65536f, 1e6f, Float.MAX_VALUE, Float.MIN_VALUE, 0x1p-25f,
                Math.nextUp(0x1p-25f), 0x1p-24f, 0x1.8p-24f, 0x1p-14f, Math.nextDown(0x1p-14f), 0f}) {
            checkFloat16(f);
            checkFloat16(-f);
        }
    }

    @Test
    void float16AndBfloat16MatchTheReferenceOnAStrideThroughEveryFloat() {
        SplittableRandom random = new SplittableRandom(11);
        for (long bits = 0; bits < (1L << 32); bits += 997 + random.nextInt(64)) {
            float f = Float.intBitsToFloat((int) bits);
            checkFloat16(f);
            checkBfloat16(f);
        }
        for (int i = 0; i < 200_000; i++) {
            float f = (float) (random.nextGaussian() * 4);
            checkFloat16(f);
            checkBfloat16(f);
        }
    }

    @Test
    void bfloat16MatchesTheReferenceOnEveryTieAndItsNeighbours() {
        for (int h = 0; h < 0x7F80; h++) {
            int bits = h << 16;
            for (int low : new int[] {0, 1, 0x7FFF, 0x8000, 0x8001, 0xFFFF}) {
                checkBfloat16(Float.intBitsToFloat(bits | low));
                checkBfloat16(Float.intBitsToFloat(bits | low | 0x80000000));
            }
        }
    }

    @Test
    void infinityAndNanSurvive() {
        assertEquals(0x7C00, HalfFloats.toFloat16(Float.POSITIVE_INFINITY) & 0xFFFF);
        assertEquals(0xFC00, HalfFloats.toFloat16(Float.NEGATIVE_INFINITY) & 0xFFFF);
        assertEquals(0x7F80, HalfFloats.toBfloat16(Float.POSITIVE_INFINITY) & 0xFFFF);
        // a NaN whose set fraction bits are all below the kept ones must not become infinity
        float lowNan = Float.intBitsToFloat(0x7F800001);
        assertTrue(Float.isNaN(HalfFloats.fromFloat16(HalfFloats.toFloat16(lowNan))));
        assertTrue(Float.isNaN(HalfFloats.fromBfloat16(HalfFloats.toBfloat16(lowNan))));
        assertTrue(Float.isNaN(HalfFloats.fromFloat16(HalfFloats.toFloat16(Float.NaN))));
        assertTrue(Float.isNaN(HalfFloats.fromBfloat16(HalfFloats.toBfloat16(Float.NaN))));
    }

    /** A half's value from its fields, in double: (-1)^s 2^(e - 15) (1 + f / 1024), or 2^-14 f / 1024 when e = 0. */
    private static double referenceFloat16Value(int h) {
        int e = (h >>> 10) & 0x1F;
        int f = h & 0x3FF;
        double sign = (h & 0x8000) != 0 ? -1 : 1;
        if (e == 0x1F) {
            return f == 0 ? sign * Double.POSITIVE_INFINITY : Double.NaN;
        }
        return e == 0 ? sign * Math.scalb((double) f, -24) : sign * Math.scalb(1024.0 + f, e - 25);
    }

    /**
     * Round to nearest even by distances: the largest non-negative half lo <= |f| (binary search over
     * the monotone positive halves), its successor hi (2^16 standing for infinity, as IEEE rounds with
     * an unbounded exponent), the nearer one, the even one on a tie.
     */
    private static int referenceFloat16(float f) {
        if (Float.isNaN(f)) {
            return -1;
        }
        int sign = (Float.floatToRawIntBits(f) >>> 16) & 0x8000;
        double a = Math.abs((double) f);
        if (a >= 65536) {
            return sign | 0x7C00;
        }
        int low = 0;
        int high = 0x7BFF;
        while (low < high) {
            int m = (low + high + 1) >>> 1;
            if (referenceFloat16Value(m) <= a) {
                low = m;
            } else {
                high = m - 1;
            }
        }
        double lo = referenceFloat16Value(low);
        double hi = low == 0x7BFF ? 65536 : referenceFloat16Value(low + 1);
        double below = a - lo;
        double above = hi - a;
        int h = below < above ? low : below > above ? low + 1 : (low & 1) == 0 ? low : low + 1;
        return sign | h;
    }

    private static void checkFloat16(float f) {
        int expected = referenceFloat16(f);
        int actual = HalfFloats.toFloat16(f) & 0xFFFF;
        if (expected < 0) {
            assertTrue(Float.isNaN(HalfFloats.fromFloat16((short) actual)), () -> "NaN " + f);
        } else if (expected != actual) {
            fail("float16 of " + f + " (0x" + Integer.toHexString(Float.floatToRawIntBits(f)) + "): 0x"
                    + Integer.toHexString(actual) + ", expected 0x" + Integer.toHexString(expected));
        }
    }

    /** bfloat16 by distances: truncated lo (low 16 bits cleared) and hi = lo + 2^16 in bits, the nearer, even on a tie. */
    private static void checkBfloat16(float f) {
        int actual = HalfFloats.toBfloat16(f) & 0xFFFF;
        if (Float.isNaN(f)) {
            assertTrue(Float.isNaN(HalfFloats.fromBfloat16((short) actual)), () -> "NaN " + f);
            return;
        }
        int bits = Float.floatToRawIntBits(f);
        int truncated = bits & 0xFFFF0000;
        double lo = Math.abs((double) Float.intBitsToFloat(truncated));
        double hi = Math.abs(bfloat16Successor(truncated & 0x7FFF0000));
        double a = Math.abs((double) f);
        double below = a - lo;
        double above = hi - a;
        int top = truncated >>> 16;
        int expected = below < above ? top : below > above ? top + 1 : (top & 1) == 0 ? top : top + 1;
        if (Float.isInfinite(f)) {
            expected = top;
        }
        assertEquals(expected & 0xFFFF, actual, () -> "bfloat16 of " + f);
    }

    /** The next bfloat16 magnitude above non-negative bits {@code b}, as a double (2^128 past the largest finite one). */
    private static double bfloat16Successor(int b) {
        if (b == 0x7F7F0000) {
            return Math.scalb(1.0, 128);
        }
        return Float.intBitsToFloat(b + 0x10000);
    }
}
