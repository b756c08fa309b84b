package io.sparkprop.driver.train;

/**
 * One iteration (one round of local steps: the last iteration of the round).
 *
 * @param iteration       its global number (1-based, = optimizer steps so far)
 * @param epoch           its epoch (0-based)
 * @param positionInEpoch its index within the epoch
 * @param loss            the mean training loss of its mini-batch
 * @param rows            rows in the mini-batch
 * @param learningRate    the learning rate used
 * @param gradientNorm    the gradient's L2 norm before clipping
 * @param seconds         wall time of the round
 * @param broadcastSeconds of which creating the weights' broadcast
 * @param jobSeconds       of which the Spark job (scheduling, tasks, result fetch)
 * @param sumSeconds       of which the driver's work after the job (the mean); the rest is the update
 * @param partialBytes     the bytes of partial sums the round moved (to the driver, or through the sharded
 *                         aggregation's shuffle): values and, where column-sparse, column indices
 */
public record IterationMetrics(long iteration, long epoch, int positionInEpoch, double loss, long rows, double learningRate,
                               double gradientNorm, double seconds, double broadcastSeconds, double jobSeconds,
                               double sumSeconds, long partialBytes) {
}
