package io.sparkprop.driver.data;

/**
 * A value in the user's data that sparkprop cannot use, found where the rows are read (usually inside
 * a Spark task): the message names where the value is, the column, the value and what was expected.
 * Inside a task "where" is the partition and the row within it, which after a split or a shuffle
 * means little to the user; {@link BadRowSearch} then finds the file and line (or Parquet/ORC row) of
 * the first such value in the input and a new exception says that. It is an
 * {@link IllegalArgumentException}, so callers that catch bad arguments catch it too;
 * {@link InputErrors#find} digs it back out of the {@code SparkException} a failed job throws on the driver.
 */
public final class BadInputException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** The column the value is in, or null when the message was given whole. */
    private final String column;
    /** The value and what was expected, or null when the message was given whole. */
    private final String problem;

    /** @param problem the value and what was expected, e.g. "feature 2 is NaN, expected a finite float32 number" */
    public BadInputException(String column, int partition, int row, String problem) {
        super("column '" + column + "', partition " + partition + ", row " + row + ": " + problem);
        this.column = column;
        this.problem = problem;
    }

    private BadInputException(String message, String column, String problem) {
        super(message);
        this.column = column;
        this.problem = problem;
    }

    /** A message already naming where the value is (e.g. a file and line). */
    public BadInputException(String message) {
        this(message, null, null);
    }

    /** The same message, with the Spark failure it was found in as the cause. */
    BadInputException(String message, Throwable cause) {
        super(message, cause);
        this.column = null;
        this.problem = null;
    }

    /**
     * "{@code place}, column '{@code column}': {@code problem}", e.g. "/data/train.csv line 101,
     * column 'b': value is NaN, expected a finite float32 number".
     */
    public static BadInputException at(String place, String column, String problem) {
        return new BadInputException(place + ", column '" + column + "': " + problem, column, problem);
    }

    /** The column of the value, or null when the message was given whole. */
    public String column() {
        return column;
    }

    /** The value and what was expected (the message without where), or null when the message was given whole. */
    public String problem() {
        return problem;
    }
}
