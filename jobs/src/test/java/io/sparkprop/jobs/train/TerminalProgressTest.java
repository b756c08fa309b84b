package io.sparkprop.jobs.train;

import io.sparkprop.driver.train.EpochMetrics;
import io.sparkprop.driver.train.IterationMetrics;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The terminal's progress line, driven by a clock that moves a known amount per iteration. */
class TerminalProgressTest {
    private long now;

    private static IterationMetrics iteration(long epoch, int position, double loss, long rows) {
        return new IterationMetrics(epoch * 4 + position + 1, epoch, position, loss, rows, 0.1, 1, 1, 0, 0, 0, 0);
    }

    @Test
    void oneLineRedrawnPerEpochWithLossSoFarElapsedAndEtaThenANewline() {
        StringWriter text = new StringWriter();
        TerminalProgress progress = new TerminalProgress(new PrintWriter(text), () -> now);
        progress.onStart(2, 4);
        // epoch 1: 30 s; the loss so far is the rows-weighted mean: (4 * 10 + 2 * 30) / 40 = 2.5, then 220 / 100 = 2.2
        now += 10_000_000_000L;
        progress.onIteration(iteration(0, 0, 4, 10));
        now += 10_000_000_000L;
        progress.onIteration(iteration(0, 1, 2, 30));
        now += 100_000_000L; // 0.1 s later: under the redraw interval, not drawn
        progress.onIteration(iteration(0, 2, 2, 30));
        now += 9_900_000_000L;
        progress.onIteration(iteration(0, 3, 2, 30));
        progress.onEpoch(new EpochMetrics(1, 4, 2.25, 10, 40, null));
        // epoch 2 stops after one iteration (train.maxIterations): the line still ends
        now += 65_000_000_000L;
        progress.onIteration(iteration(1, 0, 1, 10));
        progress.endLine();

        String expected = "\repoch 1/2  1/4 steps  loss 4.0000  0:10 elapsed, ETA 0:30"
                // 1 step in the 10 s since the first: 2 steps left take 20 s
                + "\repoch 1/2  2/4 steps  loss 2.5000  0:20 elapsed, ETA 0:20"
                + "\repoch 1/2  4/4 steps  loss 2.2000  0:30 elapsed, ETA 0:00"
                + "\repoch 1/2  4 steps  training loss 2.2500  0:30" + " ".repeat(11) + System.lineSeparator()
                // 65 s for the first step of epoch 2: 3 more take 195 s
                + "\repoch 2/2  1/4 steps  loss 1.0000  1:05 elapsed, ETA 3:15" + System.lineSeparator();
        assertEquals(expected, text.toString());
        assertFalse(text.toString().contains("\u001b"), "no escape codes");
    }

    @Test
    void clockCountsMinutesThenHours() {
        assertEquals("0:07", TerminalProgress.clock(7.2));
        assertEquals("2:05", TerminalProgress.clock(125));
        assertEquals("1:01:01", TerminalProgress.clock(3661));
    }
}
