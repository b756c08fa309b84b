package io.sparkprop.driver.train;

import io.sparkprop.driver.spark.PhaseLog;

/** Ends the last phases before training in the phase log: the trainer's setup, then its first round of steps. */
final class FirstStepPhases implements TrainingListener {
    private final PhaseLog phases;
    private boolean stepped;

    FirstStepPhases(PhaseLog phases) {
        this.phases = phases;
    }

    @Override
    public void onStart(int epochs, long iterationsPerEpoch) {
        phases.end("trainer setup");
    }

    @Override
    public void onIteration(IterationMetrics metrics) {
        if (!stepped) {
            stepped = true;
            phases.end("first round of steps");
        }
    }
}
