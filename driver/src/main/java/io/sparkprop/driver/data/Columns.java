package io.sparkprop.driver.data;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;

import java.util.Arrays;

/** Column names as Spark SQL reads them, and the one message for a column that is not there. */
public final class Columns {
    private Columns() {
    }

    /** {@code name} in backticks (a backtick inside doubled), so dots and spaces are part of the name. */
    public static String quoted(String name) {
        return "`" + name.replace("`", "``") + "`";
    }

    /** The column {@code name}, taken literally (see {@link #quoted}). */
    public static Column col(String name) {
        return functions.col(quoted(name));
    }

    /** Fails with "{@code what} 'name' not found; available columns: [...]" unless {@code schema} has {@code name}. */
    public static void require(StructType schema, String name, String what) {
        // a lookup in the schema's name index: a scan of its names per column made N columns cost N^2
        if (schema.getFieldIndex(name).isEmpty()) {
            throw new IllegalArgumentException(what + " '" + name + "' not found; available columns: "
                    + Arrays.toString(schema.fieldNames()));
        }
    }
}
