package io.sparkprop.jobs.data;

import io.sparkprop.driver.data.BadInputException;
import io.sparkprop.driver.data.BadRowSearch;
import io.sparkprop.driver.data.RowCheck;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

import java.util.Optional;

/**
 * The first LIBSVM line Spark's reader refuses, named by file and line: Spark's own message ("requirement
 * failed: indices should be one-based and in ascending order; found current=-1, previous=-1", or
 * {@code For input string: "2147483648"}) names neither. Runs only after Spark's read failed: one
 * more Spark job over the files' lines, skipping what Spark skips (blank and {@code #} lines).
 */
final class LibsvmLines {
    /** Spark reads an index as a Java int, one-based. */
    private static final long LARGEST_INDEX = Integer.MAX_VALUE;

    private LibsvmLines() {
    }

    static Optional<BadInputException> firstBad(SparkSession spark, String path, BadRowSearch.RowNames names) {
        Column line = functions.trim(functions.col("value"));
        Dataset<Row> lines = spark.read().text(path).where(line.notEqual("").and(functions.not(line.startsWith("#"))));
        return BadRowSearch.find(lines, new Column[] {functions.col("value")}, new Check(), names);
    }

    /** One line: {@code label index:value index:value ...}, indices one-based and strictly ascending. */
    private static final class Check implements RowCheck {
        private static final long serialVersionUID = 1L;

        @Override
        public void check(Row row) {
            String[] items = row.getString(0).trim().split("[ \t]+");
            number(items[0], "label");
            long previous = 0;
            for (int k = 1; k < items.length; k++) {
                int colon = items[k].indexOf(':');
                if (colon < 0) {
                    throw bad("'" + items[k] + "' is not index:value");
                }
                String text = items[k].substring(0, colon);
                long index;
                try {
                    index = Long.parseLong(text);
                } catch (NumberFormatException e) {
                    throw bad("index '" + text + "' is not a whole number");
                }
                if (index < 1) {
                    throw bad("index " + index + ": LIBSVM indices start at 1 (0-based data: add 1 to every index)");
                }
                if (index > LARGEST_INDEX) {
                    throw bad("index " + index + " is larger than " + LARGEST_INDEX + ", the largest LIBSVM index");
                }
                if (index <= previous) {
                    throw bad("index " + index + " after index " + previous + ": indices must be ascending, each at most once"
                            + " per line");
                }
                number(items[k].substring(colon + 1), "value of index " + index);
                previous = index;
            }
        }

        private static void number(String text, String what) {
            try {
                Double.parseDouble(text);
            } catch (NumberFormatException e) {
                throw bad(what.equals("label") ? "label" : "features", what + " '" + text + "' is not a number");
            }
        }

        private static BadInputException bad(String problem) {
            return bad("features", problem);
        }

        private static BadInputException bad(String column, String problem) {
            return new BadInputException(column, -1, 0, problem);
        }
    }
}
