package io.sparkprop.jobs.data;

import org.apache.spark.sql.catalyst.expressions.BoundReference;
import org.apache.spark.sql.catalyst.expressions.Cast;
import org.apache.spark.sql.catalyst.expressions.EvalMode;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;
import scala.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A cell reads as the number Spark's {@code try_cast(cell AS DOUBLE)} gives it, bit for bit, or as none where the cast gives null. */
class NumberTextTest {
    private final Cast cast = new Cast(new BoundReference(0, DataTypes.StringType, true), DataTypes.DoubleType, Option.empty(),
            EvalMode.TRY());

    @Test
    void everyCellReadsAsTheCastReadsIt() {
        List<String> cells = new ArrayList<>(List.of("0", "-0", "+0", "-0.0", "0.0", "1", "+5", "-3", "1.", ".5", "-.5", ".", "-", "+",
                "", " ", " 1.5", "1.5 ", "\t2", "1e3", "1E-3", "-1.5e+300", "NaN", "nan", "-NaN", "Infinity", "-Infinity", "inf",
                "-inf", "1d", "2f", "0x1p3", "1,5", "1.2.3", "five", "123456789012345", "1234567890123456", "0.1", "0.3",
                "999999999999999", "9999999999999999", "0.000000000000001", "3.141592653589793", "2.718281828459045",
                "1.7976931348623157e308", "4.9e-324", "00000000000000012", "12abc", "--1", "+-1", "1_000"));
        Random r = new Random(3);
        for (int i = 0; i < 20000; i++) {
            int digits = 1 + r.nextInt(17);
            StringBuilder s = new StringBuilder(r.nextBoolean() ? "-" : "");
            int dot = r.nextInt(digits + 1);
            for (int d = 0; d < digits; d++) {
                s.append(d == dot ? "." : "").append(r.nextInt(10));
            }
            cells.add(s.toString());
        }
        NumberText numbers = new NumberText();
        for (String c : cells) {
            GenericInternalRow row = new GenericInternalRow(new Object[] {UTF8String.fromString(c)});
            Object expected = cast.eval(row);
            boolean read = numbers.read(UTF8String.fromString(c));
            assertEquals(expected != null, read, "'" + c + "'");
            if (read) {
                assertEquals(Double.doubleToRawLongBits((Double) expected), Double.doubleToRawLongBits(numbers.value()), "'" + c + "'");
            }
        }
    }
}
