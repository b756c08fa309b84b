package io.sparkprop.driver.exchange;

import java.util.Arrays;

/**
 * The reduce-scatter's cut of the P gradient entries into W contiguous slices of about equal length:
 * <pre>
 *   slice s = [floor(P s / W), floor(P (s + 1) / W))      s = 0 .. W-1
 * </pre>
 * and the adding of one slice: entry j of the sum is {@code sum_t partial_t[j]} in double, t ascending,
 * divided by the total weight and rounded to float (the aggregator's mean).
 */
final class Slices {
    private final int parameters;
    private final int tasks;
    /** The running sums of one slice, reused step after step. */
    private final double[] sum;

    Slices(int parameters, int tasks) {
        this.parameters = parameters;
        this.tasks = tasks;
        this.sum = new double[(parameters + tasks - 1) / tasks];
    }

    int lo(int slice) {
        return (int) ((long) parameters * slice / tasks);
    }

    int hi(int slice) {
        return lo(slice + 1);
    }

    int length(int slice) {
        return hi(slice) - lo(slice);
    }

    /** The longest slice's length, ceil(P / W). */
    int longest() {
        return sum.length;
    }

    /** Starts a slice's sum at +0.0 (as the aggregator's). */
    void clear() {
        Arrays.fill(sum, 0);
    }

    /** totals[i] += stats[offset + i], i = 0, 1, 2: a task's lossSum, weightSum and rows, in task order. */
    static void addTotals(double[] totals, float[] stats, int offset) {
        for (int i = 0; i < 3; i++) {
            totals[i] += stats[offset + i];
        }
    }

    /** sum[k] += values[offset + k], k = 0 .. count-1: the next task's part, in task order. */
    void add(float[] values, int offset, int count) {
        for (int k = 0; k < count; k++) {
            sum[k] += values[offset + k];
        }
    }

    /** mean[offset + k] = (float) (sum[k] / weight), or 0 where the weight is 0. */
    void meanInto(float[] mean, int offset, int count, double weight) {
        for (int k = 0; k < count; k++) {
            mean[offset + k] = weight > 0 ? (float) (sum[k] / weight) : 0f;
        }
    }

    /** Whether values[from .. to) are all finite (no NaN, no infinity). */
    static boolean finite(float[] values, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!Float.isFinite(values[i])) {
                return false;
            }
        }
        return true;
    }
}
