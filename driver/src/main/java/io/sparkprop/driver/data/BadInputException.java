package io.sparkprop.driver.data;

/**
 * A value in the user's data that sparkprop cannot use, found where the rows are read (usually inside
 * a Spark task): the message names the column, the partition and row within it (or the file and line
 * where they are known), the value and what was expected. It is an {@link IllegalArgumentException},
 * so callers that catch bad arguments catch it too; {@link InputErrors#find} digs it back out of the
 * {@code SparkException} a failed job throws on the driver.
 */
public final class BadInputException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** @param problem the value and what was expected, e.g. "feature 2 is NaN, expected a finite float32 number" */
    public BadInputException(String column, int partition, int row, String problem) {
        super("column '" + column + "', partition " + partition + ", row " + row + ": " + problem);
    }

    /** A message already naming where the value is (e.g. a file and line). */
    public BadInputException(String message) {
        super(message);
    }

    /** The same message, with the Spark failure it was found in as the cause. */
    BadInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
