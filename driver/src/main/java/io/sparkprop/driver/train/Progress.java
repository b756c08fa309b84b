package io.sparkprop.driver.train;

import io.sparkprop.driver.spark.EpochPhases;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where a run reports itself, in one place: the listeners' calls, the progress lines (every
 * train.logInterval iterations and after every epoch, unless a listener shows progress itself), the
 * examples per second and the ETA, and the epochs' metrics.
 */
final class Progress {
    private static final Logger LOG = LoggerFactory.getLogger(DistributedTrainer.class);

    private final List<TrainingListener> listeners;
    private final boolean log;
    private final long logInterval;
    private final int epochs;
    private final long perEpoch;
    /** The iterations the run will end at: epochs x perEpoch, or train.maxIterations when less. */
    private final long planned;
    private final String lossUnits;
    private final String normName;
    /** Where each epoch's time went, or null when not logged. */
    private final EpochPhases phases;
    private final List<EpochMetrics> history = new ArrayList<>();
    private long runStart;
    private long startSteps;
    private long rowsSeen;
    private long epochStart;
    private double epochLoss;
    private double epochWeight;
    private long epochRows;

    Progress(List<TrainingListener> listeners, boolean log, long logInterval, int epochs, long perEpoch, long planned,
             boolean standardisedTargets, String normName, EpochPhases phases) {
        this.listeners = List.copyOf(listeners);
        this.log = log;
        this.logInterval = logInterval;
        this.epochs = epochs;
        this.perEpoch = perEpoch;
        this.planned = planned;
        this.lossUnits = standardisedTargets ? " (standardised targets)" : "";
        this.normName = normName;
        this.phases = phases;
    }

    /** The run starts (also when resuming) at {@code steps} completed iterations. */
    void start(long steps) {
        runStart = System.nanoTime();
        startSteps = steps;
        for (TrainingListener l : listeners) {
            l.onStart(epochs, perEpoch);
        }
    }

    void epochStarts() {
        epochStart = System.nanoTime();
        epochLoss = 0;
        epochWeight = 0;
        epochRows = 0;
        if (phases != null) {
            phases.epochStarts();
        }
    }

    /** A round of iterations {@code before + 1 ..} has been applied, in {@code seconds}; the state has moved past it. */
    void round(TrainingState state, long before, RoundSums sums, Round.Applied applied, double seconds) {
        step(state.steps(), state.epoch, state.position - 1, before, sums, applied, seconds);
    }

    /**
     * Iterations {@code before + 1 .. steps} have been applied, the last at the epoch's iteration {@code position}, in
     * {@code seconds} (a round; or one step of a barrier job, which reports its steps one by one).
     */
    void step(long steps, long epoch, int position, long before, RoundSums sums, Round.Applied applied, double seconds) {
        epochLoss += sums.lossSum();
        epochWeight += sums.weightSum();
        epochRows += sums.rows();
        rowsSeen += sums.rows();
        double loss = sums.meanLoss();
        IterationMetrics m = new IterationMetrics(steps, epoch, position, loss, sums.rows(),
                applied.rate(), applied.norm(), seconds, sums.broadcastSeconds(), sums.jobSeconds(), sums.sumSeconds(),
                sums.partialBytes());
        for (TrainingListener l : listeners) {
            l.onIteration(m);
        }
        if (phases != null) {
            phases.round(seconds, sums.broadcastSeconds(), sums.jobSeconds(), sums.sumSeconds());
        }
        if (log && logInterval > 0 && steps / logInterval > before / logInterval) {
            double elapsed = (System.nanoTime() - runStart) * 1e-9;
            double perIteration = elapsed / (steps - startSteps);
            LOG.info(String.format(Locale.ROOT, "epoch %d/%d iteration %d/%d (step %d/%d): loss %.5f%s, lr %.3g,"
                            + " |%s| %.3g, %.0f examples/s, ETA %s", epoch + 1, epochs, position + 1, perEpoch,
                    steps, planned, loss, lossUnits, applied.rate(), normName, applied.norm(), rowsSeen / elapsed,
                    duration(perIteration * (planned - steps))));
        }
    }

    /**
     * An epoch has ended (the state counts it) with validation metrics {@code v} (null: none), which took
     * {@code validationSeconds}.
     */
    void epochEnds(TrainingState state, EvaluationMetrics v, double validationSeconds, double nextRate) {
        double seconds = (System.nanoTime() - epochStart) * 1e-9;
        EpochMetrics em = new EpochMetrics(state.epoch, state.steps(), epochWeight == 0 ? Double.NaN : epochLoss / epochWeight,
                epochRows / seconds, seconds, v);
        history.add(em);
        if (log) {
            LOG.info(String.format(Locale.ROOT, "epoch %d/%d done (step %d): training loss %.5f%s, validation %s, lr %.3g,"
                            + " %.0f examples/s, %.1f s", state.epoch, epochs, state.steps(), em.trainingLoss(), lossUnits,
                    v == null ? "-" : v.toString(), nextRate, em.examplesPerSecond(), seconds));
        }
        for (TrainingListener l : listeners) {
            l.onEpoch(em);
        }
        if (phases != null) {
            phases.validation(validationSeconds);
            phases.epochEnds(state.epoch);
        }
    }

    void checkpoint(long steps, String path) {
        LOG.info("checkpoint at iteration {}: {}", steps, path);
        for (TrainingListener l : listeners) {
            l.onCheckpoint(steps, path);
        }
    }

    void finish(TrainingResult result) {
        for (TrainingListener l : listeners) {
            l.onFinish(result);
        }
    }

    /** The epochs this run completed. */
    List<EpochMetrics> history() {
        return history;
    }

    private static String duration(double seconds) {
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }
}
