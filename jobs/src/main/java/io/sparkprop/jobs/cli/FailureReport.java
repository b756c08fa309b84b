package io.sparkprop.jobs.cli;

import io.sparkprop.driver.data.BadInputException;
import io.sparkprop.driver.data.InputErrors;

import java.io.PrintWriter;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How every command reports a failure on stderr (the one place: SparkpropCommand's execution handler).
 * <ul>
 *   <li>bad input found inside a Spark task ({@link BadInputException}, dug out of Spark's job failure
 *       by {@link InputErrors#find}): exactly its one line, whatever the master;</li>
 *   <li>any other expected failure (bad arguments, bad or unreadable files, storage faults, a held
 *       lock, a failed Spark job): one line, the first IllegalArgumentException's message in the
 *       cause chain, else the root cause's;</li>
 *   <li>a bug (the root cause is a programming error such as a NullPointerException, or an
 *       {@link Error}): the stack trace, then a line saying it is a bug and where to report it.</li>
 * </ul>
 */
final class FailureReport {
    /** Exceptions that only a mistake in the code throws: their stack trace is what a bug report needs. */
    private static final List<Class<? extends Throwable>> BUGS = List.of(NullPointerException.class, ClassCastException.class,
            IndexOutOfBoundsException.class, ArithmeticException.class, NegativeArraySizeException.class,
            ArrayStoreException.class, UnsupportedOperationException.class, java.util.ConcurrentModificationException.class,
            java.util.NoSuchElementException.class, IllegalMonitorStateException.class, Error.class);
    /** Spark's text for a task's exception: "... most recent failure: Lost task 0.0 in stage 1.0 (TID 1) (host executor 1): java.lang.Foo: ...". */
    private static final Pattern TASK_EXCEPTION = Pattern.compile("most recent failure: Lost task [^\\r\\n]*?\\): ([\\w$.]+)(?::|\\r?\\n|$)");
    static final String REPORT_BUG = "this is a bug in sparkprop: please report it to the sparkprop project with the command line"
            + " and the stack trace above";

    private FailureReport() {
    }

    /** Prints why {@code command} failed: one line, or for a bug the stack trace and the bug line. */
    static void print(String command, Throwable failure, PrintWriter err) {
        String prefix = "sparkprop " + command + ": error: ";
        Optional<BadInputException> bad = InputErrors.find(failure);
        if (bad.isPresent()) {
            err.println(prefix + oneLine(bad.get()));
        } else if (isBug(failure)) {
            failure.printStackTrace(err);
            err.println(prefix + oneLine(rootCause(failure)) + "; " + REPORT_BUG);
        } else {
            Throwable cause = failure;
            while (cause.getCause() != null && cause.getCause() != cause && !(cause instanceof IllegalArgumentException)) {
                cause = cause.getCause();
            }
            err.println(prefix + oneLine(cause));
        }
        err.flush();
    }

    /**
     * True when the root cause is a programming error: one of {@link #BUGS} as an exception or, when
     * Spark could not deserialise a task's exception on the driver, by the class name in its message.
     */
    static boolean isBug(Throwable failure) {
        Throwable root = rootCause(failure);
        if (isBugClass(root.getClass())) {
            return true;
        }
        Matcher m = TASK_EXCEPTION.matcher(String.valueOf(root.getMessage()));
        if (m.find()) {
            try {
                return isBugClass(Class.forName(m.group(1), false, FailureReport.class.getClassLoader()));
            } catch (ClassNotFoundException | LinkageError e) {
                return false;
            }
        }
        return false;
    }

    private static boolean isBugClass(Class<?> type) {
        return BUGS.stream().anyMatch(b -> b.isAssignableFrom(type)) && !OutOfMemoryError.class.isAssignableFrom(type);
    }

    private static Throwable rootCause(Throwable failure) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Throwable t = failure;
        while (t.getCause() != null && seen.add(t)) {
            t = t.getCause();
        }
        return t;
    }

    /** A failure as one line: the message's first line, or the exception type when there is none. */
    static String oneLine(Throwable t) {
        String m = t.getMessage();
        if (m == null || m.isBlank()) {
            return t.getClass().getSimpleName();
        }
        int nl = m.indexOf('\n');
        return (nl < 0 ? m : m.substring(0, nl)).strip();
    }
}
