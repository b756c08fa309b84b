package io.sparkprop.driver.train;

/**
 * One completed epoch.
 *
 * @param epoch             the epoch just completed, counting from 1
 * @param iteration         iterations so far
 * @param trainingLoss      the mean training loss over the epoch's rows (as seen during the epoch, with
 *                          the parameters changing)
 * @param examplesPerSecond training throughput over the epoch
 * @param seconds           wall time of the epoch
 * @param validation        the validation metrics at the end of the epoch (null without validation data)
 */
public record EpochMetrics(long epoch, long iteration, double trainingLoss, double examplesPerSecond, double seconds,
                           EvaluationMetrics validation) {
}
