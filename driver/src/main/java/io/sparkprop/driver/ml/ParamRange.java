package io.sparkprop.driver.ml;

import scala.runtime.AbstractFunction1;

import java.io.Serializable;
import java.util.Arrays;

/**
 * A Spark ML parameter validator that names the valid range. Spark validates a value whenever it is
 * set (setter, {@code ParamMap}, {@code ParamGridBuilder}, loading), but its own message says only
 * "given invalid value"; this validator throws first, with the parameter, the value and the range.
 */
final class ParamRange<T> extends AbstractFunction1<T, Object> implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The test a valid value passes; serializable because Params are. */
    interface Rule<T> extends Serializable {
        boolean test(T value);
    }

    private final String param;
    private final String expected;
    private final Rule<T> rule;

    ParamRange(String param, String expected, Rule<T> rule) {
        this.param = param;
        this.expected = expected;
        this.rule = rule;
    }

    @Override
    public Object apply(T value) {
        boolean valid;
        try {
            valid = value != null && rule.test(value);
        } catch (RuntimeException e) {
            valid = false;
        }
        if (!valid) {
            String shown = value instanceof int[] ? Arrays.toString((int[]) value)
                    : value instanceof String ? "'" + value + "'" : String.valueOf(value);
            throw new IllegalArgumentException("parameter " + param + " = " + shown + " is invalid, expected " + expected);
        }
        return Boolean.TRUE;
    }
}
