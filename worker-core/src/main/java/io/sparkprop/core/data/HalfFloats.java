package io.sparkprop.core.data;

/**
 * Conversions between float32 and the two 16-bit float formats, by bit manipulation (Java 17 has no
 * Float.floatToFloat16), each rounding to nearest with ties to even, as IEEE 754 does by default.
 * <pre>
 *   bfloat16: sign, 8 exponent bits, 7 fraction bits: float32 with its low 16 bits dropped
 *   float16:  sign, 5 exponent bits (bias 15), 10 fraction bits; normal 2^-14 &lt;= |x| &lt;= 65504,
 *             subnormal k 2^-24 (k = 1..1023), above 65520 (the tie between 65504 and 2^16) infinite
 * </pre>
 * NaN stays NaN (its sign and top fraction bits kept, one fraction bit forced on if they were all
 * zero, so it never becomes infinity); infinity stays infinity.
 */
public final class HalfFloats {
    private HalfFloats() {
    }

    /** float32 to bfloat16 bits (the top 16 of the float's, rounded to nearest even). */
    public static short toBfloat16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if ((bits & 0x7FFFFFFF) > 0x7F800000) {
            int top = bits >>> 16;
            return (short) ((top & 0x7F) == 0 ? top | 0x40 : top);
        }
        // adding 0x7FFF plus the lowest kept bit carries into bit 16 exactly when the dropped half is
        // above 0x8000, or equal to it with an odd kept part: round to nearest, ties to even; a carry
        // out of the fraction raises the exponent, and out of the largest finite value gives infinity
        int rounded = bits + 0x7FFF + ((bits >>> 16) & 1);
        return (short) (rounded >>> 16);
    }

    /** bfloat16 bits to float32 (exact). */
    public static float fromBfloat16(short h) {
        return Float.intBitsToFloat((h & 0xFFFF) << 16);
    }

    /** float32 to IEEE binary16 bits, rounded to nearest even, subnormals and overflow included. */
    public static short toFloat16(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int abs = bits & 0x7FFFFFFF;
        if (abs >= 0x7F800000) {
            if (abs == 0x7F800000) {
                return (short) (sign | 0x7C00);
            }
            int fraction = (abs >>> 13) & 0x3FF;
            return (short) (sign | 0x7C00 | (fraction == 0 ? 0x200 : fraction));
        }
        if (abs >= 0x477FF000) {
            // |f| >= 65520, the midpoint between 65504 (odd fraction) and 2^16: rounds to infinity
            return (short) (sign | 0x7C00);
        }
        if (abs >= 0x38800000) {
            // normal half (|f| >= 2^-14): re-bias the exponent from 127 to 15, then drop 13 fraction
            // bits rounding to nearest even; a carry out of the fraction raises the exponent, as it should
            int rebiased = abs - ((127 - 15) << 23);
            return (short) (sign | ((rebiased + 0x0FFF + ((rebiased >>> 13) & 1)) >>> 13));
        }
        // subnormal half: k = round(|f| / 2^-24). |f| = m 2^(e - 150) with m the 24-bit significand
        // (implicit bit set) and e the biased exponent, so |f| / 2^-24 = m / 2^(126 - e)
        int e = abs >>> 23;
        int shift = 126 - e;
        if (shift > 24) {
            // |f| < 2^-25, below half the smallest subnormal: rounds to zero
            return (short) sign;
        }
        int m = (abs & 0x7FFFFF) | 0x800000;
        int k = m >>> shift;
        int remainder = m & ((1 << shift) - 1);
        int half = 1 << (shift - 1);
        if (remainder > half || (remainder == half && (k & 1) == 1)) {
            k++;
        }
        return (short) (sign | k);
    }

    /** IEEE binary16 bits to float32 (exact: every half is a float). */
    public static float fromFloat16(short h) {
        int bits = h & 0xFFFF;
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1F;
        int fraction = bits & 0x3FF;
        if (exponent == 0) {
            // zero or subnormal: fraction 2^-24, a product of a small integer and a power of two, exact in float
            return Float.intBitsToFloat(sign | Float.floatToRawIntBits(fraction * 0x1p-24f));
        }
        if (exponent == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F800000 | (fraction << 13));
        }
        return Float.intBitsToFloat(sign | ((exponent - 15 + 127) << 23) | (fraction << 13));
    }
}
