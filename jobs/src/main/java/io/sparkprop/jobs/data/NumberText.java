package io.sparkprop.jobs.data;

import org.apache.spark.sql.catalyst.expressions.BoundReference;
import org.apache.spark.sql.catalyst.expressions.Cast;
import org.apache.spark.sql.catalyst.expressions.EvalMode;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.unsafe.Platform;
import org.apache.spark.unsafe.types.UTF8String;
import scala.Option;

/**
 * One task's reader of text cells as numbers: the number Spark's {@code try_cast(cell AS DOUBLE)} gives, or
 * none where the cast gives null. A plain decimal ({@code [+-]digits[.digits]}, at most 15 digits) is read
 * directly as m / 10^k, exact in both (m < 2^53, k <= 15: 10^k is a double) and rounded once by the division,
 * so it is the correctly rounded value {@code Double.parseDouble}, and with it the cast, gives; every other
 * cell (exponents, spaces, NaN, Infinity, text) is given to the cast itself. Not thread-safe.
 */
final class NumberText {
    private static final int MAX_DIGITS = 15;
    private static final double[] POWERS = new double[MAX_DIGITS + 1];

    static {
        POWERS[0] = 1;
        for (int k = 1; k < POWERS.length; k++) {
            POWERS[k] = POWERS[k - 1] * 10;
        }
    }

    private final Cast cast = new Cast(new BoundReference(0, DataTypes.StringType, true), DataTypes.DoubleType,
            Option.empty(), EvalMode.TRY());
    private final GenericInternalRow cell = new GenericInternalRow(1);
    private double value;

    /** Whether the cell (not null) is a number; when it is, {@link #value()} holds it. */
    boolean read(UTF8String text) {
        return read(text.getBaseObject(), text.getBaseOffset(), text.numBytes());
    }

    /** {@link #read(UTF8String)} of the cell of {@code length} UTF-8 bytes at {@code offset} of {@code base}. */
    boolean read(Object base, long offset, int length) {
        if (plainDecimal(base, offset, length)) {
            return true;
        }
        cell.update(0, UTF8String.fromAddress(base, offset, length));
        Object v = cast.eval(cell);
        if (v == null) {
            return false;
        }
        value = (Double) v;
        return true;
    }

    /** The number the last successful {@link #read} found. */
    double value() {
        return value;
    }

    /** Reads {@code [+-]digits[.digits]} with at most 15 digits into {@link #value}; false for anything else. */
    private boolean plainDecimal(Object base, long offset, int n) {
        int i = 0;
        boolean negative = false;
        byte sign = n > 0 ? Platform.getByte(base, offset) : 0;
        if (sign == '-' || sign == '+') {
            negative = sign == '-';
            i = 1;
        }
        long m = 0;
        int digits = 0;
        int fraction = -1;
        for (; i < n; i++) {
            byte b = Platform.getByte(base, offset + i);
            if (b >= '0' && b <= '9') {
                if (++digits > MAX_DIGITS) {
                    return false;
                }
                m = m * 10 + (b - '0');
                fraction += fraction >= 0 ? 1 : 0;
            } else if (b == '.' && fraction < 0) {
                fraction = 0;
            } else {
                return false;
            }
        }
        if (digits == 0) {
            return false;
        }
        double v = fraction > 0 ? m / POWERS[fraction] : m;
        value = negative ? -v : v;
        return true;
    }
}
