package io.sparkprop.jobs.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * Renders a {@link TrainingReport} as a metrics history in JSON Lines and as a self-contained HTML
 * page. The page carries its own CSS and inline SVG and references nothing outside itself, so it can
 * be copied off a cluster and opened anywhere, offline.
 */
public final class ReportWriter {
    /** Which validation metric the second chart shows, in order of preference. */
    private static final List<String> SECOND_CHART_METRICS = List.of("accuracy", "rmse", "mae", "mse", "r2");
    private static final Map<String, String> DISPLAY_NAMES = Map.of(
            "accuracy", "accuracy", "loss", "loss", "mse", "MSE", "rmse", "RMSE", "mae", "MAE", "r2", "R\u00b2");
    private static final String TRAIN_COLOUR = "#1f77b4";
    private static final String VALIDATION_COLOUR = "#d62728";
    private static final String METRIC_COLOUR = "#2ca02c";
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private static final String CSS = """
            body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
                   color: #222; line-height: 1.4; max-width: 1180px; margin: 24px auto; padding: 0 16px; }
            header { border-bottom: 1px solid #ddd; margin-bottom: 8px; }
            h1 { font-size: 1.6em; margin: 0 0 4px; }
            h2 { font-size: 1.2em; margin: 28px 0 10px; }
            .meta, .note { color: #666; }
            .note { font-size: .9em; margin: 6px 0; }
            .tiles { display: flex; flex-wrap: wrap; gap: 12px; }
            .tile { border: 1px solid #e0e0e0; border-radius: 6px; padding: 8px 16px; min-width: 110px; }
            .tile .value { font-size: 1.5em; font-weight: 600; font-variant-numeric: tabular-nums; }
            .tile .name { color: #666; font-size: .9em; }
            .charts { display: flex; flex-wrap: wrap; gap: 16px; }
            svg.chart { max-width: 100%; height: auto; border: 1px solid #e6e6e6; border-radius: 6px; }
            .scroll { overflow-x: auto; }
            table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
            th, td { border: 1px solid #e0e0e0; padding: 4px 10px; text-align: left; vertical-align: top; }
            thead th, table.kv th { background: #f6f6f6; font-weight: 600; }
            td.num { text-align: right; }
            table.kv td { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .92em;
                          overflow-wrap: anywhere; max-width: 760px; }
            table.confusion th { text-align: center; background: #f6f6f6; }
            table.confusion th.corner { font-weight: normal; color: #666; font-size: .85em; }
            table.confusion td { text-align: right; min-width: 3em; }
            table.confusion .total { color: #666; background: #fafafa; }
            details summary { cursor: pointer; color: #333; }
            """;

    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();

    public ReportWriter() {
        this(Clock.systemUTC());
    }

