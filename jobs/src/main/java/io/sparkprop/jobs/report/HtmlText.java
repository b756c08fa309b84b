package io.sparkprop.jobs.report;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;

/** Turning values into text that is safe and readable inside HTML and inline SVG. */
final class HtmlText {
    private HtmlText() {
    }

    /**
     * Escapes text for element content and for quoted attribute values alike, so that callers need
     * not know where it ends up (configuration values may hold markup or quotes).
     */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * A metric value with five significant digits, plain notation where that stays short; the report
     * mixes accuracies near 1, losses near 0.01 and throughputs in the thousands.
     */
    static String number(double value) {
        if (Double.isNaN(value)) {
            return "n/a";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "\u221e" : "-\u221e";
        }
        double magnitude = Math.abs(value);
        if (magnitude == 0) {
            return "0";
        }
        if (magnitude < 1e-4 || magnitude >= 1e9) {
            return String.format(Locale.ROOT, "%.3e", value);
        }
        return new BigDecimal(value).round(new MathContext(5)).stripTrailingZeros().toPlainString();
    }

    /** An SVG coordinate: a tenth of a pixel is finer than any screen needs. */
    static String coordinate(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }
}
