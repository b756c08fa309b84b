package io.sparkprop.jobs.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The type of a configuration value, parsed from a {@code # type:} line of the defaults file:
 * <pre>
 *   int [min, max]      integer, bounds optional (e.g. "int >= 1", "int in [0, 100]")
 *   double ...          number with the same bound forms, plus "> 0" and "in [0, 1)"
 *   bool                true or false
 *   string              anything (may be empty)
 *   enum a|b|c          one of the names
 *   int-list            comma-separated positive integers, may be empty
 * </pre>
 */
final class ConfigType {
    enum Kind { INT, DOUBLE, BOOL, STRING, ENUM, INT_LIST }

    final Kind kind;
    final double min;
    final boolean minInclusive;
    final double max;
    final boolean maxInclusive;
    final List<String> choices;
    final String text;

    private ConfigType(Kind kind, double min, boolean minInclusive, double max, boolean maxInclusive,
                       List<String> choices, String text) {
        this.kind = kind;
        this.min = min;
        this.minInclusive = minInclusive;
        this.max = max;
        this.maxInclusive = maxInclusive;
        this.choices = choices;
        this.text = text;
    }

    static ConfigType parse(String text) {
        String t = text.trim();
        String head = t.split("\\s+", 2)[0].toLowerCase(Locale.ROOT);
        String rest = t.length() > head.length() ? t.substring(head.length()).trim() : "";
        switch (head) {
            case "bool":
                return new ConfigType(Kind.BOOL, 0, true, 0, true, List.of(), t);
            case "string":
                return new ConfigType(Kind.STRING, 0, true, 0, true, List.of(), t);
            case "int-list":
                return new ConfigType(Kind.INT_LIST, 1, true, Double.POSITIVE_INFINITY, true, List.of(), t);
            case "enum":
                return new ConfigType(Kind.ENUM, 0, true, 0, true, Arrays.asList(rest.split("\\|")), t);
            case "int":
            case "double":
                return bounded(head.equals("int") ? Kind.INT : Kind.DOUBLE, rest, t);
            default:
                throw new IllegalStateException("unknown type '" + text + "' in the defaults file");
        }
    }

    private static ConfigType bounded(Kind kind, String rest, String text) {
        double min = Double.NEGATIVE_INFINITY;
        double max = Double.POSITIVE_INFINITY;
        boolean minIn = true;
        boolean maxIn = true;
        if (rest.startsWith(">=")) {
            min = Double.parseDouble(rest.substring(2).trim());
        } else if (rest.startsWith(">")) {
            min = Double.parseDouble(rest.substring(1).trim());
            minIn = false;
        } else if (rest.startsWith("in")) {
            String r = rest.substring(2).trim();
            minIn = r.charAt(0) == '[';
            maxIn = r.charAt(r.length() - 1) == ']';
            String[] parts = r.substring(1, r.length() - 1).split(",");
            min = Double.parseDouble(parts[0].trim());
            max = Double.parseDouble(parts[1].trim());
        } else if (!rest.isEmpty()) {
            throw new IllegalStateException("cannot read the bounds '" + rest + "' in the defaults file");
        }
        return new ConfigType(kind, min, minIn, max, maxIn, List.of(), text);
    }

    /** Checks {@code value}; returns null when it fits, else what was expected. */
    String check(String value) {
        String v = value.trim();
        switch (kind) {
            case BOOL:
                return v.equals("true") || v.equals("false") ? null : "true or false";
            case STRING:
                return null;
            case ENUM:
                return choices.contains(v) ? null : "one of " + String.join(", ", choices);
            case INT_LIST:
                if (v.isEmpty()) {
                    return null;
                }
                for (String part : v.split(",")) {
                    try {
                        if (Integer.parseInt(part.trim()) < 1) {
                            return "comma-separated positive integers";
                        }
                    } catch (NumberFormatException e) {
                        return "comma-separated positive integers";
                    }
                }
                return null;
            default:
                double d;
                try {
                    d = kind == Kind.INT ? Long.parseLong(v) : Double.parseDouble(v);
                } catch (NumberFormatException e) {
                    return (kind == Kind.INT ? "an integer" : "a number") + bounds();
                }
                boolean ok = !Double.isNaN(d) && (minIn(d)) && (maxIn(d));
                return ok ? null : (kind == Kind.INT ? "an integer" : "a number") + bounds();
        }
    }

    private boolean minIn(double d) {
        return minInclusive ? d >= min : d > min;
    }

    private boolean maxIn(double d) {
        return maxInclusive ? d <= max : d < max;
    }

    private String bounds() {
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
