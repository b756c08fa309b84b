package io.sparkprop.driver.train;

import io.sparkprop.driver.io.CheckpointStore;

import java.util.Map;

/**
 * The checkpoint policy of a run: after every epoch, every train.checkpoint.interval iterations within
 * an epoch, and once at the end unless the last one is current; nothing without a checkpoint directory.
 * Remembers the last one written, which a divergence's message names.
 */
final class Checkpoints implements AutoCloseable {
    private final CheckpointStore store;
    private final Map<String, Object> recorded;
    private final long seed;
    private final long interval;
    private final Progress progress;
    private String lastPath;
    private long lastIteration;

    /**
     * @param store    null: no checkpoints
     * @param recorded the configuration each checkpoint records
     * @param resumed  the iteration of the checkpoint the run resumed from, or -1
     */
    Checkpoints(CheckpointStore store, Map<String, Object> recorded, long seed, long interval, Progress progress, long resumed) {
        this.store = store;
        this.recorded = recorded;
        this.seed = seed;
        this.interval = interval;
        this.progress = progress;
        this.lastIteration = resumed;
    }

    /** After a round that ended within an epoch, having started at {@code before} iterations. */
    void afterRound(TrainingState state, long before) {
        if (interval > 0 && state.steps() / interval > before / interval) {
            save(state);
        }
    }

    /** Iterations from {@code steps} to the next interval checkpoint (a barrier job must stop there); MAX_VALUE when none. */
    int untilNext(long steps) {
        return store != null && interval > 0 ? (int) Math.min(Integer.MAX_VALUE, interval - steps % interval) : Integer.MAX_VALUE;
    }

    /** After an epoch. */
    void afterEpoch(TrainingState state) {
        save(state);
    }

    /** When the run ends, however it stopped. */
    void atEnd(TrainingState state) {
        if (lastIteration != state.steps()) {
            save(state);
        }
    }

    /** The path of the last checkpoint this run wrote, or null. */
    String last() {
        return lastPath;
    }

    private void save(TrainingState state) {
        if (store == null) {
            return;
        }
        lastPath = store.save(state.snapshot(seed, recorded));
        lastIteration = state.steps();
        progress.checkpoint(state.steps(), lastPath);
    }

    @Override
    public void close() {
        if (store != null) {
            store.close();
        }
    }
}
