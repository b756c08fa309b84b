package io.sparkprop.driver.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The choice settings the driver acts on, as enums: a setting declared from one of them
 * ({@link Setting#choice(String, String, Enum, Class, String)}) lists its constants, in lower case, as
 * its choices, and {@link #of} reads a value back, so no code compares a choice's text.
 */
public final class Choice {
    private Choice() {
    }

    /** train.aggregation. */
    public enum Aggregation { AUTO, DRIVER, SHARDED }

    /** train.synchronousExchange: who adds a synchronous step's partials (the driver, or the tasks among themselves). */
    public enum SynchronousExchange { AUTO, DRIVER, TASKS }

    /** train.sparseUpdate. */
    public enum SparseUpdate { AUTO, DENSE, TOUCHED }

    /** train.localSteps.optimizerState. */
    public enum LocalOptimizerState { RESET, AVERAGED }

    /** train.localSteps when not a count: how K is chosen. */
    public enum LocalSteps { AUTO, TIMED }

    /** train.learningRateScale: how the learning rate follows the workers (their global batch against 2 workers'). */
    public enum LearningRateScale { AUTO, NONE, SQRT, LINEAR }

    /** data.standardizeScale. */
    public enum StandardizeScale { AUTO, FEATURE, SHARED }

    /** The constant of {@code type} a choice setting's (lower-case) value names. */
    public static <E extends Enum<E>> E of(Class<E> type, String value) {
        return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
    }

    /** The constants of {@code type} as a choice setting's values. */
    static <E extends Enum<E>> List<String> names(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(Choice::name).toList();
    }

    /** A constant as a setting's value: its name in lower case. */
    public static String name(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT);
    }
}
