package io.sparkprop.driver.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * The one declaration of a setting: its configuration key ({@code train.learningRate}), its Spark ML
 * parameter name ({@code stepSize}; null where Spark ML has none), its type, default, valid range,
 * documentation line, whether a resumed run may change it, and the old keys it replaced. Everything
 * else (the configuration schema and its checks, the Spark ML Params and their defaults, a
 * configuration's provenance map, the resume check) is derived from these descriptors.
 *
 * <p>Values are typed: Integer, Long, Double, Boolean, String (also for enums) or int[] (int lists).
 * {@link #parse} reads the text form of configuration files and {@code --conf}; {@link #problem}
 * checks a typed value, as a Spark ML setter does.
 *
 * @param <T> the value type
 */
public final class Setting<T> {
    /** The value types; the text after {@code # type:} in the defaults file is {@link #typeText()}. */
    public enum Kind { INT, LONG, DOUBLE, BOOL, STRING, ENUM, INT_LIST, AUTO_OR_INT }

    private final String key;
    private final String param;
    private final Kind kind;
    private final T defaultValue;
    private final Bounds bounds;
    private final List<String> choices;
    private final Predicate<String> accepts;
    private final String doc;
    private final boolean resumable;
    private final List<String> deprecatedKeys;
    /** For a validated string: what a valid value is, as messages say it (null otherwise). */
    private final String expectedText;

    private Setting(String key, String param, Kind kind, T defaultValue, Bounds bounds, List<String> choices,
                    Predicate<String> accepts, String doc, boolean resumable, List<String> deprecatedKeys) {
        this(key, param, kind, defaultValue, bounds, choices, accepts, doc, resumable, deprecatedKeys, null);
    }

    private Setting(String key, String param, Kind kind, T defaultValue, Bounds bounds, List<String> choices,
                    Predicate<String> accepts, String doc, boolean resumable, List<String> deprecatedKeys, String expectedText) {
        this.key = key;
        this.param = param;
        this.kind = kind;
        this.defaultValue = defaultValue;
        this.bounds = bounds;
        this.choices = choices;
        this.accepts = accepts;
        this.doc = doc;
        this.resumable = resumable;
        this.deprecatedKeys = deprecatedKeys;
        this.expectedText = expectedText;
        String problem = problem(defaultValue);
        if (problem != null) {
            throw new IllegalStateException("the default of " + key + " is not " + problem);
        }
    }

    /**
     * A numeric range: {@code min} and {@code max} with their inclusiveness; infinite for none. Every
     * bounded number must also be finite: a setting never takes NaN or an infinity.
     */
    public record Bounds(double min, boolean minInclusive, double max, boolean maxInclusive) {
        public static final Bounds ANY = new Bounds(Double.NEGATIVE_INFINITY, true, Double.POSITIVE_INFINITY, true);

        public static Bounds atLeast(double min) {
            return new Bounds(min, true, Double.POSITIVE_INFINITY, true);
        }

        public static Bounds above(double min) {
            return new Bounds(min, false, Double.POSITIVE_INFINITY, true);
        }

        /** {@code [min, max)}. */
        public static Bounds fromUntil(double min, double max) {
            return new Bounds(min, true, max, false);
        }

        /** {@code [min, max]}. */
        public static Bounds closed(double min, double max) {
            return new Bounds(min, true, max, true);
        }

        boolean contains(double v) {
            return Double.isFinite(v) && (minInclusive ? v >= min : v > min) && (maxInclusive ? v <= max : v < max);
        }

        /** As the defaults file writes it: "", ">= 1", "> 0", "in [0, 1)". */
        String text() {
            boolean low = min != Double.NEGATIVE_INFINITY;
            boolean high = max != Double.POSITIVE_INFINITY;
            if (low && high) {
                return "in " + (minInclusive ? "[" : "(") + fmt(min) + ", " + fmt(max) + (maxInclusive ? "]" : ")");
            }
            if (low) {
                return (minInclusive ? ">= " : "> ") + fmt(min);
            }
            return high ? "<= " + fmt(max) : "";
        }

        /** As a message says it: " >= 1", " >= 0 and < 1". */
        String words() {
            List<String> parts = new ArrayList<>();
            if (min != Double.NEGATIVE_INFINITY) {
                parts.add((minInclusive ? ">= " : "> ") + fmt(min));
            }
            if (max != Double.POSITIVE_INFINITY) {
                parts.add((maxInclusive ? "<= " : "< ") + fmt(max));
            }
            return parts.isEmpty() ? "" : " " + String.join(" and ", parts);
        }

        private static String fmt(double d) {
            return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
        }
    }

    // ---- declarations

    public static Setting<Integer> integer(String key, String param, int def, Bounds bounds, String doc) {
        return new Setting<>(key, param, Kind.INT, def, bounds, List.of(), null, doc, true, List.of());
    }

    public static Setting<Long> longInteger(String key, String param, long def, Bounds bounds, String doc) {
        return new Setting<>(key, param, Kind.LONG, def, bounds, List.of(), null, doc, true, List.of());
    }

    public static Setting<Double> number(String key, String param, double def, Bounds bounds, String doc) {
        return new Setting<>(key, param, Kind.DOUBLE, def, bounds, List.of(), null, doc, true, List.of());
    }

    public static Setting<Boolean> bool(String key, String param, boolean def, String doc) {
        return new Setting<>(key, param, Kind.BOOL, def, Bounds.ANY, List.of(), null, doc, true, List.of());
    }

    public static Setting<String> string(String key, String param, String def, String doc) {
        return new Setting<>(key, param, Kind.STRING, def, Bounds.ANY, List.of(), null, doc, true, List.of());
    }

    /**
     * A string that {@code accepts} must accept (trimmed); {@code expected} says what a valid value is,
     * for messages ("none, balanced or one weight >= 0 per class").
     */
    public static Setting<String> validatedString(String key, String param, String def, String expected,
                                                  Predicate<String> accepts, String doc) {
        return new Setting<>(key, param, Kind.STRING, def, Bounds.ANY, List.of(), accepts, doc, true, List.of(), expected);
    }

    /** One of {@code choices} (case-insensitive on input, stored in lower case). */
    public static Setting<String> choice(String key, String param, String def, List<String> choices, String doc) {
        return new Setting<>(key, param, Kind.ENUM, def, Bounds.ANY, List.copyOf(choices), null, doc, true, List.of());
    }

    /** Comma-separated positive integers, possibly none. */
    public static Setting<int[]> intList(String key, String param, int[] def, String doc) {
        return new Setting<>(key, param, Kind.INT_LIST, def.clone(), Bounds.atLeast(1), List.of(), null, doc, true, List.of());
    }

    /**
     * A positive integer or one of a few words, held as text ("auto", "16"): a count sparkprop may choose itself.
     */
    /** A count, or one of {@code words} (e.g. auto) that asks for it to be chosen. */
    public static Setting<String> autoOrCount(String key, String param, String def, List<String> words, String doc) {
        return new Setting<>(key, param, Kind.AUTO_OR_INT, def, Bounds.closed(1, Integer.MAX_VALUE), List.copyOf(words), null, doc,
                true, List.of());
    }

    /** This setting, fixed for a run: a resumed run must use the checkpointed value. */
    public Setting<T> fixedOnResume() {
        return new Setting<>(key, param, kind, defaultValue, bounds, choices, accepts, doc, false, deprecatedKeys, expectedText);
    }

    /** This setting, also read under {@code oldKeys} (with a warning naming the new key). */
    public Setting<T> replacing(String... oldKeys) {
        return new Setting<>(key, param, kind, defaultValue, bounds, choices, accepts, doc, resumable, List.of(oldKeys),
                expectedText);
    }

    /**
     * An enum that also accepts other spellings {@code accepts} recognises (e.g. leaky_relu(0.1));
     * the choices remain what the documentation lists.
     */
    public Setting<T> alsoAccepting(Predicate<String> accepts) {
        return new Setting<>(key, param, kind, defaultValue, bounds, choices, accepts, doc, resumable, deprecatedKeys,
                expectedText);
    }

    // ---- what a setting is

    /** The configuration key, e.g. {@code train.learningRate}. */
    public String key() {
        return key;
    }

    /** The Spark ML parameter name, e.g. {@code stepSize}; null where Spark ML has no parameter for it. */
    public String param() {
        return param;
    }

    public Kind kind() {
        return kind;
    }

    public T defaultValue() {
        return kind == Kind.INT_LIST ? copy(defaultValue) : defaultValue;
    }

    public String doc() {
        return doc;
    }

    /** The Spark ML parameter's documentation: the doc line and the key the command line reads. */
    public String paramDoc() {
        return doc + " (" + key + " on the command line)";
    }

    /** The numeric range (unbounded for the types without one). */
    public Bounds bounds() {
        return bounds;
    }

    /**
     * Whether {@link #choices} (or, for a plain string, any string) is the whole story: false where a
     * rule beyond the list decides ({@code leaky_relu(0.2)}, class weights, a count for auto-or-int).
     */
    public boolean choicesClosed() {
        return accepts == null && kind != Kind.AUTO_OR_INT && expectedText == null;
    }

    /** Whether a resumed run may use another value than its checkpoint recorded. */
    public boolean resumable() {
        return resumable;
    }

    /** Keys this one replaced, still read for one release with a deprecation warning. */
    public List<String> deprecatedKeys() {
        return deprecatedKeys;
    }

    public List<String> choices() {
        return choices;
    }

    /** The type as the defaults file's {@code # type:} line writes it, e.g. {@code double in [0, 1)}. */
    public String typeText() {
        String b = bounds.text();
        switch (kind) {
            case INT:
            case LONG:
                return b.isEmpty() ? "int" : "int " + b;
            case DOUBLE:
                return b.isEmpty() ? "double" : "double " + b;
            case BOOL:
                return "bool";
            case ENUM:
                return "enum " + String.join("|", choices);
            case INT_LIST:
                return "int-list";
            case AUTO_OR_INT:
                return String.join("|", choices) + " or int >= 1";
            default:
                return "string";
        }
    }

    /** What a valid value is, for messages: "an integer >= 1", "one of sgd, adam". */
    public String expected() {
        switch (kind) {
            case INT:
            case LONG:
                return "an integer" + bounds.words();
            case DOUBLE:
                return "a number" + bounds.words();
            case BOOL:
                return "true or false";
            case ENUM:
                return "one of " + String.join(", ", choices);
            case INT_LIST:
                return "comma-separated positive integers";
            case AUTO_OR_INT:
                return String.join(", ", choices) + " or an integer >= 1";
            default:
                return expectedText != null ? expectedText : "a string";
        }
    }

    /** Null when {@code value} is valid, else what was expected. */
    public String problem(Object value) {
        if (value == null) {
            return kind == Kind.STRING ? null : expected();
        }
        switch (kind) {
            case INT:
                return value instanceof Integer i && bounds.contains(i) ? null : expected();
            case LONG:
                return value instanceof Long l && bounds.contains(l) ? null : expected();
            case DOUBLE:
                return value instanceof Double d && bounds.contains(d) ? null : expected();
            case BOOL:
                return value instanceof Boolean ? null : expected();
            case ENUM:
                return value instanceof String s && (choices.contains(s) || (accepts != null && accepts.test(s))) ? null : expected();
            case INT_LIST:
                return value instanceof int[] a && Arrays.stream(a).allMatch(w -> w >= 1) ? null : expected();
            case AUTO_OR_INT:
                return value instanceof String s && (choices.contains(s) || s.matches("[1-9][0-9]{0,8}")) ? null : expected();
            default:
                return value instanceof String s && (accepts == null || accepts.test(s)) ? null : expected();
        }
    }

    /**
     * The typed value of {@code text} (trimmed); enums in lower case.
     *
     * @throws IllegalArgumentException with what was expected when the text is not a valid value
     */
    @SuppressWarnings("unchecked")
    public T parse(String text) {
        String v = text.trim();
        Object value;
        try {
            switch (kind) {
                case INT:
                    value = Integer.parseInt(v);
                    break;
                case LONG:
                    value = Long.parseLong(v);
                    break;
                case DOUBLE:
                    value = Double.parseDouble(v);
                    break;
                case BOOL:
                    value = v.equalsIgnoreCase("true") ? Boolean.TRUE : v.equalsIgnoreCase("false") ? Boolean.FALSE : null;
                    break;
                case ENUM:
                case AUTO_OR_INT:
                    value = v.toLowerCase(Locale.ROOT);
                    break;
                case INT_LIST:
                    value = v.isEmpty() ? new int[0] : Arrays.stream(v.split(",")).mapToInt(s -> Integer.parseInt(s.trim())).toArray();
                    break;
                default:
                    value = v;
            }
        } catch (NumberFormatException e) {
            value = null;
        }
        String problem = value == null ? expected() : problem(value);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return (T) value;
    }

    /** The text form of a value, as the defaults file writes it ({@link #parse} reads it back). */
    public String format(Object value) {
        if (value instanceof int[] a) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < a.length; i++) {
                sb.append(i == 0 ? "" : ",").append(a[i]);
            }
            return sb.toString();
        }
        if (value instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) {
            return String.valueOf(d.longValue());
        }
        return value == null ? "" : String.valueOf(value);
    }

    @SuppressWarnings("unchecked")
    private static <T> T copy(T value) {
        return (T) ((int[]) value).clone();
    }

    @Override
    public String toString() {
        return key;
    }
}
