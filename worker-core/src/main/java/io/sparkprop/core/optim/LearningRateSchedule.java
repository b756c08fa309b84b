package io.sparkprop.core.optim;

/**
 * The learning rate as a function of the 0-based iteration t (one optimiser step per iteration).
 * Stateless, so a resumed run computes the same rates.
 */
public interface LearningRateSchedule {

    double rate(long t);

    /** Human-readable description for logs and reports. */
    String describe();
}
