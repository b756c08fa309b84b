package io.sparkprop.driver.ml;

import io.sparkprop.driver.data.BadInputException;
import io.sparkprop.driver.data.InputErrors;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Optional;
import java.util.Set;

/**
 * The one line a failed fit, transform, save or load is reported with to a caller that cannot show a
 * JVM stack trace (the Python API reads it through Py4J): the bad-input line found inside a Spark job
 * failure, else the message of the first IllegalArgumentException in the cause chain (a bad
 * parameter, column or model folder), else the root cause's; always its first line. The command
 * line's failure report picks the same line.
 */
public final class ErrorLine {
    private ErrorLine() {
    }

    public static String of(Throwable failure) {
        Optional<BadInputException> bad = InputErrors.find(failure);
        if (bad.isPresent()) {
            return firstLine(bad.get());
        }
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Throwable t = failure;
        while (t.getCause() != null && seen.add(t) && !(t instanceof IllegalArgumentException)) {
            t = t.getCause();
        }
        return firstLine(t);
    }

    private static String firstLine(Throwable t) {
        String m = t.getMessage();
        if (m == null || m.isBlank()) {
            return t.getClass().getSimpleName();
        }
        int nl = m.indexOf('\n');
        return (nl < 0 ? m : m.substring(0, nl)).strip();
    }
}
