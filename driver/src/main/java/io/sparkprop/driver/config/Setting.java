package io.sparkprop.driver.config;

import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import scala.Function1;

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
    /**
     * The value types, each with its own reading of text, validation, description and Spark ML Param;
     * the text after {@code # type:} in the defaults file is {@link #typeText()}.
     */
    public enum Kind {
        INT("int", "an integer", Integer.class) {
            Object read(String v) {
                return Integer.parseInt(v);
            }

            Param<?> sparkParam(Params owner, String name, String doc, Function1<Object, Object> isValid) {
                return new IntParam(owner, name, doc, cast(isValid));
            }
        },
        LONG("int", "an integer", Long.class) {
            Object read(String v) {
                return Long.parseLong(v);
            }

            Param<?> sparkParam(Params owner, String name, String doc, Function1<Object, Object> isValid) {
                return new LongParam(owner, name, doc, cast(isValid));
            }
        },
        DOUBLE("double", "a number", Double.class) {
            Object read(String v) {
                return Double.parseDouble(v);
            }

            Param<?> sparkParam(Params owner, String name, String doc, Function1<Object, Object> isValid) {
                return new DoubleParam(owner, name, doc, cast(isValid));
            }
        },
        BOOL {
            Object read(String v) {
                return v.equalsIgnoreCase("true") ? Boolean.TRUE : v.equalsIgnoreCase("false") ? Boolean.FALSE : null;
            }

            boolean valid(Setting<?> s, Object v) {
                return v instanceof Boolean;
            }

            String expected(Setting<?> s) {
                return "true or false";
            }

            String typeText(Setting<?> s) {
                return "bool";
            }

            Param<?> sparkParam(Params owner, String name, String doc, Function1<Object, Object> isValid) {
                return new BooleanParam(owner, name, doc);
            }
        },
        STRING {
            boolean valid(Setting<?> s, Object v) {
                return v instanceof String t && (s.accepts == null || s.accepts.test(t));
            }

            String expected(Setting<?> s) {
                return s.expectedText != null ? s.expectedText : "a string";
            }

            String typeText(Setting<?> s) {
                return "string";
            }
        },
        ENUM {
            Object read(String v) {
                return v.toLowerCase(Locale.ROOT);
            }

            boolean valid(Setting<?> s, Object v) {
                return v instanceof String t && (s.choices.contains(t) || (s.accepts != null && s.accepts.test(t)));
            }

            String expected(Setting<?> s) {
                return "one of " + String.join(", ", s.choices);
            }

            String typeText(Setting<?> s) {
                return "enum " + String.join("|", s.choices);
            }
        },
        INT_LIST {
            Object read(String v) {
                return v.isEmpty() ? new int[0] : Arrays.stream(v.split(",")).mapToInt(t -> Integer.parseInt(t.trim())).toArray();
            }

            boolean valid(Setting<?> s, Object v) {
                return v instanceof int[] a && Arrays.stream(a).allMatch(w -> w >= 1);
            }

            String expected(Setting<?> s) {
                return "comma-separated positive integers";
            }

            String typeText(Setting<?> s) {
                return "int-list";
            }

            Param<?> sparkParam(Params owner, String name, String doc, Function1<Object, Object> isValid) {
                return new IntArrayParam(owner, name, doc, cast(isValid));
            }
        },
        AUTO_OR_INT {
            Object read(String v) {
                return v.toLowerCase(Locale.ROOT);
            }

            boolean valid(Setting<?> s, Object v) {
                return v instanceof String t && (s.choices.contains(t) || t.matches("[1-9][0-9]{0,8}"));
            }

            String expected(Setting<?> s) {
                return String.join(", ", s.choices) + " or an integer >= 1";
            }

            String typeText(Setting<?> s) {
                return String.join("|", s.choices) + " or int >= 1";
            }
        };

        /** A number's type word ("int"), its words in messages ("an integer") and its value class; null for the others. */
        private final String typeWord;
        private final String numberWords;
        private final Class<? extends Number> number;

        Kind() {
            this(null, null, null);
        }

        Kind(String typeWord, String numberWords, Class<? extends Number> number) {
            this.typeWord = typeWord;
            this.numberWords = numberWords;
            this.number = number;
        }

        /** The value of trimmed text, or null; may throw NumberFormatException. Text by default. */
        Object read(String v) {
            return v;
        }

        /** Whether non-null {@code v} is a valid value of {@code s}: for a number, of its class and within its bounds. */
        boolean valid(Setting<?> s, Object v) {
            return number.isInstance(v) && s.bounds.contains(((Number) v).doubleValue());
        }

        /** What a valid value of {@code s} is, for messages: for a number its words and bounds. */
        String expected(Setting<?> s) {
            return numberWords + s.bounds.words();
        }

        /** The defaults file's {@code # type:} text of {@code s}: for a number its word and bounds. */
        String typeText(Setting<?> s) {
            return (typeWord + " " + s.bounds.text()).trim();
        }

        /** The Spark ML Param of this kind, validated by {@code isValid}: a {@code Param<String>} by default. */
        Param<?> sparkParam(Params owner, String name, String doc, Function1<Object, Object> isValid) {
            return new Param<String>(owner, name, doc, cast(isValid));
        }

        @SuppressWarnings("unchecked")
        private static <V> Function1<V, Object> cast(Function1<Object, Object> f) {
            return (Function1<V, Object>) (Function1<?, Object>) f;
        }
    }

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

    /** A setting of {@code kind} with the usual parts: resumable, no old keys, no extra acceptance. */
    private static <T> Setting<T> of(String key, String param, Kind kind, T def, Bounds bounds, List<String> choices, String doc) {
        return new Setting<>(key, param, kind, def, bounds, choices, null, doc, true, List.of(), null);
    }

    /** This setting with other resumability, old keys and acceptance. */
    private Setting<T> with(boolean resumable, List<String> deprecatedKeys, Predicate<String> accepts) {
        return new Setting<>(key, param, kind, defaultValue, bounds, choices, accepts, doc, resumable, deprecatedKeys, expectedText);
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
        return of(key, param, Kind.INT, def, bounds, List.of(), doc);
    }

    public static Setting<Long> longInteger(String key, String param, long def, Bounds bounds, String doc) {
        return of(key, param, Kind.LONG, def, bounds, List.of(), doc);
    }

    public static Setting<Double> number(String key, String param, double def, Bounds bounds, String doc) {
        return of(key, param, Kind.DOUBLE, def, bounds, List.of(), doc);
    }

    public static Setting<Boolean> bool(String key, String param, boolean def, String doc) {
        return of(key, param, Kind.BOOL, def, Bounds.ANY, List.of(), doc);
    }

    public static Setting<String> string(String key, String param, String def, String doc) {
        return of(key, param, Kind.STRING, def, Bounds.ANY, List.of(), doc);
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
        return of(key, param, Kind.ENUM, def, Bounds.ANY, List.copyOf(choices), doc);
    }

    /** One of the constants of {@code type}, held as its name in lower case (see {@link Choice}). */
    public static <E extends Enum<E>> Setting<String> choice(String key, String param, E def, Class<E> type, String doc) {
        return choice(key, param, Choice.name(def), Choice.names(type), doc);
    }

    /** Comma-separated positive integers, possibly none. */
    public static Setting<int[]> intList(String key, String param, int[] def, String doc) {
        return of(key, param, Kind.INT_LIST, def.clone(), Bounds.atLeast(1), List.of(), doc);
    }

    /** A count, or one of {@code words} (e.g. auto) that asks for it to be chosen. */
    public static Setting<String> autoOrCount(String key, String param, String def, List<String> words, String doc) {
        return of(key, param, Kind.AUTO_OR_INT, def, Bounds.closed(1, Integer.MAX_VALUE), List.copyOf(words), doc);
    }

    /** This setting, fixed for a run: a resumed run must use the checkpointed value. */
    public Setting<T> fixedOnResume() {
        return with(false, deprecatedKeys, accepts);
    }

    /** This setting, also read under {@code oldKeys} (with a warning naming the new key). */
    public Setting<T> replacing(String... oldKeys) {
        return with(resumable, List.of(oldKeys), accepts);
    }

    /**
     * An enum that also accepts other spellings {@code accepts} recognises (e.g. leaky_relu(0.1));
     * the choices remain what the documentation lists.
     */
    public Setting<T> alsoAccepting(Predicate<String> accepts) {
        return with(resumable, deprecatedKeys, accepts);
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
        return kind.typeText(this);
    }

    /** What a valid value is, for messages: "an integer >= 1", "one of sgd, adam". */
    public String expected() {
        return kind.expected(this);
    }

    /** Null when {@code value} is valid, else what was expected. */
    public String problem(Object value) {
        if (value == null) {
            return kind == Kind.STRING ? null : expected();
        }
        return kind.valid(this, value) ? null : expected();
    }

    /**
     * The typed value of {@code text} (trimmed); enums in lower case.
     *
     * @throws IllegalArgumentException with what was expected when the text is not a valid value
     */
    @SuppressWarnings("unchecked")
    public T parse(String text) {
        Object value;
        try {
            value = kind.read(text.trim());
        } catch (NumberFormatException e) {
            value = null;
        }
        String problem = value == null ? expected() : problem(value);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return (T) value;
    }

    /** The Spark ML Param of this setting on {@code owner}, documented by {@code doc}, validated by {@code isValid}. */
    public Param<?> sparkParam(Params owner, String doc, Function1<Object, Object> isValid) {
        return kind.sparkParam(owner, param, doc, isValid);
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
