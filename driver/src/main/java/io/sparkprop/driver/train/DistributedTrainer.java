package io.sparkprop.driver.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkprop.core.data.DataBlock;
import io.sparkprop.core.nn.NetworkSpec;
import io.sparkprop.core.nn.ParameterLayout;
import io.sparkprop.core.optim.UpdateRule;
import io.sparkprop.driver.config.Setting;
import io.sparkprop.driver.config.TrainingSettings;
import io.sparkprop.driver.data.DataBlocks;
import io.sparkprop.driver.io.Checkpoint;
import io.sparkprop.driver.io.CheckpointStore;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static io.sparkprop.driver.config.TrainingSettings.*;

/**
 * Synchronous data-parallel training on Spark: the entry point a job's main class calls.
 * <pre>
 *   for each epoch e, for each iteration i of the epoch (see {@link IterationPlan}):
 *     broadcast params; every partition computes its mini-batch's gradient and loss sums;
 *     sum them in partition order; g = sum / rows
 *     params <- UpdateRule.apply(params, g)        (clip -> weight decay -> optimiser at lr(t))
 *   after each epoch: validation metrics, early stopping on validation loss, a checkpoint
 * </pre>
 * With the same seed and partition count the result is bit-identical whatever the master
 * (local[n], local-cluster, a cluster) and whatever order tasks finish in, and a run resumed from a
 * checkpoint ends with the same bits as one that was never interrupted.
 */
