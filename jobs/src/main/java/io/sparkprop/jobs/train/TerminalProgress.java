package io.sparkprop.jobs.train;

import io.sparkprop.driver.train.EpochMetrics;
import io.sparkprop.driver.train.IterationMetrics;
import io.sparkprop.driver.train.TrainingListener;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Training progress for a person at a terminal: one line per epoch that is redrawn in place (a
 * carriage return, no escape codes) with the steps done, the epoch's mean training loss so far, the
 * time spent and the time left, and finished with a newline and the epoch's validation metrics when
 * the epoch ends. Redraws at most every {@link #REDRAW_NANOS} so a fast run does not flood the
 * terminal. Only for terminals: logs and pipes get the trainer's plain lines instead.
 */
final class TerminalProgress implements TrainingListener {
    static final long REDRAW_NANOS = 200_000_000L;

    private final PrintWriter out;
    private final LongSupplier clock;
    private int epochs;
    private long perEpoch;
    private long epochStart;
    private long lastDraw;
    /** The epoch's first iteration seen (0: none yet) and when: the reference for the rate (a resumed epoch starts midway). */
    private long firstDone;
    private long firstTime;
    private long done;
    private double lossSum;
    private long rows;
    private int drawnLength;

    TerminalProgress(PrintWriter out) {
        this(out, System::nanoTime);
    }

    /** @param clock nanoseconds, as {@link System#nanoTime} */
    TerminalProgress(PrintWriter out, LongSupplier clock) {
        this.out = out;
        this.clock = clock;
    }

    @Override
    public void onStart(int epochs, long iterationsPerEpoch) {
        this.epochs = epochs;
        this.perEpoch = iterationsPerEpoch;
        startEpoch();
    }

    @Override
    public void onIteration(IterationMetrics m) {
        long now = clock.getAsLong();
        done = m.positionInEpoch() + 1L;
        lossSum += m.loss() * m.rows();
        rows += m.rows();
        boolean first = firstDone == 0;
        if (first) {
            firstDone = done;
            firstTime = now;
        }
        if (first || now - lastDraw >= REDRAW_NANOS || done == perEpoch) {
            // steps per second since the epoch's first iteration seen; before a second one, from the epoch's start
            double rate = first ? done / Math.max(1e-9, (now - epochStart) * 1e-9)
                    : (done - firstDone) / Math.max(1e-9, (now - firstTime) * 1e-9);
            draw(String.format(Locale.ROOT, "epoch %d/%d  %d/%d steps  loss %.4f  %s elapsed, ETA %s", m.epoch() + 1, epochs,
                    done, perEpoch, lossSum / rows, clock((now - epochStart) * 1e-9), clock((perEpoch - done) / rate)), false);
            lastDraw = now;
        }
    }

    @Override
    public void onEpoch(EpochMetrics m) {
        double elapsed = (clock.getAsLong() - epochStart) * 1e-9;
        draw(String.format(Locale.ROOT, "epoch %d/%d  %d steps  training loss %.4f  %s%s", m.epoch(), epochs, done,
                m.trainingLoss(), clock(elapsed), m.validation() == null ? "" : "  validation " + m.validation()), true);
        startEpoch();
    }

    /** Ends a line left unfinished (a run stopped mid-epoch, or failed), so what follows starts on its own line. */
    void endLine() {
        if (drawnLength > 0) {
            out.println();
            out.flush();
            drawnLength = 0;
        }
    }

    private void startEpoch() {
        epochStart = clock.getAsLong();
        firstDone = 0;
        done = 0;
        lossSum = 0;
        rows = 0;
    }

    /** Overwrites the line drawn last (spaces over what the new text does not cover). */
    private void draw(String text, boolean finished) {
        StringBuilder line = new StringBuilder("\r").append(text);
        for (int i = text.length(); i < drawnLength; i++) {
            line.append(' ');
        }
        drawnLength = finished ? 0 : text.length();
        out.print(line);
        if (finished) {
            out.println();
        }
        out.flush();
    }

    /** m:ss, or h:mm:ss from an hour. */
    static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