    /** @param clock gives the report's date; fixed in tests so that output is reproducible */
    public ReportWriter(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * One JSON object per epoch, each on its own line and the last one ended too, so that files
     * from several runs can be concatenated. Non-finite numbers become null because JSON has none.
     */
    public String toJsonLines(TrainingReport report) {
        StringBuilder out = new StringBuilder();
        for (EpochRecord e : report.epochs()) {
            ObjectNode line = json.createObjectNode();
            line.put("epoch", e.epoch());
            line.put("iteration", e.iteration());
            putNumber(line, "trainLoss", e.trainLoss());
            putNumber(line, "learningRate", e.learningRate());
            putNumber(line, "examplesPerSecond", e.examplesPerSecond());
            putNumber(line, "elapsedSeconds", e.elapsedSeconds());
            ObjectNode validation = line.putObject("validation");
            e.validation().forEach((name, value) -> putNumber(validation, name, value));
            try {
                out.append(json.writeValueAsString(line)).append('\n');
            } catch (JsonProcessingException ex) {
                throw new UncheckedIOException(ex);
            }
        }
        return out.toString();
    }

    private static void putNumber(ObjectNode node, String name, double value) {
        if (Double.isFinite(value)) {
            node.put(name, value);
        } else {
            node.putNull(name);
        }
    }

    public String toHtml(TrainingReport report) {
        StringBuilder html = new StringBuilder(32 * 1024);
        String title = HtmlText.escape(report.title());
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(title).append("</title>\n<style>\n").append(CSS).append("</style>\n")
                .append("</head>\n<body>\n");
        html.append("<header>\n<h1>").append(title).append("</h1>\n<p class=\"meta\">")
                .append(HtmlText.escape(summaryLine(report))).append("</p>\n</header>\n");

        finalMetrics(html, report);
        charts(html, report);
        if (report.isClassification()) {
            confusion(html, report);
        }
        perClass(html, report);
        perOutput(html, report);
        keyValues(html, "Configuration", report.configuration(), "No configuration recorded.");
        keyValues(html, "Timings", report.timings(), "No timings recorded.");
        history(html, report);
        return html.append("</body>\n</html>\n").toString();
    }

    private String summaryLine(TrainingReport report) {
        int epochs = report.epochs().size();
        String task = report.isClassification()
                ? "classification, " + report.classLabels().size() + " classes"
                : "regression";
        return "Generated " + DATE.format(clock.instant()) + " \u00b7 " + epochs + (epochs == 1 ? " epoch" : " epochs")
                + " \u00b7 " + task;
    }

    private static void finalMetrics(StringBuilder html, TrainingReport report) {
        html.append("<section>\n<h2>Final metrics</h2>\n");
        if (report.finalMetrics().isEmpty()) {
            html.append("<p class=\"note\">No final metrics recorded.</p>\n</section>\n");
            return;
        }
        html.append("<div class=\"tiles\">\n");
        report.finalMetrics().forEach((name, value) -> html.append("<div class=\"tile\"><div class=\"value\">")
                .append(HtmlText.escape(HtmlText.number(value))).append("</div><div class=\"name\">")
                .append(HtmlText.escape(displayName(name) + (name.equals("loss") ? lossUnits(report) : "")))
                .append("</div></div>\n"));
        html.append("</div>\n");
        int outputs = report.outputMetrics().size();
        if (outputs > 0) {
            html.append("<p class=\"note\">A regression of ").append(outputs).append(" outputs: MSE, RMSE, MAE and R\u00b2")
                    .append(" above are the plain means of the outputs' own, listed under Per-output metrics.</p>\n");
        }
        html.append("</section>\n");
    }

    /** A regression of several outputs: one row per output (its name, MSE, RMSE, MAE, R^2 in its own units). */
    private static void perOutput(StringBuilder html, TrainingReport report) {
        if (report.outputMetrics().isEmpty()) {
            return;
        }
        List<String> names = List.of("mse", "rmse", "mae", "r2");
        html.append("<section>\n<h2>Per-output metrics</h2>\n<div class=\"scroll\">\n<table>\n<thead><tr><th>output</th>");
        for (String name : names) {
            html.append("<th>").append(HtmlText.escape(displayName(name))).append("</th>");
        }
        html.append("</tr></thead>\n<tbody>\n");
        report.outputMetrics().forEach((output, metrics) -> {
            html.append("<tr><th scope=\"row\">").append(HtmlText.escape(output)).append("</th>");
            for (String name : names) {
                numberCell(html, metrics.getOrDefault(name, Double.NaN));
            }
            html.append("</tr>\n");
        });
        html.append("</tbody>\n</table>\n</div>\n</section>\n");
    }

    private static void charts(StringBuilder html, TrainingReport report) {
        List<EpochRecord> epochs = report.epochs();
        html.append("<section>\n<h2>Training curves</h2>\n<div class=\"charts\">\n");
        html.append(new LineChart("Loss" + lossUnits(report), "epoch", "loss", true, List.of(
                series("train loss", TRAIN_COLOUR, false, epochs, EpochRecord::trainLoss),
                series("validation loss", VALIDATION_COLOUR, true, epochs,
                        e -> e.validation("loss").orElse(Double.NaN)))).toSvg()).append('\n');
        String metric = secondChartMetric(epochs);
        if (metric != null) {
            String name = displayName(metric);
            html.append(new LineChart("Validation " + name, "epoch", name, true, List.of(
                    series("validation " + name, METRIC_COLOUR, false, epochs,
                            e -> e.validation(metric).orElse(Double.NaN)))).toSvg()).append('\n');
        }
        html.append("</div>\n");
        if (metric == null && !epochs.isEmpty()) {
            html.append("<p class=\"note\">No validation metric other than loss was recorded.</p>\n");
        }
        html.append("</section>\n");
    }

    /** What the losses are measured in, when it is not the label's own units. */
    private static String lossUnits(TrainingReport report) {
        return report.lossOnStandardizedTargets() ? " (standardised targets)" : "";
    }

    private static LineChart.Series series(String name, String colour, boolean dashed, List<EpochRecord> epochs,
                                           ToDoubleFunction<EpochRecord> value) {
        List<LineChart.Point> points = new ArrayList<>(epochs.size());
        for (EpochRecord e : epochs) {
            points.add(new LineChart.Point(e.epoch(), value.applyAsDouble(e)));
        }
        return new LineChart.Series(name, colour, dashed, points);
    }

    /** The preferred metric that some epoch has, else any recorded metric besides loss, else null. */
    private static String secondChartMetric(List<EpochRecord> epochs) {
        Set<String> recorded = new LinkedHashSet<>();
        epochs.forEach(e -> recorded.addAll(e.validation().keySet()));
        for (String preferred : SECOND_CHART_METRICS) {
            if (recorded.contains(preferred)) {
                return preferred;
            }
        }
        return recorded.stream().filter(name -> !name.equals("loss")).findFirst().orElse(null);
    }

    private static void confusion(StringBuilder html, TrainingReport report) {
        long[][] counts = report.confusion();
        html.append("<section>\n<h2>Confusion matrix</h2>\n");
        if (counts.length > ConfusionTable.MAX_CLASSES) {
            html.append("<p class=\"note\">").append(counts.length).append(" classes: the matrix is left out above ")
                    .append(ConfusionTable.MAX_CLASSES).append("; see the per-class metrics.</p>\n</section>\n");
            return;
        }
        html.append("<p class=\"note\">Rows are the true class, columns the predicted class. Shading shows each cell's ")
                .append("share of its row: blue on the diagonal (recall), red off it (mistakes).</p>\n")
                .append("<div class=\"scroll\">\n").append(ConfusionTable.toHtml(counts, report.classLabels()))
                .append("</div>\n</section>\n");
    }

    private static void perClass(StringBuilder html, TrainingReport report) {
        double[] precision = report.precision();
        double[] recall = report.recall();
        if (precision == null && recall == null) {
            return;
        }
        long[][] counts = report.confusion();
        html.append("<section>\n<h2>Per-class metrics</h2>\n<div class=\"scroll\">\n<table>\n<thead><tr><th>class</th>");
        if (counts != null) {
            html.append("<th>support</th>");
        }
        if (precision != null) {
            html.append("<th>precision</th>");
        }
        if (recall != null) {
            html.append("<th>recall</th>");
        }
        if (precision != null && recall != null) {
            html.append("<th>F1</th>");
        }
        html.append("</tr></thead>\n<tbody>\n");
        for (int c = 0; c < report.classLabels().size(); c++) {
            html.append("<tr><th scope=\"row\">").append(HtmlText.escape(report.classLabels().get(c))).append("</th>");
            if (counts != null) {
                long support = 0;
                for (long count : counts[c]) {
                    support += count;
                }
                html.append("<td class=\"num\">").append(support).append("</td>");
            }
            if (precision != null) {
                ratioCell(html, precision[c]);
            }
            if (recall != null) {
                ratioCell(html, recall[c]);
            }
            if (precision != null && recall != null) {
                double sum = precision[c] + recall[c];
                ratioCell(html, sum > 0 ? 2 * precision[c] * recall[c] / sum : Double.NaN);
            }
            html.append("</tr>\n");
        }
        html.append("</tbody>\n</table>\n</div>\n</section>\n");
    }

    private static void numberCell(StringBuilder html, double value) {
        html.append("<td class=\"num\">").append(HtmlText.escape(HtmlText.number(value))).append("</td>");
    }

    /** Ratios in [0, 1] with a fixed four decimals, so that a column of them lines up. */
    private static void ratioCell(StringBuilder html, double value) {
        String text = Double.isFinite(value) ? String.format(Locale.ROOT, "%.4f", value) : HtmlText.number(value);
        html.append("<td class=\"num\">").append(HtmlText.escape(text)).append("</td>");
    }

    private static void keyValues(StringBuilder html, String heading, Map<String, String> entries, String whenEmpty) {
        html.append("<section>\n<h2>").append(HtmlText.escape(heading)).append("</h2>\n");
        if (entries.isEmpty()) {
            html.append("<p class=\"note\">").append(HtmlText.escape(whenEmpty)).append("</p>\n</section>\n");
            return;
        }
        html.append("<table class=\"kv\">\n");
        entries.forEach((key, value) -> html.append("<tr><th scope=\"row\">").append(HtmlText.escape(key))
                .append("</th><td>").append(HtmlText.escape(value)).append("</td></tr>\n"));
        html.append("</table>\n</section>\n");
    }

    /** The full per-epoch table, folded away because the charts already tell most of it. */
    private static void history(StringBuilder html, TrainingReport report) {
        List<EpochRecord> epochs = report.epochs();
        if (epochs.isEmpty()) {
            return;
        }
        Set<String> metrics = new LinkedHashSet<>();
        epochs.forEach(e -> metrics.addAll(e.validation().keySet()));
        html.append("<section>\n<h2>Epochs</h2>\n<details>\n<summary>Per-epoch history (").append(epochs.size())
                .append(epochs.size() == 1 ? " epoch" : " epochs").append(")</summary>\n")
                .append("<div class=\"scroll\">\n<table>\n<thead><tr><th>epoch</th><th>iteration</th><th>train loss</th>");
        for (String metric : metrics) {
            html.append("<th>validation ").append(HtmlText.escape(displayName(metric))).append("</th>");
        }
        html.append("<th>learning rate</th><th>examples/s</th><th>elapsed s</th></tr></thead>\n<tbody>\n");
        for (EpochRecord e : epochs) {
            html.append("<tr><td class=\"num\">").append(e.epoch()).append("</td><td class=\"num\">")
                    .append(e.iteration()).append("</td>");
            numberCell(html, e.trainLoss());
            for (String metric : metrics) {
                numberCell(html, e.validation(metric).orElse(Double.NaN));
            }
            numberCell(html, e.learningRate());
            numberCell(html, e.examplesPerSecond());
            numberCell(html, e.elapsedSeconds());
            html.append("</tr>\n");
        }
        html.append("</tbody>\n</table>\n</div>\n</details>\n</section>\n");
    }

    private static String displayName(String metric) {
        return DISPLAY_NAMES.getOrDefault(metric, metric);
    }
}
