package io.sparkprop.jobs.data;

import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.unsafe.types.UTF8String;

import java.util.Arrays;

/**
 * One CSV row as read once ({@link CsvParse}): its typed cells (the features, then the scalars; null where
 * {@code nulls} says), its other cells as text when a split must sort by them (else null), and {@code bad}:
 * the index among the checked columns of the first cell that is not a number ({@link #GOOD} when none).
 */
record ParsedRow(double[] numbers, boolean[] nulls, UTF8String[] texts, int bad) {
    static final int GOOD = Integer.MAX_VALUE;
    private static final VectorUDT VECTOR = new VectorUDT();

    boolean isNull(int i) {
        return nulls != null && nulls[i];
    }

    /** Spark's ascending order of typed cell i: nulls first, -0.0 = 0.0, NaN = NaN and last. */
    int compareNumber(ParsedRow other, int i) {
        if (isNull(i) || other.isNull(i)) {
            return isNull(i) ? (other.isNull(i) ? 0 : -1) : 1;
        }
        double x = numbers[i];
        double y = other.numbers[i];
        return x == y ? 0 : Double.compare(x, y);
    }

    /** Spark's ascending order of text cell i: nulls first, then by UTF-8 bytes. */
    int compareText(ParsedRow other, int i) {
        UTF8String a = texts[i];
        UTF8String b = other.texts[i];
        if (a == null || b == null) {
            return a == null ? (b == null ? 0 : -1) : 1;
        }
        return a.binaryCompare(b);
    }

    /** Whether one of the first {@code features} cells is null. */
    boolean featureNull(int features) {
        for (int i = 0; i < features && nulls != null; i++) {
            if (nulls[i]) {
                return true;
            }
        }
        return false;
    }

    /**
     * (the first {@code features} cells as one column, then the scalars): a dense ML vector when {@code vector}
     * (no feature is null), else an array of doubles, unsafe unless a feature is null.
     */
    InternalRow output(int features, boolean vector) {
        Object[] out = new Object[1 + numbers.length - features];
        if (vector) {
            out[0] = VECTOR.serialize(Vectors.dense(Arrays.copyOf(numbers, features)));
        } else if (featureNull(features)) {
            Object[] values = new Object[features];
            for (int i = 0; i < features; i++) {
                values[i] = isNull(i) ? null : numbers[i];
            }
            out[0] = new GenericArrayData(values);
        } else {
            out[0] = UnsafeArrayData.fromPrimitiveArray(Arrays.copyOf(numbers, features));
        }
        for (int i = features; i < numbers.length; i++) {
            out[1 + i - features] = isNull(i) ? null : numbers[i];
        }
        return new GenericInternalRow(out);
    }
}
