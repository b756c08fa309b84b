package io.sparkprop.driver.train;

/**
 * One iteration: its global number (1-based, = optimiser steps so far), epoch and index within the
 * epoch, the mean training loss of its mini-batch, rows, learning rate used, gradient norm before
 * clipping and wall time.
 */
public final class IterationMetrics {
    private final long iteration;
    private final long epoch;
    private final int positionInEpoch;
    private final double loss;
    private final long rows;
    private final double learningRate;
    private final double gradientNorm;
    private final double seconds;

    IterationMetrics(long iteration, long epoch, int positionInEpoch, double loss, long rows, double learningRate,
                     double gradientNorm, double seconds) {
        this.iteration = iteration;
        this.epoch = epoch;
        this.positionInEpoch = positionInEpoch;
        this.loss = loss;
        this.rows = rows;
        this.learningRate = learningRate;
        this.gradientNorm = gradientNorm;
        this.seconds = seconds;
    }

    public long iteration() {
        return iteration;
    }

    public long epoch() {
        return epoch;
    }

    public int positionInEpoch() {
        return positionInEpoch;
    }

    public double loss() {
        return loss;
    }

    public long rows() {
        return rows;
    }

    public double learningRate() {
        return learningRate;
    }

    public double gradientNorm() {
        return gradientNorm;
    }

    public double seconds() {
        return seconds;
    }
}
