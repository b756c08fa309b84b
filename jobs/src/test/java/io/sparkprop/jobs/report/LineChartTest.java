package io.sparkprop.jobs.report;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LineChartTest {
    private static final double TOLERANCE = 1e-12;

    @Test
    void stepsAreOneTwoOrFiveTimesAPowerOfTen() {
        assertEquals(0.1, LineChart.Axis.niceStep(0.11), TOLERANCE);
        assertEquals(0.2, LineChart.Axis.niceStep(0.18), TOLERANCE);
        assertEquals(5, LineChart.Axis.niceStep(4.0), TOLERANCE);
        assertEquals(100, LineChart.Axis.niceStep(80), TOLERANCE);
    }

    @Test
    void roundedAxisCoversTheDataWithWholeTicks() {
        LineChart.Axis axis = LineChart.Axis.rounded(0.047, 0.465, 6);
        assertEquals(0.1, axis.step(), TOLERANCE);
        assertEquals(0.0, axis.min(), TOLERANCE);
        assertEquals(0.5, axis.max(), TOLERANCE);
        assertEquals(List.of("0.0", "0.1", "0.2", "0.3", "0.4", "0.5"), axis.ticks().stream().map(axis::label).toList());
    }

    @Test
    void epochAxisHasWholeNumberTicksInsideTheData() {
        LineChart.Axis axis = LineChart.Axis.tight(1, 12, 7, true);
        assertEquals(1, axis.min(), TOLERANCE);
        assertEquals(12, axis.max(), TOLERANCE);
        assertEquals(List.of("2", "4", "6", "8", "10", "12"), axis.ticks().stream().map(axis::label).toList());
    }

    @Test
    void singleEpochIsWidenedToAWholeEpochEitherSide() {
        LineChart.Axis axis = LineChart.Axis.tight(1, 1, 7, true);
        assertEquals(List.of("0", "1", "2"), axis.ticks().stream().map(axis::label).toList());
    }

    @Test
    void constantValuesGetANonEmptyRange() {
        LineChart.Axis axis = LineChart.Axis.rounded(0.5, 0.5, 6);
        assertTrue(axis.max() > axis.min());
        assertTrue(axis.min() <= 0.5 && axis.max() >= 0.5);
        LineChart.Axis zero = LineChart.Axis.rounded(0, 0, 6);
        assertTrue(zero.max() > zero.min());
    }

    @Test
    void labelsNeverReadMinusZero() {
        LineChart.Axis axis = LineChart.Axis.rounded(-0.3, 0.3, 6);
        assertEquals("0.0", axis.label(-0.0001));
        assertEquals("-0.1", axis.label(-0.1));
    }

    @Test
    void chartWithoutFinitePointsSaysSo() {
        String svg = new LineChart("Loss", "epoch", "loss", true, List.of(new LineChart.Series("train", "#000", false,
                List.of(new LineChart.Point(1, Double.NaN))))).toSvg();
        assertTrue(svg.contains("No data recorded"));
        assertTrue(svg.endsWith("</svg>"));
    }
}
