package io.sparkprop.driver.io;

import java.util.Map;

/**
 * Everything needed to continue a run exactly: parameters, optimizer state, the position
 * (completed iterations, epoch, iteration within the epoch), the seed (shuffles derive from
 * (seed, epoch, partition), so no RNG state is needed), early-stopping state and the configuration.
 *
 * @param iteration                completed iterations (optimizer steps)
 * @param epoch                    the epoch the next iteration belongs to
 * @param positionInEpoch          the next iteration's index within its epoch
 * @param params                   the parameters [P]
 * @param optimizerState           the optimizer's state arrays, each [P]
 * @param bestParams               the best parameters so far under early stopping [P], or null
 * @param bestLoss                 the validation loss of bestParams (NaN if none)
 * @param epochsWithoutImprovement epochs since the best validation loss
 * @param config                   the run's recorded settings (TrainingConfig.toMap, network, partition rows)
 */
public record Checkpoint(long iteration, long epoch, int positionInEpoch, long seed, float[] params, float[][] optimizerState,
                         float[] bestParams, double bestLoss, int epochsWithoutImprovement, Map<String, Object> config) {
}
