package io.sparkprop.driver.train;

/**
 * Callbacks from {@link DistributedTrainer}, on the driver thread that runs the training. All
 * methods do nothing by default; a slow listener slows training down.
 */
public interface TrainingListener {

    /**
     * Once before the first iteration (also when resuming): the epochs planned and the iterations in
     * each, so a listener can show how far a run is.
     */
    default void onStart(int epochs, long iterationsPerEpoch) {
    }

    /** After every iteration's update (not only every log interval). */
    default void onIteration(IterationMetrics metrics) {
    }

    /** After every completed epoch, with validation metrics when there is validation data. */
    default void onEpoch(EpochMetrics metrics) {
    }

    /** After a checkpoint has been written completely. */
    default void onCheckpoint(long iteration, String path) {
    }

    /** Once, when training ends normally (not when it throws). */
    default void onFinish(TrainingResult result) {
    }
}
