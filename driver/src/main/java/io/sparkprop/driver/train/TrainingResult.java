package io.sparkprop.driver.train;

import java.util.List;

/**
 * What a run produced. {@link #parameters()} are the ones to use: with early stopping (patience > 0
 * and validation data) the parameters of the best validation loss, otherwise the last ones.
 */
public final class TrainingResult {
    private final float[] parameters;
    private final float[] lastParameters;
    private final long iterations;
    private final long epochs;
    private final String stopReason;
    private final List<EpochMetrics> history;

    TrainingResult(float[] parameters, float[] lastParameters, long iterations, long epochs, String stopReason,
                   List<EpochMetrics> history) {
        this.parameters = parameters;
        this.lastParameters = lastParameters;
        this.iterations = iterations;
        this.epochs = epochs;
        this.stopReason = stopReason;
        this.history = List.copyOf(history);
    }

    public float[] parameters() {
        return parameters;
    }

    public float[] lastParameters() {
        return lastParameters;
    }

    /** Completed iterations (optimiser steps), counting those before a resume. */
    public long iterations() {
        return iterations;
    }

    /** Completed epochs. */
    public long epochs() {
        return epochs;
    }

    /** "epochs", "max_iterations" or "early_stopping". */
    public String stopReason() {
        return stopReason;
    }

    /** Epochs run by this trainer (not those before a resume). */
    public List<EpochMetrics> history() {
        return history;
    }
}
