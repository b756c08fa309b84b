package io.sparkprop.driver.train;

/**
 * One iteration.
 *
 * @param iteration       its global number (1-based, = optimiser steps so far)
 * @param epoch           its epoch (0-based)
 * @param positionInEpoch its index within the epoch
 * @param loss            the mean training loss of its mini-batch
 * @param rows            rows in the mini-batch
 * @param learningRate    the learning rate used
 * @param gradientNorm    the gradient's L2 norm before clipping
 * @param seconds         wall time
 */
public record IterationMetrics(long iteration, long epoch, int positionInEpoch, double loss, long rows, double learningRate,
                               double gradientNorm, double seconds) {
}
