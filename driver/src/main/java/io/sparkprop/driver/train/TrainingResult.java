package io.sparkprop.driver.train;

import java.util.List;

/**
 * What a run produced. {@link #parameters()} are the ones to use: with early stopping (patience > 0
 * and validation data) the parameters of the best validation loss, otherwise the last ones.
 *
 * @param parameters     the parameters to use [P]
 * @param lastParameters the parameters after the last iteration [P]
 * @param iterations     completed iterations (optimizer steps), counting those before a resume
 * @param epochs         completed epochs
 * @param stopReason     "epochs", "max_iterations" or "early_stopping"
 * @param history        epochs run by this trainer (not those before a resume)
 * @param rounds         how the rounds ran: K (as set or as auto chose it), the outer step, the learning rate and
 *                       warm-up taken
 * @param validation     the validation metrics of {@link #parameters()} when the last epoch's validation pass
 *                       computed them (the same pass again would give the same bits), else null
 */
public record TrainingResult(float[] parameters, float[] lastParameters, long iterations, long epochs, String stopReason,
                             List<EpochMetrics> history, RoundsTaken rounds, EvaluationMetrics validation) {
    public TrainingResult {
        history = List.copyOf(history);
    }

    /** K, the local steps per round (1: synchronous). */
    public int localSteps() {
        return rounds.localSteps();
    }
}
