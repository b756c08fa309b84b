package io.sparkprop.driver.train;

import io.sparkprop.core.nn.ParameterLayout;
import io.sparkprop.core.optim.UpdateRule;
import io.sparkprop.driver.io.Checkpoint;

import java.util.Map;

/**
 * The training loop's state, in one object: the parameters (updated in place), the update rule
 * (optimiser steps so far and the optimiser's state), where the loop is (epoch, next iteration in
 * the epoch) and early stopping (best parameters, their validation loss, epochs without improvement).
 * A checkpoint is a {@link #snapshot} of it and {@link #restore} continues from one exactly.
 */
final class TrainingState {
    final float[] params;
    final UpdateRule rule;
    long epoch;
    int position;
    float[] best;
    double bestLoss = Double.NaN;
    int epochsWithoutImprovement;

    private TrainingState(float[] params, UpdateRule rule) {
        this.params = params;
        this.rule = rule;
    }

    /** A fresh run from {@code params} (copied) at epoch 0, iteration 0. */
    static TrainingState start(float[] params, UpdateRule rule) {
        return new TrainingState(params.clone(), rule);
    }

    /** The state {@code c} recorded, with {@code rule} restored to its step count and optimiser state. */
    static TrainingState restore(Checkpoint c, UpdateRule rule, ParameterLayout layout) {
        layout.checkLength(c.params(), "checkpointed parameters");
        TrainingState s = new TrainingState(c.params().clone(), rule);
        rule.restore(c.iteration(), c.optimizerState());
        s.epoch = c.epoch();
        s.position = c.positionInEpoch();
        s.best = c.bestParams();
        s.bestLoss = c.bestLoss();
        s.epochsWithoutImprovement = c.epochsWithoutImprovement();
        return s;
    }

    /** Optimiser steps (= completed iterations) so far, counting those before a resume. */
    long steps() {
        return rule.steps();
    }

    /** Early stopping's bookkeeping after an epoch's validation loss: keep the best parameters. */
    void recordValidationLoss(double loss) {
        if (Double.isNaN(bestLoss) || loss < bestLoss) {
            bestLoss = loss;
            best = params.clone();
            epochsWithoutImprovement = 0;
        } else {
            epochsWithoutImprovement++;
        }
    }

    /** A checkpoint of this state (arrays copied), recording {@code seed} and {@code config}. */
    Checkpoint snapshot(long seed, Map<String, Object> config) {
        return new Checkpoint(rule.steps(), epoch, position, seed, params.clone(), rule.optimizer().state(),
                best == null ? null : best.clone(), bestLoss, epochsWithoutImprovement, config);
    }
}
