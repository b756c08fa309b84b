package io.sparkprop.jobs.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A line chart drawn as inline SVG, so the report needs no script or external resource to show it.
 * Non-finite points are left out (a diverged or unmeasured epoch), and the line joins its neighbours.
 */
final class LineChart {
    /** One (x, y) point. */
    record Point(double x, double y) {
    }

    /** A named line; dashed lines stay distinguishable from solid ones without relying on colour. */
    record Series(String name, String colour, boolean dashed, List<Point> points) {
        Series {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(colour, "colour");
            points = List.copyOf(points);
        }
    }

    static final int WIDTH = 560;
    static final int HEIGHT = 320;
    private static final int TOP = 52;
    private static final int RIGHT = 24;
    private static final int BOTTOM = 50;
    /** Rough width of a character at the chart's 12px font, to size the margin that holds y tick labels. */
    private static final double CHAR_WIDTH = 7.0;
    /** Beyond this many points markers crowd the line and hide its shape. */
    private static final int MARKER_LIMIT = 40;

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final boolean integerX;
    private final List<Series> series;

    /**
     * @param integerX whether x is a count (epochs), so that ticks fall on whole numbers only
     */
    LineChart(String title, String xLabel, String yLabel, boolean integerX, List<Series> series) {
        this.title = Objects.requireNonNull(title, "title");
        this.xLabel = Objects.requireNonNull(xLabel, "xLabel");
        this.yLabel = Objects.requireNonNull(yLabel, "yLabel");
        this.integerX = integerX;
        this.series = List.copyOf(series);
    }

    String toSvg() {
        List<Series> drawn = new ArrayList<>();
        double minX = Double.POSITIVE_INFINITY;
        double maxX = Double.NEGATIVE_INFINITY;
        double minY = Double.POSITIVE_INFINITY;
        double maxY = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            List<Point> finite = s.points().stream()
                    .filter(p -> Double.isFinite(p.x()) && Double.isFinite(p.y()))
                    .toList();
            if (finite.isEmpty()) {
                continue;
            }
            drawn.add(new Series(s.name(), s.colour(), s.dashed(), finite));
            for (Point p : finite) {
                minX = Math.min(minX, p.x());
                maxX = Math.max(maxX, p.x());
                minY = Math.min(minY, p.y());
                maxY = Math.max(maxY, p.y());
            }
        }

