package io.sparkprop.jobs.data;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks of a dataset a command was given, before anything trains on it, each refusing with one line
 * that names the dataset ("the validation data PATH"): Spark's own failures further on name an
 * internal plan, or nothing ("the dataset is empty" of which?).
 */
public final class InputChecks {
    private InputChecks() {
    }

    /**
     * The columns training reads (features, labels, weight) are all in {@code data}.
     *
     * @param what "the validation data PATH"
     */
    public static void requireColumns(Dataset<Row> data, String what, List<String> columns) {
        Set<String> available = new HashSet<>(Arrays.asList(data.columns()));
        List<String> missing = new ArrayList<>();
        for (String c : columns) {
            if (!available.contains(c)) {
                missing.add(c);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(what + " lacks column" + (missing.size() == 1 ? " '" + missing.get(0) + "'"
                    : "s " + String.join(",", missing)) + " of the training data; it has " + String.join(",", data.columns())
                    + " (give it the training data's columns)");
        }
    }

    /** Training data has at least two rows: {@code rows}, counted up to 2 (DataSource#rowsUpTo). */
    public static void requireTrainingRows(long rows, String what) {
        if (rows < 2) {
            throw new IllegalArgumentException(what + (rows == 0 ? " has no rows" : " has one row") + ": training needs at"
                    + " least 2 (and more for a validation split)");
        }
    }

    /** Validation data is not empty: {@code rows}, counted up to 1 (DataSource#rowsUpTo). */
    public static void requireValidationRows(long rows, String what) {
        if (rows == 0) {
            throw new IllegalArgumentException(what + " has no rows: validation needs at least one (or leave out --validation"
                    + " to split one off the training data, data.validation.fraction)");
        }
    }
}
