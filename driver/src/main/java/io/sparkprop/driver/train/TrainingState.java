package io.sparkprop.driver.train;

import io.sparkprop.core.nn.ParameterLayout;
import io.sparkprop.core.optim.Optimizer;
import io.sparkprop.core.optim.UpdateRule;
import io.sparkprop.driver.io.Checkpoint;

import java.util.Arrays;
import java.util.Map;

/**
 * The training loop's state, in one object: the parameters (updated in place), the update rule
 * (optimizer steps so far and the optimizer's state; with local steps, the inner rule whose state is
 * the averaged one, or zeros), the outer optimizer of local steps (null when synchronous), where the
 * loop is (epoch, next iteration in the epoch) and early stopping (best parameters, their validation
 * loss, epochs without improvement). A checkpoint is a {@link #snapshot} of it (optimizer state: the
 * rule's arrays, then the outer optimizer's) and {@link #restore} continues from one exactly.
 */
final class TrainingState {
    final float[] params;
    final UpdateRule rule;
    final Optimizer outer;
    long epoch;
    int position;
    float[] best;
    double bestLoss = Double.NaN;
    int epochsWithoutImprovement;
    /** The last validation pass's metrics and the step count it saw (-1: none); not checkpointed. */
    EvaluationMetrics validated;
    long validatedAt = -1;

    private TrainingState(float[] params, UpdateRule rule, Optimizer outer) {
        this.params = params;
        this.rule = rule;
        this.outer = outer;
    }

    /** A fresh run from {@code params} (copied) at epoch 0, iteration 0; {@code outer} initialised or null. */
    static TrainingState start(float[] params, UpdateRule rule, Optimizer outer) {
        return new TrainingState(params.clone(), rule, outer);
    }

    /** The state {@code c} recorded, with {@code rule} and {@code outer} restored to its step count and optimizer state. */
    static TrainingState restore(Checkpoint c, UpdateRule rule, Optimizer outer, ParameterLayout layout) {
        layout.checkLength(c.params(), "checkpointed parameters");
        TrainingState s = new TrainingState(c.params().clone(), rule, outer);
        float[][] all = c.optimizerState();
        int inner = all.length - (outer == null ? 0 : outer.state().length);
        if (inner < 0) {
            throw new IllegalArgumentException("the checkpoint at iteration " + c.iteration() + " holds " + all.length
                    + " optimizer arrays, too few for this run's optimizers");
        }
        rule.restore(c.iteration(), Arrays.copyOfRange(all, 0, inner));
        if (outer != null) {
            outer.restoreState(Arrays.copyOfRange(all, inner, all.length));
        }
        s.epoch = c.epoch();
        s.position = c.positionInEpoch();
        s.best = c.bestParams();
        s.bestLoss = c.bestLoss();
        s.epochsWithoutImprovement = c.epochsWithoutImprovement();
        return s;
    }

    /** Optimizer steps (= completed iterations) so far, counting those before a resume. */
    long steps() {
        return rule.steps();
    }

    /** An epoch's validation: kept with the step it saw, and its loss for early stopping. */
    void recordValidation(EvaluationMetrics metrics) {
        validated = metrics;
        validatedAt = steps();
        recordValidationLoss(metrics.loss());
    }

    /**
     * The validation metrics of {@code chosen} (the parameters now, or the best ones), when the last
     * validation pass saw exactly them; null when it did not (steps after it, or an earlier best).
     */
    EvaluationMetrics validationOf(float[] chosen) {
        return validatedAt == steps() && Arrays.equals(chosen, params) ? validated : null;
    }

    /** Early stopping's bookkeeping after an epoch's validation loss: keep the best parameters. */
    private void recordValidationLoss(double loss) {
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
        float[][] state = rule.optimizer().state();
        if (outer != null) {
            float[][] o = outer.state();
            state = Arrays.copyOf(state, state.length + o.length);
            System.arraycopy(o, 0, state, state.length - o.length, o.length);
        }
        return new Checkpoint(rule.steps(), epoch, position, seed, params.clone(), state,
                best == null ? null : best.clone(), bestLoss, epochsWithoutImprovement, config);
    }
}