        StringBuilder svg = new StringBuilder(4096);
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" width=\"").append(WIDTH)
                .append("\" height=\"").append(HEIGHT).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ')
                .append(HEIGHT).append("\" font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif\"")
                .append(" font-size=\"12\" fill=\"#222\">\n");
        svg.append("<title>").append(HtmlText.escape(title)).append("</title>\n");
        text(svg, 12, 20, "start", "font-size=\"14\" font-weight=\"600\"", title);
        if (drawn.isEmpty()) {
            text(svg, WIDTH / 2.0, HEIGHT / 2.0, "middle", "fill=\"#888\"", "No data recorded");
            return svg.append("</svg>").toString();
        }

        Axis xAxis = Axis.tight(minX, maxX, 7, integerX);
        Axis yAxis = Axis.rounded(minY, maxY, 6);
        List<String> yTickLabels = yAxis.ticks().stream().map(yAxis::label).toList();
        int longestLabel = yTickLabels.stream().mapToInt(String::length).max().orElse(1);
        // Room for the rotated axis label (about 20px) plus the widest tick label, so neither is clipped.
        double left = Math.max(56, 30 + longestLabel * CHAR_WIDTH);
        double x0 = left;
        double x1 = WIDTH - RIGHT;
        double y0 = TOP;
        double y1 = HEIGHT - BOTTOM;
        Scale sx = new Scale(xAxis.min(), xAxis.max(), x0, x1);
        Scale sy = new Scale(yAxis.min(), yAxis.max(), y1, y0);

        legend(svg, drawn, x0, 38);

        svg.append("<g class=\"grid\" stroke=\"#e4e4e4\" stroke-width=\"1\">\n");
        for (double t : yAxis.ticks()) {
            line(svg, x0, sy.map(t), x1, sy.map(t));
        }
        for (double t : xAxis.ticks()) {
            line(svg, sx.map(t), y0, sx.map(t), y1);
        }
        svg.append("</g>\n");

        svg.append("<g class=\"axes\" stroke=\"#555\" stroke-width=\"1\">\n");
        line(svg, x0, y1, x1, y1);
        line(svg, x0, y0, x0, y1);
        svg.append("</g>\n");

        for (int i = 0; i < yAxis.ticks().size(); i++) {
            text(svg, x0 - 6, sy.map(yAxis.ticks().get(i)) + 4, "end", "", yTickLabels.get(i));
        }
        for (double t : xAxis.ticks()) {
            text(svg, sx.map(t), y1 + 17, "middle", "", xAxis.label(t));
        }
        text(svg, (x0 + x1) / 2, HEIGHT - 12, "middle", "fill=\"#444\"", xLabel);
        double midY = (y0 + y1) / 2;
        svg.append("<text x=\"16\" y=\"").append(HtmlText.coordinate(midY))
                .append("\" text-anchor=\"middle\" fill=\"#444\" transform=\"rotate(-90 16 ")
                .append(HtmlText.coordinate(midY)).append(")\">").append(HtmlText.escape(yLabel)).append("</text>\n");

        for (Series s : drawn) {
            svg.append("<polyline class=\"series\" data-series=\"").append(HtmlText.escape(s.name()))
                    .append("\" fill=\"none\" stroke=\"").append(HtmlText.escape(s.colour()))
                    .append("\" stroke-width=\"2\" stroke-linejoin=\"round\"");
            if (s.dashed()) {
                svg.append(" stroke-dasharray=\"6 4\"");
            }
            svg.append(" points=\"");
            for (int i = 0; i < s.points().size(); i++) {
                Point p = s.points().get(i);
                if (i > 0) {
                    svg.append(' ');
                }
                svg.append(HtmlText.coordinate(sx.map(p.x()))).append(',').append(HtmlText.coordinate(sy.map(p.y())));
            }
            svg.append("\"/>\n");
            // A single point draws no line at all, so it always gets a marker.
            if (s.points().size() <= MARKER_LIMIT) {
                svg.append("<g class=\"markers\" fill=\"").append(HtmlText.escape(s.colour())).append("\">");
                for (Point p : s.points()) {
                    svg.append("<circle cx=\"").append(HtmlText.coordinate(sx.map(p.x()))).append("\" cy=\"")
                            .append(HtmlText.coordinate(sy.map(p.y()))).append("\" r=\"3\"><title>")
                            .append(HtmlText.escape(s.name() + " at " + xAxis.label(p.x()) + ": "
                                    + HtmlText.number(p.y())))
                            .append("</title></circle>");
                }
                svg.append("</g>\n");
            }
        }
        return svg.append("</svg>").toString();
    }

    /** One row of entries under the title, so the legend never sits on top of the lines. */
    private static void legend(StringBuilder svg, List<Series> drawn, double x, double y) {
        svg.append("<g class=\"legend\">\n");
        double at = x;
        for (Series s : drawn) {
            svg.append("<line x1=\"").append(HtmlText.coordinate(at)).append("\" y1=\"")
                    .append(HtmlText.coordinate(y - 4)).append("\" x2=\"").append(HtmlText.coordinate(at + 22))
                    .append("\" y2=\"").append(HtmlText.coordinate(y - 4)).append("\" stroke=\"")
                    .append(HtmlText.escape(s.colour())).append("\" stroke-width=\"2\"");
            if (s.dashed()) {
                svg.append(" stroke-dasharray=\"6 4\"");
            }
            svg.append("/>\n");
            text(svg, at + 28, y, "start", "", s.name());
            at += 28 + s.name().length() * CHAR_WIDTH + 18;
        }
        svg.append("</g>\n");
    }

    private static void line(StringBuilder svg, double xa, double ya, double xb, double yb) {
        svg.append("<line x1=\"").append(HtmlText.coordinate(xa)).append("\" y1=\"").append(HtmlText.coordinate(ya))
                .append("\" x2=\"").append(HtmlText.coordinate(xb)).append("\" y2=\"").append(HtmlText.coordinate(yb))
                .append("\"/>\n");
    }

    private static void text(StringBuilder svg, double x, double y, String anchor, String attributes, String content) {
        svg.append("<text x=\"").append(HtmlText.coordinate(x)).append("\" y=\"").append(HtmlText.coordinate(y))
                .append("\" text-anchor=\"").append(anchor).append('"');
        if (!attributes.isEmpty()) {
            svg.append(' ').append(attributes);
        }
        svg.append('>').append(HtmlText.escape(content)).append("</text>\n");
    }

    /** Maps a data interval onto a pixel interval (reversed for y, whose pixels grow downwards). */
    private record Scale(double from, double to, double pixelFrom, double pixelTo) {
        double map(double value) {
            return pixelFrom + (value - from) / (to - from) * (pixelTo - pixelFrom);
        }
    }

    /**
     * An axis range with ticks at "nice" multiples (1, 2 or 5 times a power of ten). The range is
     * never empty: a constant series or a single epoch is widened around its value.
     */
    record Axis(double min, double max, double step, boolean integral) {
        /** The range stretched outwards to whole ticks, which suits values (the y axis). */
        static Axis rounded(double lo, double hi, int targetTicks) {
            double[] range = widen(lo, hi, false);
            double step = niceStep((range[1] - range[0]) / (targetTicks - 1));
            return new Axis(Math.floor(range[0] / step) * step, Math.ceil(range[1] / step) * step, step, false);
        }

        /** Exactly the data's range with ticks inside it, which suits epochs (no epoch 0 or 13 of 12). */
        static Axis tight(double lo, double hi, int targetTicks, boolean integral) {
            double[] range = widen(lo, hi, integral);
            double step = niceStep((range[1] - range[0]) / (targetTicks - 1));
            if (integral) {
                step = Math.max(1, step);
            }
            return new Axis(range[0], range[1], step, integral);
        }

        private static double[] widen(double lo, double hi, boolean integral) {
            double scale = Math.max(Math.abs(lo), Math.abs(hi));
            if (hi - lo > scale * 1e-9) {
                return new double[] {lo, hi};
            }
            double pad = integral || scale == 0 ? 1 : scale * 0.1;
            return new double[] {lo - pad, hi + pad};
        }

        static double niceStep(double raw) {
            double power = Math.pow(10, Math.floor(Math.log10(raw)));
            double fraction = raw / power;
            double nice = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10;
            return nice * power;
        }

        List<Double> ticks() {
            List<Double> ticks = new ArrayList<>();
            double slack = step * 1e-6;
            for (long k = (long) Math.ceil((min - slack) / step); k * step <= max + slack; k++) {
                // k * step rather than repeated addition, which drifts (0.1 + 0.2 != 0.3).
                ticks.add(k * step);
            }
            return ticks;
        }

        String label(double value) {
            if (integral) {
                return Long.toString(Math.round(value));
            }
            double magnitude = Math.max(Math.abs(min), Math.abs(max));
            if (magnitude >= 1e7 || step < 1e-6) {
                return String.format(Locale.ROOT, "%.2e", value);
            }
            int decimals = (int) Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
            String text = String.format(Locale.ROOT, "%." + decimals + "f", value);
            // Rounding can produce "-0.0", which reads as a different value from "0.0".
            return text.matches("-0\\.?0*") ? text.substring(1) : text;
        }
    }
}
