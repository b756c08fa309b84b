package io.sparkprop.driver.io;

import java.util.Map;

/**
 * Everything needed to continue a run exactly: parameters, optimiser state, the position
 * (completed iterations, epoch, iteration within the epoch), the seed (shuffles derive from
 * (seed, epoch, partition), so no RNG state is needed), early-stopping state and the configuration.
 */
public final class Checkpoint {
    private final long iteration;
    private final long epoch;
    private final int positionInEpoch;
    private final long seed;
    private final float[] params;
    private final float[][] optimizerState;
    private final float[] bestParams;
    private final double bestLoss;
    private final int epochsWithoutImprovement;
    private final Map<String, Object> config;

    /**
     * @param bestParams the best parameters so far under early stopping, or null
     * @param bestLoss   the validation loss of bestParams (NaN if none)
     */
    public Checkpoint(long iteration, long epoch, int positionInEpoch, long seed, float[] params, float[][] optimizerState,
                      float[] bestParams, double bestLoss, int epochsWithoutImprovement, Map<String, Object> config) {
        this.iteration = iteration;
        this.epoch = epoch;
        this.positionInEpoch = positionInEpoch;
        this.seed = seed;
        this.params = params;
        this.optimizerState = optimizerState;
        this.bestParams = bestParams;
        this.bestLoss = bestLoss;
        this.epochsWithoutImprovement = epochsWithoutImprovement;
        this.config = config;
    }

    /** Completed iterations (optimiser steps). */
    public long iteration() {
        return iteration;
    }

    /** The epoch the next iteration belongs to. */
    public long epoch() {
        return epoch;
    }

    /** The next iteration's index within its epoch. */
    public int positionInEpoch() {
        return positionInEpoch;
    }

    public long seed() {
        return seed;
    }

    public float[] params() {
        return params;
    }

    public float[][] optimizerState() {
        return optimizerState;
    }

    public float[] bestParams() {
        return bestParams;
    }

    public double bestLoss() {
        return bestLoss;
    }

    public int epochsWithoutImprovement() {
        return epochsWithoutImprovement;
    }

    public Map<String, Object> config() {
        return config;
    }
}
