package io.sparkprop.driver.exchange;

/**
 * The gradient exchange of W tasks that train together inside one Spark barrier job: every step,
 * every task hands in its partial sums and gets back the same mean the driver's aggregator would
 * compute from them.
 * <pre>
 *   partial_t [P + 3] = [ g_1 .. g_P | lossSum, weightSum, rows ]   of task t = 0 .. W-1
 *   totals [3]  = sum_t partial_t[P .. P+3)                          in double, t ascending
 *   mean [P]    = (float) (sum_t partial_t[j] / totals[1])           the sum in double, t ascending; 0 when totals[1] = 0
 * </pre>
 * as a reduce-scatter (task s adds slice s of every partial, {@link Slices}) and an all-gather of the
 * summed slices, so each task adds P / W entries and every task ends with all P. The sums are the
 * aggregator's, entry by entry, so the bits are too.
 */
public interface GradientExchange extends AutoCloseable {
    /**
     * One step's exchange: this task's partial in, as {@code gradient} [P] and {@code stats} [3], the {@code mean} [P] and
     * {@code totals} [3] out. Neither input may change until this task's next call (its peers may still read them).
     *
     * @return whether every entry of the mean is finite (the same answer on every task)
     */
    boolean mean(float[] gradient, float[] stats, float[] mean, double[] totals);

    /** This task leaves with {@code cause}: the peers stop waiting for it (then {@link #close}). */
    void abort(RuntimeException cause);

    /** Frees the transport (channels, the group's shared arrays); no thread or socket outlives it. */
    @Override
    void close();
}
