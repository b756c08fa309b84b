package io.sparkprop.jobs.report;

import java.util.List;
import java.util.Locale;

/**
 * The confusion matrix as an HTML table, rows = true class and columns = predicted class. Cells are
 * shaded by their share of the row, so a reader sees per-class recall and the common mistakes at a
 * glance whatever the class sizes.
 */
final class ConfusionTable {
    /** Beyond this the table is too large to read, and the page too large to open comfortably. */
    static final int MAX_CLASSES = 100;

    private ConfusionTable() {
    }

    static String toHtml(long[][] counts, List<String> labels) {
        int n = counts.length;
        StringBuilder html = new StringBuilder(256 + n * n * 96);
        html.append("<table class=\"confusion\">\n<thead><tr><th class=\"corner\">true&nbsp;&darr; / predicted&nbsp;&rarr;</th>");
        for (String label : labels) {
            html.append("<th scope=\"col\">").append(HtmlText.escape(label)).append("</th>");
        }
        html.append("<th scope=\"col\" class=\"total\">total</th></tr></thead>\n<tbody>\n");
        for (int t = 0; t < n; t++) {
            long rowTotal = 0;
            for (long count : counts[t]) {
                rowTotal += count;
            }
            html.append("<tr><th scope=\"row\">").append(HtmlText.escape(labels.get(t))).append("</th>");
            for (int p = 0; p < n; p++) {
                long count = counts[t][p];
                double share = rowTotal == 0 ? 0 : (double) count / rowTotal;
                html.append("<td class=\"cm\"").append(style(share, t == p, count))
                        .append(" title=\"").append(HtmlText.escape("true " + labels.get(t) + ", predicted "
                                + labels.get(p) + ": " + count + String.format(Locale.ROOT, " (%.1f%% of row)",
                                share * 100)))
                        .append("\">").append(count).append("</td>");
            }
            html.append("<td class=\"total\">").append(rowTotal).append("</td></tr>\n");
        }
        return html.append("</tbody>\n</table>\n").toString();
    }

    private static String style(double share, boolean diagonal, long count) {
        if (count == 0) {
            return " style=\"color:#bbb\"";
        }
        // Mistakes are usually a few percent of a row; the (doubled) square root lifts them into
        // view, so 1% reads as a clear tint and 10% as a strong one.
        double alpha = diagonal ? share : 2 * Math.sqrt(share);
        alpha = Math.max(0.08, Math.min(diagonal ? 1 : 0.9, alpha));
        String rgb = diagonal ? "31,119,180" : "214,39,40";
        String text = alpha > 0.55 ? ";color:#fff" : "";
        String weight = diagonal ? ";font-weight:600" : "";
        return String.format(Locale.ROOT, " style=\"background:rgba(%s,%.2f)%s%s\"", rgb, alpha, text, weight);
    }
}
