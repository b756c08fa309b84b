package io.sparkprop.jobs.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportWriterTest {
    private static final Pattern CONFUSION_CELL = Pattern.compile("<td class=\"cm\"[^>]*>(\\d+)</td>");

    private final ReportWriter writer = new ReportWriter(SampleReports.CLOCK);

    @Test
    void jsonLinesParseBackWithEachEpochsNumbers() throws Exception {
        TrainingReport report = SampleReports.mnist();
        String text = writer.toJsonLines(report);

        assertTrue(text.endsWith("\n"));
        String[] lines = text.split("\n");
        assertEquals(12, lines.length);
        ObjectMapper json = new ObjectMapper();
        for (int i = 0; i < lines.length; i++) {
            EpochRecord expected = report.epochs().get(i);
            JsonNode line = json.readTree(lines[i]);
            assertEquals(expected.epoch(), line.get("epoch").asInt());
            assertEquals(expected.iteration(), line.get("iteration").asLong());
            assertEquals(expected.trainLoss(), line.get("trainLoss").asDouble());
            assertEquals(expected.learningRate(), line.get("learningRate").asDouble());
            assertEquals(expected.examplesPerSecond(), line.get("examplesPerSecond").asDouble());
            assertEquals(expected.elapsedSeconds(), line.get("elapsedSeconds").asDouble());
            assertEquals(expected.validation().get("loss"), line.get("validation").get("loss").asDouble());
            assertEquals(expected.validation().get("accuracy"), line.get("validation").get("accuracy").asDouble());
        }
    }

    @Test
    void jsonLinesWriteNonFiniteNumbersAsNull() throws Exception {
        TrainingReport report = report(List.of(
                new EpochRecord(1, 10, Double.NaN, 0.1, Double.POSITIVE_INFINITY, 1.0, Map.of("loss", Double.NaN))));
        JsonNode line = new ObjectMapper().readTree(writer.toJsonLines(report).strip());
        assertTrue(line.get("trainLoss").isNull());
        assertTrue(line.get("examplesPerSecond").isNull());
        assertTrue(line.get("validation").get("loss").isNull());
        assertEquals(0.1, line.get("learningRate").asDouble());
    }

    @Test
    void htmlChartsHaveOnePointPerEpoch() {
        String html = writer.toHtml(SampleReports.mnist());

        assertTrue(html.contains("<svg"));
        assertEquals(12, polylinePoints(html, "train loss").size());
        assertEquals(12, polylinePoints(html, "validation loss").size());
        assertEquals(12, polylinePoints(html, "validation accuracy").size());
    }

    @Test
    void trainLossFallsDownTheChart() {
        // SVG y grows downwards, so a falling loss must give rising y coordinates.
        List<double[]> points = polylinePoints(writer.toHtml(SampleReports.mnist()), "train loss");
        for (int i = 1; i < points.size(); i++) {
            assertTrue(points.get(i)[0] > points.get(i - 1)[0], "x increases with the epoch");
            assertTrue(points.get(i)[1] > points.get(i - 1)[1], "y moves down as the loss falls");
        }
    }

    @Test
    void confusionMatrixCellsHoldTheCounts() {
        TrainingReport report = SampleReports.mnist();
        String html = writer.toHtml(report);

        List<Long> cells = new ArrayList<>();
        Matcher m = CONFUSION_CELL.matcher(html);
        while (m.find()) {
            cells.add(Long.parseLong(m.group(1)));
        }
        long[][] confusion = report.confusion();
        assertEquals(100, cells.size());
        for (int t = 0; t < 10; t++) {
            for (int p = 0; p < 10; p++) {
                assertEquals(confusion[t][p], cells.get(t * 10 + p), "true " + t + ", predicted " + p);
            }
        }
        assertTrue(html.contains("<th scope=\"row\">7</th>"));
        assertTrue(html.contains("<th scope=\"col\">7</th>"));
    }

    @Test
    void configurationValuesAreEscaped() {
        String html = writer.toHtml(SampleReports.mnist());

        assertFalse(html.contains("<script"), "no script element, injected or otherwise");
        assertTrue(html.contains("label &lt;&gt; &#39;bad&#39; &amp;&amp; weight &gt; 0 "
                + "&lt;script&gt;alert(1)&lt;/script&gt;"));
    }

    @Test
    void titleIsEscapedEverywhere() {
        TrainingReport report = new TrainingReport("a <b> & \"c\"", List.of(), Map.of(), null, List.of(), null, null,
                Map.of(), Map.of());
        String html = writer.toHtml(report);
        assertFalse(html.contains("<b>"));
        assertTrue(html.contains("<h1>a &lt;b&gt; &amp; &quot;c&quot;</h1>"));
    }

    @Test
    void htmlReferencesNothingOutsideItself() {
        String html = writer.toHtml(SampleReports.mnist());

        String withoutNamespace = html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
        assertFalse(withoutNamespace.contains("http://"));
        assertFalse(withoutNamespace.contains("https://"));
        assertFalse(Pattern.compile("\\b(src|href)\\s*=", Pattern.CASE_INSENSITIVE).matcher(html).find());
        assertFalse(html.contains("<link"));
        assertFalse(html.contains("@import"));
        assertFalse(html.contains("url("));
    }

    @Test
    void htmlHasHeaderWithTitleAndDate() {
        String html = writer.toHtml(SampleReports.mnist());
        assertTrue(html.contains("<h1>MNIST 784-256-128-10, 4 executors</h1>"));
        assertTrue(html.contains("Generated 2025-03-14 09:26 UTC"));
        assertTrue(html.contains("<title>MNIST 784-256-128-10, 4 executors</title>"));
    }

    @Test
    void perClassPrecisionAndRecallAreListed() {
        TrainingReport report = SampleReports.mnist();
        String html = writer.toHtml(report);
        assertTrue(html.contains("<h2>Per-class metrics</h2>"));
        assertTrue(html.contains(String.format(Locale.ROOT, "<td class=\"num\">%.4f</td>", report.precision()[3])));
        assertTrue(html.contains(String.format(Locale.ROOT, "<td class=\"num\">%.4f</td>", report.recall()[9])));
    }

    @Test
    void regressionReportHasNoConfusionMatrix() {
        String html = writer.toHtml(SampleReports.regression());

        assertFalse(html.contains("Confusion matrix"));
        assertFalse(CONFUSION_CELL.matcher(html).find());
        assertFalse(html.contains("Per-class"));
        assertEquals(8, polylinePoints(html, "train loss").size());
        assertEquals(8, polylinePoints(html, "validation RMSE").size());
        assertTrue(html.contains("R\u00b2"));
        assertTrue(html.contains("0.8174"));
        assertTrue(html.contains("regression"));
    }

    @Test
    void singleEpochGetsAMarker() {
        String html = writer.toHtml(report(List.of(
                new EpochRecord(1, 50, 0.7, 0.01, 1000, 2.0, Map.of("loss", 0.8, "accuracy", 0.6)))));

        assertEquals(1, polylinePoints(html, "train loss").size());
        assertTrue(html.contains("<circle"));
        assertNoBrokenNumbers(html);
    }

    @Test
    void nanEpochsAreSkipped() {
        List<EpochRecord> epochs = new ArrayList<>();
        for (int e = 1; e <= 5; e++) {
            epochs.add(new EpochRecord(e, e * 10L, e == 3 ? Double.NaN : 1.0 / e, 0.01, 1000, e,
                    e % 2 == 0 ? Map.of("loss", 1.0 / e) : Map.of()));
        }
        String html = writer.toHtml(report(epochs));

        assertEquals(4, polylinePoints(html, "train loss").size());
        assertEquals(2, polylinePoints(html, "validation loss").size());
        assertNoBrokenNumbers(html);
    }

    @Test
    void constantSeriesDrawsAFlatLine() {
        List<EpochRecord> epochs = new ArrayList<>();
        for (int e = 1; e <= 4; e++) {
            epochs.add(new EpochRecord(e, e, 0.5, 0.01, 1000, e, Map.of("accuracy", 1.0)));
        }
        String html = writer.toHtml(report(epochs));

        List<double[]> points = polylinePoints(html, "train loss");
        assertEquals(4, points.size());
        points.forEach(p -> assertEquals(points.get(0)[1], p[1]));
        assertEquals(4, polylinePoints(html, "validation accuracy").size());
        assertNoBrokenNumbers(html);
    }

    @Test
    void noEpochsStillRenders() {
        String html = writer.toHtml(report(List.of()));
        assertTrue(html.contains("No data recorded"));
        assertEquals("", writer.toJsonLines(report(List.of())));
    }

    @Test
    void mismatchedShapesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new TrainingReport("t", List.of(), Map.of(),
                new long[][] {{1, 2}, {3}}, List.of(), null, null, Map.of(), Map.of()));
        assertThrows(IllegalArgumentException.class, () -> new TrainingReport("t", List.of(), Map.of(),
                new long[][] {{1, 2}, {3, 4}}, List.of("a", "b", "c"), null, null, Map.of(), Map.of()));
        assertThrows(IllegalArgumentException.class, () -> new TrainingReport("t", List.of(), Map.of(),
                new long[][] {{1, 2}, {3, 4}}, List.of("a", "b"), new double[3], null, Map.of(), Map.of()));
    }

    @Test
    void missingLabelsDefaultToClassIndices() {
        TrainingReport report = new TrainingReport("t", List.of(), Map.of(), new long[][] {{1, 2}, {3, 4}},
                List.of(), null, null, Map.of(), Map.of());
        assertEquals(List.of("0", "1"), report.classLabels());
    }

    private static TrainingReport report(List<EpochRecord> epochs) {
        return new TrainingReport("run", epochs, Map.of("accuracy", 0.5), null, List.of(), null, null,
                Map.of(), Map.of());
    }

    /** The (x, y) points of the polyline drawn for the named series. */
    private static List<double[]> polylinePoints(String html, String series) {
        Matcher m = Pattern.compile("<polyline[^>]*data-series=\"" + Pattern.quote(series)
                + "\"[^>]*points=\"([^\"]*)\"").matcher(html);
        assertTrue(m.find(), "a polyline for " + series);
        List<double[]> points = new ArrayList<>();
        for (String pair : m.group(1).trim().split("\\s+")) {
            String[] xy = pair.split(",");
            points.add(new double[] {Double.parseDouble(xy[0]), Double.parseDouble(xy[1])});
        }
        assertFalse(m.find(), "only one polyline for " + series);
        return points;
    }

    private static void assertNoBrokenNumbers(String html) {
        assertFalse(html.contains("NaN"));
        assertFalse(html.contains("Infinity"));
    }
}
