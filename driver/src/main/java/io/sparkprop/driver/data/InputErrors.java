package io.sparkprop.driver.data;

import org.apache.spark.SparkException;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Bad input found on an executor surfaces on the driver as a {@link SparkException} ("Job aborted due
 * to stage failure: ... most recent failure: Lost task ...: io.sparkprop...BadInputException: column
 * 'x', ..."). The user wants that one line, so this digs the {@link BadInputException} back out:
 * <ol>
 *   <li>from the causes and suppressed exceptions (the scheduler attaches the deserialised task
 *       exception as the cause; Spark SQL's writers wrap it once more);</li>
 *   <li>failing that, from the text of any message in the chain: Spark puts the task's exception,
 *       class name and message, into the job's failure message, and that text is all there is when
 *       the exception could not be deserialised on the driver.</li>
 * </ol>
 */
public final class InputErrors {
    /** "io.sparkprop.driver.data.BadInputException: the message" up to the end of its line. */
    private static final Pattern IN_TEXT = Pattern.compile(Pattern.quote(BadInputException.class.getName()) + ": ([^\\r\\n]+)");

    private static final Pattern SQL_STATE = Pattern.compile("\\s+SQLSTATE: \\w+\\s*$");

    private InputErrors() {
    }

    /** The bad-input error somewhere inside {@code failure}, if there is one. */
    public static Optional<BadInputException> find(Throwable failure) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Throwable> pending = new ArrayDeque<>();
        pending.add(failure);
        String fromText = null;
        while (!pending.isEmpty()) {
            Throwable t = pending.poll();
            if (!seen.add(t)) {
                continue;
            }
            if (t instanceof BadInputException) {
                return Optional.of((BadInputException) t);
            }
            if (fromText == null && t.getMessage() != null) {
                fromText = inText(t.getMessage()).orElse(null);
            }
            if (t.getCause() != null) {
                pending.add(t.getCause());
            }
            Collections.addAll(pending, t.getSuppressed());
        }
        return fromText == null ? Optional.empty() : Optional.of(new BadInputException(fromText, failure));
    }

    /**
     * The message of the first BadInputException written in {@code text} (a message or a stack trace),
     * without the " SQLSTATE: XXKDA" Spark appends to the first line of its own errors' messages.
     */
    static Optional<String> inText(String text) {
        Matcher m = IN_TEXT.matcher(text);
        return m.find() ? Optional.of(SQL_STATE.matcher(m.group(1)).replaceFirst("").strip()) : Optional.empty();
    }

    /** The BadInputException inside {@code e} (with {@code e} as its cause), or an IllegalStateException. */
    static RuntimeException unwrap(SparkException e) {
        Optional<BadInputException> bad = find(e);
        if (bad.isPresent()) {
            return new BadInputException(bad.get().getMessage(), e);
        }
        return new IllegalStateException(e.getMessage(), e);
    }
}