public final class DistributedTrainer {
    private static final Logger LOG = LoggerFactory.getLogger(DistributedTrainer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Keys of the recorded configuration besides the settings. */
    private static final String NETWORK = "network";
    private static final String PARTITION_ROWS = "partition_rows";

    private final JavaSparkContext sc;
    private final TrainingConfig config;
    private final List<TrainingListener> listeners = new ArrayList<>();

    public DistributedTrainer(JavaSparkContext sc, TrainingConfig config) {
        this.sc = sc;
        this.config = config;
    }

    public DistributedTrainer addListener(TrainingListener listener) {
        listeners.add(listener);
        return this;
    }

    /**
     * Trains from the seeded initial parameters. {@code validation} may be null. A checkpoint
     * directory must not hold checkpoints already: mixing two runs' checkpoints would make a later
     * resume continue the wrong one.
     */
    public TrainingResult fit(DataBlocks train, DataBlocks validation) {
        return fit(train, validation, null);
    }

    /**
     * As {@link #fit(DataBlocks, DataBlocks)}, starting from {@code initialParameters} instead of the
     * seeded initialisation (a warm start, e.g. retraining a model in service on new data); null
     * means the seeded ones. The optimiser state starts fresh either way.
     */
    public TrainingResult fit(DataBlocks train, DataBlocks validation, float[] initialParameters) {
        if (config.checkpointDir() != null) {
            try (CheckpointStore store = openStore()) {
                List<Long> existing = store.list();
                if (!existing.isEmpty()) {
                    throw new IllegalArgumentException(CHECKPOINT_DIR.key() + " " + config.checkpointDir() + " already holds checkpoints"
                            + " (the newest at iteration " + existing.get(existing.size() - 1) + "): call resume() to"
                            + " continue that run, or use an empty directory");
                }
            }
        }
        return run(train, validation, null, initialParameters);
    }

    /**
     * Continues from the newest checkpoint in the configured checkpoint directory, or starts fresh
     * when there is none. The configuration may differ from the checkpointed one only in stopping
     * criteria, logging, checkpointing and validation settings.
     */
    public TrainingResult resume(DataBlocks train, DataBlocks validation) {
        return resume(train, validation, null);
    }

    /**
     * As {@link #resume(DataBlocks, DataBlocks)}; when there is no checkpoint yet the run starts
     * from {@code initialParameters} (null: the seeded ones), so a warm-started run that crashed
     * continues from its checkpoint and one that never checkpointed starts warm again.
     */
    public TrainingResult resume(DataBlocks train, DataBlocks validation, float[] initialParameters) {
        if (config.checkpointDir() == null) {
            throw new IllegalArgumentException("training configuration: " + CHECKPOINT_DIR.key() + " is not set, nothing to resume from");
        }
        Optional<Checkpoint> latest;
        try (CheckpointStore store = openStore()) {
            latest = store.latest();
        }
        latest.ifPresent(c -> LOG.info("resuming from checkpoint at iteration {} (epoch {}, position {}) in {}",
                c.iteration(), c.epoch(), c.positionInEpoch(), config.checkpointDir()));
        return run(train, validation, latest.orElse(null), initialParameters);
    }

    /** Loss and metrics of {@code params} over {@code data}. */
    public EvaluationMetrics evaluate(float[] params, DataBlocks data) {
        return evaluate(params, data.rdd());
    }

    /** Loss and metrics of {@code params} over any RDD of blocks. */
    public EvaluationMetrics evaluate(float[] params, JavaRDD<DataBlock> data) {
        return new Evaluator(sc, config.network(), config.get(EVAL_BATCH_SIZE)).evaluate(params, data);
    }

    private TrainingResult run(DataBlocks train, DataBlocks validation, Checkpoint from, float[] initialParameters) {
        NetworkSpec spec = config.network();
        checkShape(train, "training");
        if (validation != null) {
            checkShape(validation, "validation");
        }
        ParameterLayout layout = spec.layout();
        int epochs = config.get(EPOCHS);
        long maxIterations = config.get(MAX_ITERATIONS);
        long logInterval = config.get(LOG_INTERVAL);
        long checkpointInterval = config.get(CHECKPOINT_INTERVAL);
        int patience = config.get(PATIENCE);
        IterationPlan plan = IterationPlan.of(train.partitionRows(), config.get(BATCH_SIZE));
        long perEpoch = plan.iterationsPerEpoch();
        long planned = epochs * perEpoch;
        if (maxIterations > 0) {
            planned = Math.min(planned, maxIterations);
        }
        UpdateRule rule = config.newUpdateRule(layout, perEpoch, epochs * perEpoch);
        Map<String, Object> recorded = recorded(train);

        TrainingState state;
        if (from != null) {
            checkCompatible(from, recorded);
            state = TrainingState.restore(from, rule, layout);
        } else if (initialParameters != null) {
            layout.checkLength(initialParameters, "initial parameters");
            state = TrainingState.start(initialParameters, rule);
        } else {
            state = TrainingState.start(config.initialParameters(), rule);
        }
        float[] params = state.params;
        LOG.info("training {} ({} parameters) on {} rows in {} partitions ({} MB cached): batch {}, {} iterations per epoch,"
                        + " {} epochs, optimizer {}, learning rate {}", spec, layout.size(), train.rows(), train.partitions(),
                train.sizeInBytes() >> 20, config.get(BATCH_SIZE), perEpoch, epochs, config.get(OPTIMIZER),
                rule.schedule().describe());

        CheckpointStore store = config.checkpointDir() == null ? null : openStore();
        GradientAggregator aggregator = new GradientAggregator(sc, train.rdd(), spec, plan, config.get(SEED),
                config.get(TREE_AGGREGATION_THRESHOLD));
        Evaluator evaluator = new Evaluator(sc, spec, config.get(EVAL_BATCH_SIZE));
        List<EpochMetrics> history = new ArrayList<>();
        String stopReason = "epochs";
        String lastCheckpoint = null;
        long lastCheckpointIteration = from == null ? -1 : from.iteration();
        long startSteps = state.steps();
        long runStart = System.nanoTime();
        long rowsSeen = 0;
        sc.setJobGroup("sparkprop-" + UUID.randomUUID(), "sparkprop training " + spec, false);
        try {
            epochs:
            while (state.epoch < epochs) {
                long epochStart = System.nanoTime();
                double epochLoss = 0;
                long epochRows = 0;
                while (state.position < perEpoch) {
                    if (maxIterations > 0 && state.steps() >= maxIterations) {
                        stopReason = "max_iterations";
                        break epochs;
                    }
                    sc.setJobDescription("sparkprop epoch " + state.epoch + " iteration " + state.position);
                    long t0 = System.nanoTime();
                    aggregator.run(params, state.epoch, state.position);
                    double loss = aggregator.lossSum() / aggregator.rows();
                    checkFinite(loss, aggregator.meanGradient(), state, lastCheckpoint);
                    rule.apply(params, aggregator.meanGradient());
                    checkFinite(params, state, lastCheckpoint);
                    state.position++;
                    epochLoss += aggregator.lossSum();
                    epochRows += aggregator.rows();
                    rowsSeen += aggregator.rows();
                    IterationMetrics m = new IterationMetrics(state.steps(), state.epoch, state.position - 1, loss,
                            aggregator.rows(), rule.lastRate(), rule.lastGradientNorm(), (System.nanoTime() - t0) * 1e-9);
                    for (TrainingListener l : listeners) {
                        l.onIteration(m);
                    }
                    if (logInterval > 0 && state.steps() % logInterval == 0) {
                        double elapsed = (System.nanoTime() - runStart) * 1e-9;
                        double perIteration = elapsed / (state.steps() - startSteps);
                        LOG.info(String.format(Locale.ROOT, "epoch %d/%d iteration %d/%d (step %d/%d): loss %.5f, lr %.3g,"
                                        + " |g| %.3g, %.0f examples/s, ETA %s", state.epoch + 1, epochs, state.position, perEpoch,
                                state.steps(), planned, loss, rule.lastRate(), rule.lastGradientNorm(), rowsSeen / elapsed,
                                duration(perIteration * (planned - state.steps()))));
                    }
                    if (store != null && checkpointInterval > 0 && state.steps() % checkpointInterval == 0
                            && state.position < perEpoch) {
                        lastCheckpoint = save(store, state, recorded);
                        lastCheckpointIteration = state.steps();
                    }
                }
                state.epoch++;
                state.position = 0;
                EvaluationMetrics v = validation == null ? null : evaluator.evaluate(params, validation);
                if (v != null) {
                    state.recordValidationLoss(v.loss());
                }
                double seconds = (System.nanoTime() - epochStart) * 1e-9;
                EpochMetrics em = new EpochMetrics(state.epoch, state.steps(), epochRows == 0 ? Double.NaN : epochLoss / epochRows,
                        epochRows / seconds, seconds, v);
                history.add(em);
                LOG.info(String.format(Locale.ROOT, "epoch %d/%d done (step %d): training loss %.5f, validation %s, lr %.3g,"
                                + " %.0f examples/s, %.1f s", state.epoch, epochs, state.steps(), em.trainingLoss(),
                        v == null ? "-" : v.toString(), rule.nextRate(), em.examplesPerSecond(), seconds));
                for (TrainingListener l : listeners) {
                    l.onEpoch(em);
                }
                if (store != null) {
                    lastCheckpoint = save(store, state, recorded);
                    lastCheckpointIteration = state.steps();
                }
                if (v != null && patience > 0 && state.epochsWithoutImprovement >= patience) {
                    stopReason = "early_stopping";
                    LOG.info("early stopping: validation loss has not improved for {} epochs (best {})",
                            state.epochsWithoutImprovement, state.bestLoss);
                    break;
                }
            }
            if (store != null && lastCheckpointIteration != state.steps()) {
                save(store, state, recorded);
            }
        } finally {
            aggregator.close();
            sc.clearJobGroup();
            sc.setJobDescription(null);
            if (store != null) {
                store.close();
            }
        }
        boolean useBest = patience > 0 && state.best != null;
        TrainingResult result = new TrainingResult(useBest ? state.best.clone() : params.clone(), params, state.steps(),
                state.epoch, stopReason, history);
        for (TrainingListener l : listeners) {
            l.onFinish(result);
        }
        return result;
    }

    /** What a checkpoint records and a resume compares: every setting, the network and the data layout. */
    private Map<String, Object> recorded(DataBlocks train) {
        Map<String, Object> recorded = config.toMap();
        recorded.put(NETWORK, config.network().toString());
        recorded.put(PARTITION_ROWS, train.partitionRows());
        return recorded;
    }

    private CheckpointStore openStore() {
        return new CheckpointStore(config.checkpointDir(), sc.hadoopConfiguration(), config.get(CHECKPOINTS_KEPT));
    }

    private String save(CheckpointStore store, TrainingState state, Map<String, Object> recorded) {
        String path = store.save(state.snapshot(config.get(SEED), recorded));
        LOG.info("checkpoint at iteration {}: {}", state.steps(), path);
        for (TrainingListener l : listeners) {
            l.onCheckpoint(state.steps(), path);
        }
        return path;
    }

    private void checkShape(DataBlocks data, String what) {
        NetworkSpec spec = config.network();
        if (data.cols() != spec.inputWidth() || data.targetWidth() != spec.targetWidth()) {
            throw new IllegalArgumentException("the " + what + " data has " + data.cols() + " features and " + data.targetWidth()
                    + " targets per row, the network " + spec + " expects " + spec.inputWidth() + " and " + spec.targetWidth());
        }
    }

    /**
     * A resumed run continues exactly only with the same network, data layout and every setting that
     * is {@link io.sparkprop.driver.config.Setting#fixedOnResume fixed on resume}; those are compared
     * with what the checkpoint recorded, and the first difference is an error naming the setting.
     */
    private static void checkCompatible(Checkpoint c, Map<String, Object> now) {
        List<String> keys = new ArrayList<>(List.of(NETWORK, PARTITION_ROWS));
        for (Setting<?> s : TrainingSettings.ALL) {
            if (!s.resumable()) {
                keys.add(s.key());
            }
        }
        for (String key : keys) {
            if (!c.config().containsKey(key)) {
                throw new IllegalArgumentException("cannot resume from the checkpoint at iteration " + c.iteration() + ": it does"
                        + " not record " + key + " (it was written by an older sparkprop); start the run in an empty checkpoint directory");
            }
            String then = JSON.valueToTree(c.config().get(key)).toString();
            String current = JSON.valueToTree(now.get(key)).toString();
            if (!then.equals(current)) {
                throw new IllegalArgumentException("cannot resume from the checkpoint at iteration " + c.iteration() + ": "
                        + key + " was " + then + " in the checkpointed run, now " + current
                        + "; a resumed run must keep it (or start in an empty checkpoint directory)");
            }
        }
    }

    private static void checkFinite(double loss, float[] gradient, TrainingState state, String lastCheckpoint) {
        boolean finite = Double.isFinite(loss);
        for (int i = 0; finite && i < gradient.length; i++) {
            finite = Float.isFinite(gradient[i]);
        }
        if (!finite) {
            throw diverged(state.epoch, state.position, state.steps() + 1, "the " + (Double.isFinite(loss) ? "gradient"
                    : "loss (" + loss + ")") + " is not finite; the parameters were not updated.", lastCheckpoint);
        }
    }

    /** After an update: a finite gradient can still overflow the parameters (a huge learning rate). */
    private static void checkFinite(float[] params, TrainingState state, String lastCheckpoint) {
        for (float p : params) {
            if (!Float.isFinite(p)) {
                throw diverged(state.epoch, state.position, state.steps(), "the update made the parameters non-finite; they"
                        + " were not checkpointed.", lastCheckpoint);
            }
        }
    }

    private static IllegalStateException diverged(long epoch, int position, long step, String what, String lastCheckpoint) {
        return new IllegalStateException("training diverged at epoch " + epoch + ", iteration " + position + " (step "
                + step + "): " + what + " "
                + (lastCheckpoint == null ? "No checkpoint was written." : "The last good checkpoint is " + lastCheckpoint + ".")
                + " Lower " + LEARNING_RATE.key() + " (stepSize) or set " + CLIP_NORM.key() + " (clipNorm).");
    }

    private static String duration(double seconds) {
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }
}
