package io.sparkprop.driver.train;

import java.io.Serializable;

/**
 * What task 0 of a barrier job of synchronous steps ({@link BarrierSteps}) returns to the driver: the
 * parameters and optimizer state after the steps it completed, and per step what the loop reports.
 * <pre>
 *   values  [(1 + S) P]  = [ theta | state_1 .. state_S ]      after {@code completed} steps
 *   steps   [5 n]        = per step i: lossSum, weightSum, rows, learning rate, |g| before clipping
 * </pre>
 * {@code stopped} says why fewer than n steps completed: {@link #RAN} (they did not), {@link #LOSS} or
 * {@link #GRADIENT} (step completed + 1's loss or mean gradient was not finite; not applied) or
 * {@link #PARAMETERS} (step completed made the parameters non-finite).
 */
public final class StepsResult implements Serializable {
    private static final long serialVersionUID = 1L;
    static final int RAN = 0;
    static final int LOSS = 1;
    static final int GRADIENT = 2;
    static final int PARAMETERS = 3;
    /** The entries per step in {@link #steps}. */
    static final int PER_STEP = 5;

    final float[] values;
    final double[] steps;
    final int completed;
    final int stopped;
    /** The mean loss of the step that stopped the job (LOSS, GRADIENT). */
    final double stoppedLoss;
    /** Task 0's seconds computing partials and updating, and waiting in the exchange. */
    final double computeSeconds;
    final double exchangeSeconds;

    StepsResult(float[] values, double[] steps, int completed, int stopped, double stoppedLoss, double computeSeconds,
                double exchangeSeconds) {
        this.values = values;
        this.steps = steps;
        this.completed = completed;
        this.stopped = stopped;
        this.stoppedLoss = stoppedLoss;
        this.computeSeconds = computeSeconds;
        this.exchangeSeconds = exchangeSeconds;
    }

    double lossSum(int step) {
        return steps[PER_STEP * step];
    }

    double weightSum(int step) {
        return steps[PER_STEP * step + 1];
    }

    long rows(int step) {
        return (long) steps[PER_STEP * step + 2];
    }

    double rate(int step) {
        return steps[PER_STEP * step + 3];
    }

    double norm(int step) {
        return steps[PER_STEP * step + 4];
    }
}
