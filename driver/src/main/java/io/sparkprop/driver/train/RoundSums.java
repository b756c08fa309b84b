package io.sparkprop.driver.train;

/**
 * One round as the aggregator summed it (see {@link GradientAggregator}).
 *
 * @param mean             the mean payload {@code sum / weightSum} [B P]: the mean gradient of a synchronous
 *                         round, the mean change (then the mean optimizer state) of a round of local steps; a
 *                         buffer the next round reuses, which the update may modify
 * @param lossSum          {@code sum_i w_i L_i} over the round's rows
 * @param weightSum        {@code sum_i w_i}: the row count when unweighted
 * @param rows             the rows the round used
 * @param broadcastSeconds wall time creating the broadcast (copy, serialisation, compression)
 * @param jobSeconds       the Spark job(s): scheduling, task serialisation and launch, the tasks, results, the sum
 * @param sumSeconds       the driver's work after the job: the mean and the previous broadcast's destruction
 *                         (the partition-order sum happens while the job runs, as the partials arrive)
 * @param partialBytes     the bytes of partials moved (values and column indices): to the driver, or through
 *                         the sharded sum's shuffle
 */
record RoundSums(float[] mean, double lossSum, double weightSum, long rows, double broadcastSeconds, double jobSeconds,
                 double sumSeconds, long partialBytes) {

    /** The weighted mean loss of the round's rows (0 when they weigh 0). */
    double meanLoss() {
        return weightSum > 0 ? lossSum / weightSum : 0;
    }
}
