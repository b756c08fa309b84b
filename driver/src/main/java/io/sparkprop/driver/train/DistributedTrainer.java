package io.sparkprop.driver.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkprop.core.data.DataBlock;
import io.sparkprop.core.nn.Dropout;
import io.sparkprop.core.data.Standardizer;
import io.sparkprop.core.nn.NetworkSpec;
import io.sparkprop.core.nn.ParameterLayout;
import io.sparkprop.core.optim.GradientClipping;
import io.sparkprop.core.optim.Momentum;
import io.sparkprop.core.optim.Optimizer;
import io.sparkprop.core.optim.ParameterRanges;
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
import java.util.Arrays;
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
 *     sum them in partition order; g = sum / rows   (weighted rows: sum_i w_i grad_i / sum_i w_i)
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
    /** The local steps per round a run used (train.localSteps, or what auto chose), so a resume keeps it. */
    private static final String LOCAL_STEPS_CHOSEN = "local_steps_chosen";
    /** auto's cost model (see localSteps): one core's rate, a round's fixed cost and its cost per byte moved. */
    private static final double ESTIMATED_FLOPS_PER_SECOND = 80e9;
    private static final double ESTIMATED_ROUND_SECONDS = 10e-3;
    private static final double ESTIMATED_SECONDS_PER_BYTE = 3e-9;

    /** Runs one round of local steps through the aggregator. */
    private interface RoundFactory {
        void run(float[] value, long epoch, int first, int steps, long globalStep);
    }

    private final JavaSparkContext sc;
    private final TrainingConfig config;
    private final List<TrainingListener> listeners = new ArrayList<>();
    private boolean logProgress = true;
    private Standardizer targets;

    public DistributedTrainer(JavaSparkContext sc, TrainingConfig config) {
        this.sc = sc;
        this.config = config;
    }

    /**
     * The blocks' regression targets are standardised with {@code targets} (null: raw): the training
     * and validation losses stay in those units, the validation metrics are inverted to the label's.
     */
    public DistributedTrainer targetStandardization(Standardizer targets) {
        this.targets = targets;
        return this;
    }

    public DistributedTrainer addListener(TrainingListener listener) {
        listeners.add(listener);
        return this;
    }

    /**
     * Whether the progress lines (every train.logInterval iterations and after every epoch) go to the
     * log; false when a listener shows the progress itself, e.g. on a terminal.
     */
    public DistributedTrainer logProgress(boolean enabled) {
        this.logProgress = enabled;
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
        return new Evaluator(sc, config.network(), config.get(EVAL_BATCH_SIZE), targets).evaluate(params, data);
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
        boolean averagedState = config.get(LOCAL_OPTIMIZER_STATE).equals("averaged");
        int stateArrays = averagedState ? rule.optimizer().state().length : 0;
        GradientAggregator aggregator = new GradientAggregator(sc, train.rdd(), plan.partitions(), layout,
                config.get(AGGREGATION), config.get(SPARSE_TRANSFER));
        // the driver's and the executors' memory and the round's results, now that the blocks' form and count are known
        NetworkMemory memory = NetworkMemory.of(config, spec.sizes(), spec.targetWidth(), validation != null, NetworkMemory.Input.of(train));
        NetworkMemory.Resources resources = NetworkMemory.Resources.of(sc.sc());
        memory.check(resources, HIDDEN.key(), BATCH_SIZE.key());
        memory.checkRounds(resources, plan.partitions(), aggregator.sharded(), train.sparse() && config.get(SPARSE_TRANSFER),
                AGGREGATION.key(), HIDDEN.key());
        String runId = UUID.randomUUID().toString();
        RoundFactory local = (value, epoch, first, steps, globalStep) -> aggregator.run(value, 1 + stateArrays, b ->
                new LocalSteps(spec, b, plan, config, runId, epoch, first, steps, globalStep, stateArrays, epochs * perEpoch));

        float[] start = null;
        int k;
        if (from != null) {
            checkCompatible(from, recorded);
            k = ((Number) from.config().getOrDefault(LOCAL_STEPS_CHOSEN, 1)).intValue();
        } else {
            if (initialParameters != null) {
                layout.checkLength(initialParameters, "initial parameters");
            }
            start = initialParameters != null ? initialParameters : config.initialParameters();
            k = localSteps(local, start, layout.size(), stateArrays, plan);
        }
        recorded.put(LOCAL_STEPS_CHOSEN, k);
        Optimizer outer = null;
        if (k > 1) {
            outer = new Momentum(config.get(OUTER_MOMENTUM), true);
            outer.initialise(layout.size());
        }
        TrainingState state = from != null ? TrainingState.restore(from, rule, outer, layout)
                : TrainingState.start(start, rule, outer);
        float[] params = state.params;
        // train.sparseUpdate on the driver: with sparse input, the round's update visits only the
        // first-layer columns in which its mean gradient (or change) is nonzero
        boolean touchedSteps = train.sparse() && config.touchedSteps();
        boolean touchedOuter = train.sparse() && config.touchedOuterStep();
        ParameterRanges ranges = ParameterRanges.all(layout.size());
        LOG.info("training {} ({} parameters) on {} rows in {} partitions ({} MB cached, {} MB in float32): batch {}, {} iterations per epoch,"
                        + " {} epochs, optimizer {}, learning rate {}{}{}, {} aggregation{}", spec, layout.size(), train.rows(), train.partitions(),
                train.sizeInBytes() >> 20, train.float32SizeInBytes() >> 20, config.get(BATCH_SIZE), perEpoch, epochs, config.get(OPTIMIZER),
                rule.schedule().describe(), config.get(DROPOUT) > 0 ? ", dropout " + config.get(DROPOUT) : "",
                k == 1 ? ", synchronous" : String.format(Locale.ROOT,
                        ", %d local steps per round (outer step %s, momentum %s, optimizer state %s)", k,
                        config.get(OUTER_LEARNING_RATE), config.get(OUTER_MOMENTUM), config.get(LOCAL_OPTIMIZER_STATE)),
                aggregator.sharded() ? "sharded" : "driver", !train.sparse() ? "" : ", sparse input: first-layer updates "
                        + (touchedSteps ? "of the touched columns" : "dense") + (k == 1 ? "" : touchedOuter ? ", outer step touched" : ", outer step dense"));

        CheckpointStore store = config.checkpointDir() == null ? null : openStore();
        Evaluator evaluator = new Evaluator(sc, spec, config.get(EVAL_BATCH_SIZE), targets);
        String lossUnits = targets == null ? "" : " (standardised targets)";
        float[] delta = k > 1 ? new float[layout.size()] : null;
        float outerRate = config.get(OUTER_LEARNING_RATE).floatValue();
        long seed = config.get(SEED);
        Dropout dropout = config.dropout();
        List<EpochMetrics> history = new ArrayList<>();
        String stopReason = "epochs";
        String lastCheckpoint = null;
        long lastCheckpointIteration = from == null ? -1 : from.iteration();
        long startSteps = state.steps();
        long runStart = System.nanoTime();
        long rowsSeen = 0;
        sc.setJobGroup("sparkprop-" + runId, "sparkprop training " + spec, false);
        for (TrainingListener l : listeners) {
            l.onStart(epochs, perEpoch);
        }
        try {
            epochs:
            while (state.epoch < epochs) {
                long epochStart = System.nanoTime();
                double epochLoss = 0;
                double epochWeight = 0;
                long epochRows = 0;
                while (state.position < perEpoch) {
                    long before = state.steps();
                    if (maxIterations > 0 && before >= maxIterations) {
                        stopReason = "max_iterations";
                        break epochs;
                    }
                    // A round: one synchronous iteration, or up to k local steps (never past the epoch or maxIterations).
                    int n = (int) Math.min(k, perEpoch - state.position);
                    if (maxIterations > 0) {
                        n = (int) Math.min(n, maxIterations - before);
                    }
                    sc.setJobDescription("sparkprop epoch " + state.epoch + " iteration " + state.position
                            + (n > 1 ? "-" + (state.position + n - 1) : ""));
                    long t0 = System.nanoTime();
                    double loss;
                    double rate;
                    double norm;
                    if (k == 1) {
                        long epoch = state.epoch;
                        int position = state.position;
                        aggregator.run(params, 1, b -> new GradientStep(spec, b, plan, seed, epoch, position, dropout, before));
                        loss = aggregator.meanLoss();
                        checkFinite(loss, aggregator.mean(), state, lastCheckpoint);
                        rule.apply(params, aggregator.mean(), updateRanges(touchedSteps, aggregator.mean(), ranges, layout));
                        rate = rule.lastRate();
                        norm = rule.lastGradientNorm();
                    } else {
                        float[] value = stateArrays == 0 ? params : withState(params, rule.optimizer().state());
                        local.run(value, state.epoch, state.position, n, before);
                        float[] mean = aggregator.mean();
                        loss = aggregator.meanLoss();
                        checkFinite(loss, mean, state, lastCheckpoint);
                        System.arraycopy(mean, 0, delta, 0, delta.length);
                        rate = rule.schedule().rate(before);
                        ParameterRanges changed = updateRanges(touchedOuter, delta, ranges, layout);
                        norm = GradientClipping.globalNorm(delta, changed);
                        // outer step: v <- mu v + delta; theta <- theta - eta (delta + mu v)  (Nesterov; mu = 0: theta - eta delta)
                        outer.step(params, delta, outerRate, before / k + 1, changed);
                        if (stateArrays > 0) {
                            float[][] averaged = new float[stateArrays][];
                            for (int i = 0; i < stateArrays; i++) {
                                averaged[i] = Arrays.copyOfRange(mean, delta.length * (i + 1), delta.length * (i + 2));
                            }
                            rule.restore(before + n, averaged);
                        } else {
                            rule.resetTo(before + n);
                        }
                    }
                    checkFinite(params, state, lastCheckpoint);
                    state.position += n;
                    epochLoss += aggregator.lossSum();
                    epochWeight += aggregator.weightSum();
                    epochRows += aggregator.rows();
                    rowsSeen += aggregator.rows();
                    IterationMetrics m = new IterationMetrics(state.steps(), state.epoch, state.position - 1, loss,
                            aggregator.rows(), rate, norm, (System.nanoTime() - t0) * 1e-9, aggregator.broadcastSeconds(),
                            aggregator.jobSeconds(), aggregator.sumSeconds(), aggregator.partialBytes());
                    for (TrainingListener l : listeners) {
                        l.onIteration(m);
                    }
                    if (logProgress && logInterval > 0 && state.steps() / logInterval > before / logInterval) {
                        double elapsed = (System.nanoTime() - runStart) * 1e-9;
                        double perIteration = elapsed / (state.steps() - startSteps);
                        LOG.info(String.format(Locale.ROOT, "epoch %d/%d iteration %d/%d (step %d/%d): loss %.5f%s, lr %.3g,"
                                        + " |%s| %.3g, %.0f examples/s, ETA %s", state.epoch + 1, epochs, state.position, perEpoch,
                                state.steps(), planned, loss, lossUnits, rate, k == 1 ? "g" : "delta", norm, rowsSeen / elapsed,
                                duration(perIteration * (planned - state.steps()))));
                    }
                    if (store != null && checkpointInterval > 0 && state.steps() / checkpointInterval > before / checkpointInterval
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
                EpochMetrics em = new EpochMetrics(state.epoch, state.steps(), epochWeight == 0 ? Double.NaN : epochLoss / epochWeight,
                        epochRows / seconds, seconds, v);
                history.add(em);
                if (logProgress) {
                    LOG.info(String.format(Locale.ROOT, "epoch %d/%d done (step %d): training loss %.5f%s, validation %s, lr %.3g,"
                                    + " %.0f examples/s, %.1f s", state.epoch, epochs, state.steps(), em.trainingLoss(), lossUnits,
                            v == null ? "-" : v.toString(), rule.nextRate(), em.examplesPerSecond(), seconds));
                }
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
                state.epoch, stopReason, history, k);
        for (TrainingListener l : listeners) {
            l.onFinish(result);
        }
        return result;
    }

    /**
     * K, the local steps per round: train.localSteps, or the smallest power of two that keeps Spark's
     * fixed cost F of a round at most 10 % of it, at most one epoch's iterations. With one local step
     * costing C, F <= 0.1 (F + K C) means K >= 9 F / C. Where F and C come from:
     * <ul>
     *   <li>auto, an estimate from the run's shape alone, so that every machine picks the same K (and
     *       gives the same bits): C = 6 P b / R (forward and backward are three products of 2 P b FLOPs
     *       for P parameters and the largest local batch b; R = 80 GFLOP/s, one core's measured rate on
     *       the benchmark machine), F = 10 ms + 3 ns x the bytes a round moves (4 P (1 + S) broadcast and
     *       as many returned per partition, S the optimiser state arrays that travel): the fit of
     *       BENCHMARKS.md's round breakdown in local[2] (15 ms synchronous, 27 ms with Adam's state at
     *       235k parameters);</li>
     *   <li>timed, from rounds timed on the starting parameters (results discarded): T(1) = F + C and
     *       T(m) = F + m C (m = 16, or an epoch if shorter), each the fastest of four timings after three
     *       warm-ups.</li>
     * </ul>
     */
    private int localSteps(RoundFactory local, float[] start, int parameters, int stateArrays, IterationPlan plan) {
        String setting = config.get(LOCAL_STEPS);
        if (!setting.equals("auto") && !setting.equals("timed")) {
            return Integer.parseInt(setting);
        }
        int perEpoch = plan.iterationsPerEpoch();
        if (perEpoch < 2) {
            LOG.info("local steps {}: K = 1 (an epoch is a single iteration)", setting);
            return 1;
        }
        if (setting.equals("auto")) {
            return estimatedLocalSteps(parameters, plan.maxBatch(), stateArrays, perEpoch, true);
        }
        // 16 steps against 1: the compute difference must stand out of a round's timing noise
        int probe = Math.min(16, perEpoch);
        float[] value = stateArrays == 0 ? start : withState(start, new float[stateArrays][parameters]);
        double one = Double.MAX_VALUE;
        double many = Double.MAX_VALUE;
        sc.setJobDescription("sparkprop: timing rounds to choose the local steps");
        // three pairs warm up the JIT, the cache and the executors' buffers; the fastest of the rest is the cost
        for (int r = 0; r < 7; r++) {
            long t = System.nanoTime();
            local.run(value, 0, 0, 1, 0);
            double t1 = (System.nanoTime() - t) * 1e-9;
            t = System.nanoTime();
            local.run(value, 0, 0, probe, 0);
            double tm = (System.nanoTime() - t) * 1e-9;
            if (r >= 3) {
                one = Math.min(one, t1);
                many = Math.min(many, tm);
            }
        }
        double step = Math.max((many - one) / (probe - 1), 1e-6);
        return chooseLocalSteps("timed", Math.max(one - step, 0), step, perEpoch);
    }

    /** auto's K for P parameters, a largest local batch b, S travelling state arrays and an epoch's iterations. */
    static int estimatedLocalSteps(int parameters, int maxBatch, int stateArrays, int perEpoch, boolean log) {
        double step = 6.0 * parameters * maxBatch / ESTIMATED_FLOPS_PER_SECOND;
        double fixed = ESTIMATED_ROUND_SECONDS + ESTIMATED_SECONDS_PER_BYTE * 2 * 4.0 * parameters * (1 + stateArrays);
        return chooseLocalSteps(log ? "auto (estimated from the network and the batch)" : null, fixed, step, perEpoch);
    }

    /**
     * The smallest power of two K with {@code fixed <= 0.1 (fixed + K step)}, at most {@code perEpoch};
     * logged as {@code how} unless null.
     */
    private static int chooseLocalSteps(String how, double fixed, double step, int perEpoch) {
        double wanted = Math.ceil(9 * fixed / step);
        int k = 1;
        while (k < wanted && k < perEpoch) {
            k <<= 1;
        }
        k = Math.min(k, perEpoch);
        if (how == null) {
            return k;
        }
        LOG.info(String.format(Locale.ROOT, "local steps %s: K = %d (a round's fixed cost %.1f ms, one local step %.3g ms:"
                + " the fixed cost is %.0f %% of a round of K steps; at most the %d iterations of an epoch)", how, k, fixed * 1e3,
                step * 1e3, 100 * fixed / (fixed + k * step), perEpoch));
        return k;
    }

    /** {@code [params | state_1 | ... | state_S]}: what a round with averaged optimiser state broadcasts. */
    private static float[] withState(float[] params, float[][] state) {
        float[] out = Arrays.copyOf(params, params.length * (1 + state.length));
        for (int i = 0; i < state.length; i++) {
            System.arraycopy(state[i], 0, out, params.length * (i + 1), params.length);
        }
        return out;
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

    /**
     * The entries a driver-side update visits: with {@code touched}, W1's columns in which {@code grad} is
     * nonzero and every entry after W1 (one pass over W1 to find them), else all; {@code ranges} is reused.
     */
    private static ParameterRanges updateRanges(boolean touched, float[] grad, ParameterRanges ranges, ParameterLayout layout) {
        if (touched) {
            ranges.setNonzeroColumns(grad, layout.inputWidth(), layout.width(1), layout.size());
        } else {
            ranges.setAll(layout.size());
        }
        return ranges;
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
