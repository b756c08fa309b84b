package io.sparkprop.driver.train;

/**
 * One iteration (one round of local steps: the last iteration of the round).
 *
 * @param iteration       its global number (1-based, = optimiser steps so far)
 * @param epoch           its epoch (0-based)
 * @param positionInEpoch its index within the epoch
 * @param loss            the mean training loss of its mini-batch
 * @param rows            rows in the mini-batch
 * @param learningRate    the learning rate used
 * @param gradientNorm    the gradient's L2 norm before clipping
 * @param seconds         wall time of the round
 * @param broadcastSeconds of which creating the weights' broadcast
 * @param jobSeconds       of which the Spark job (scheduling, tasks, result fetch)
 * @param sumSeconds       of which the ordered sum of the partials on the driver; the rest is the update
 */
public record IterationMetrics(long iteration, long epoch, int positionInEpoch, double loss, long rows, double learningRate,
                               double gradientNorm, double seconds, double broadcastSeconds, double jobSeconds,
                               double sumSeconds) {
}
