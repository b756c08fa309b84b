package io.sparkprop.driver.train;

/**
 * One completed epoch: its number (0-based), iterations so far, the mean training loss over the
 * epoch's rows (as seen during the epoch, with the parameters changing), examples per second, and
 * the validation metrics at the end of the epoch (null without validation data).
 */
public final class EpochMetrics {
    private final long epoch;
    private final long iteration;
    private final double trainingLoss;
    private final double examplesPerSecond;
    private final double seconds;
    private final EvaluationMetrics validation;

    EpochMetrics(long epoch, long iteration, double trainingLoss, double examplesPerSecond, double seconds,
                 EvaluationMetrics validation) {
        this.epoch = epoch;
        this.iteration = iteration;
        this.trainingLoss = trainingLoss;
        this.examplesPerSecond = examplesPerSecond;
        this.seconds = seconds;
        this.validation = validation;
    }

    /** The epoch just completed, counting from 1. */
    public long epoch() {
        return epoch;
    }

    public long iteration() {
        return iteration;
    }

    public double trainingLoss() {
        return trainingLoss;
    }

    public double examplesPerSecond() {
        return examplesPerSecond;
    }

    public double seconds() {
        return seconds;
    }

    public EvaluationMetrics validation() {
        return validation;
    }
}
