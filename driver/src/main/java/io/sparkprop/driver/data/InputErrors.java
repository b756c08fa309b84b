package io.sparkprop.driver.data;

import org.apache.spark.SparkException;

/**
 * Bad input found on an executor surfaces on the driver as a {@link SparkException} ("Job aborted
 * ... most recent failure: ..."). The caller wants the plain {@link IllegalArgumentException} that
 * names the column, partition and row, so this digs it out of the cause chain.
 */
final class InputErrors {
    private InputErrors() {
    }

    /** Returns the IllegalArgumentException inside {@code e}, or {@code e} itself if there is none. */
    static RuntimeException unwrap(SparkException e) {
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof IllegalArgumentException) {
                return new IllegalArgumentException(t.getMessage(), e);
            }
        }
        return new IllegalStateException(e.getMessage(), e);
    }
}
