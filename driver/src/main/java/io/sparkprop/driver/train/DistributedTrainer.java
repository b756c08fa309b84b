package io.sparkprop.driver.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkprop.core.data.DataBlock;
import io.sparkprop.core.data.Standardizer;
import io.sparkprop.core.nn.NetworkSpec;
import io.sparkprop.core.nn.ParameterLayout;
import io.sparkprop.core.optim.Optimizer;
import io.sparkprop.core.optim.UpdateRule;
import io.sparkprop.driver.config.Choice;
import io.sparkprop.driver.config.Setting;
import io.sparkprop.driver.config.TrainingSettings;
import io.sparkprop.driver.data.DataBlocks;
import io.sparkprop.driver.io.Checkpoint;
import io.sparkprop.driver.io.CheckpointStore;
import io.sparkprop.driver.spark.EpochPhases;
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
import java.util.function.IntToDoubleFunction;

import static io.sparkprop.driver.config.TrainingSettings.*;

/**
 * Data-parallel training on Spark: the entry point a job's main class calls.
 * <pre>
 *   setup: the plan (blocks, rows per partition per iteration, see {@link IterationPlan}), the memory
 *          checks, K and the kind of round, the state (fresh, warm-started or resumed)
 *   for each epoch, round after round of n iterations (n = K, never past the epoch or train.maxIterations):
 *     sums = round.run(state, n)          broadcast params; every partition's partial; summed in partition order
 *     round.apply(state, sums, n)         synchronous: params <- UpdateRule(params, g)  (clip -> weight decay -> optimizer at lr(t))
 *                                         local steps: params <- outer step on the mean change delta
 *     progress (listeners, log, ETA); a checkpoint every train.checkpoint.interval iterations
 *   after each epoch: validation metrics, early stopping on validation loss, a checkpoint
 * </pre>
 * The kinds of round are {@link SynchronousRound} and {@link LocalStepsRound}; where train.synchronousExchange
 * chooses it, a {@link BarrierRound} runs the synchronous steps up to the epoch's end (or the next checkpoint) as one
 * Spark barrier job whose tasks exchange their partials and apply the update themselves, with the same bits. With the same seed and
 * partition count the result is bit-identical whatever the master (local[n], local-cluster, a
 * cluster) and whatever order tasks finish in, and a run resumed from a checkpoint ends with the same
 * bits as one that was never interrupted.
 */
public final class DistributedTrainer {
    private static final Logger LOG = LoggerFactory.getLogger(DistributedTrainer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Keys of the recorded configuration besides the settings. */
    private static final String NETWORK = "network";
    private static final String PARTITION_ROWS = "partition_rows";
    /** S, the blocks (workers) trained on: recorded since train.batchSize became the per-worker batch. */
    private static final String BLOCKS = "blocks";
    /** The local steps per round a run used (train.localSteps, or what auto chose), so a resume keeps it. */
    private static final String LOCAL_STEPS_CHOSEN = "local_steps_chosen";
    /**
     * The factor on train.learningRate and the warm-up a run took for its workers (train.learningRateScale
     * resolved), so a resume takes the same; a checkpoint without them took the rate and warm-up as set.
     */
    private static final String RATE_SCALE_TAKEN = "learning_rate_scale_taken";
    private static final String WARMUP_TAKEN = "warmup_steps_taken";
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
     * means the seeded ones. The optimizer state starts fresh either way.
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

    /** What setup prepares for the loop: the plan, the state, the kind of round and where progress and checkpoints go. */
    private record Run(IterationPlan plan, int epochs, long maxIterations, int patience, TrainingState state, Round round,
                       BarrierRound barrier, RoundsTaken taken,
                       GradientAggregator aggregator, Progress progress, Checkpoints checkpoints, Evaluator evaluator) {
        long perEpoch() {
            return plan.iterationsPerEpoch();
        }

        /** Whether the next steps run as a barrier job among the tasks (train.synchronousExchange). */
        boolean inBarrier() {
            return barrier != null && barrier.usable();
        }

        /**
         * The next round's iterations: up to K, never past the epoch or train.maxIterations; a barrier job's up to
         * the epoch's end, train.maxIterations or the next interval checkpoint.
         */
        int nextRound() {
            int n = (int) Math.min(inBarrier() ? Integer.MAX_VALUE : taken.localSteps(), perEpoch() - state.position);
            n = maxIterations > 0 ? (int) Math.min(n, maxIterations - state.steps()) : n;
            return inBarrier() ? Math.min(n, checkpoints.untilNext(state.steps())) : n;
        }
    }

    private TrainingResult run(DataBlocks train, DataBlocks validation, Checkpoint from, float[] initialParameters) {
        checkShape(train, "training");
        if (validation != null) {
            checkShape(validation, "validation");
        }
        Run run = setup(train, validation != null, from, initialParameters);
        TrainingState state = run.state;
        String stopReason = null;
        sc.setJobGroup("sparkprop-" + UUID.randomUUID(), "sparkprop training " + config.network(), false);
        try (Checkpoints checkpoints = run.checkpoints) {
            run.progress.start(state.steps());
            while (stopReason == null && state.epoch < run.epochs) {
                stopReason = epoch(run, validation);
            }
            checkpoints.atEnd(state);
        } finally {
            run.aggregator.close();
            ExecutorWorkspaces.release();
            sc.clearJobGroup();
            sc.setJobDescription(null);
        }
        boolean useBest = run.patience > 0 && state.best != null;
        float[] chosen = useBest ? state.best : state.params;
        TrainingResult result = new TrainingResult(chosen.clone(), state.params, state.steps(), state.epoch,
                stopReason == null ? "epochs" : stopReason, run.progress.history(), run.taken, state.validationOf(chosen));
        run.progress.finish(result);
        return result;
    }

    /** One epoch's rounds, its validation, checkpoint and early stopping: why the run stops, or null to go on. */
    private String epoch(Run run, DataBlocks validation) {
        TrainingState state = run.state;
        run.progress.epochStarts();
        while (state.position < run.perEpoch()) {
            if (run.maxIterations > 0 && state.steps() >= run.maxIterations) {
                return "max_iterations";
            }
            round(run, run.nextRound());
        }
        state.epoch++;
        state.position = 0;
        long validationStart = System.nanoTime();
        EvaluationMetrics v = validation == null ? null : run.evaluator.evaluate(state.params, validation);
        if (v != null) {
            state.recordValidation(v);
        }
        run.progress.epochEnds(state, v, (System.nanoTime() - validationStart) * 1e-9, state.rule.nextRate());
        run.checkpoints.afterEpoch(state);
        if (v != null && run.patience > 0 && state.epochsWithoutImprovement >= run.patience) {
            LOG.info("early stopping: validation loss has not improved for {} epochs (best {})",
                    state.epochsWithoutImprovement, state.bestLoss);
            return "early_stopping";
        }
        return null;
    }

    /** One round of n iterations: run, check, apply, report, checkpoint. */
    private void round(Run run, int n) {
        if (run.inBarrier()) {
            barrierRound(run, n);
            return;
        }
        TrainingState state = run.state;
        long before = state.steps();
        sc.setJobDescription("sparkprop epoch " + state.epoch + " iteration " + state.position
                + (n > 1 ? "-" + (state.position + n - 1) : ""));
        long t0 = System.nanoTime();
        RoundSums sums = run.round.run(state, n);
        checkFinite(sums.meanLoss(), sums.mean(), state, run.checkpoints.last());
        Round.Applied applied = run.round.apply(state, sums, n);
        checkFinite(state.params, state, run.checkpoints.last());
        state.position += n;
        run.progress.round(state, before, sums, applied, (System.nanoTime() - t0) * 1e-9);
        if (state.position < run.perEpoch()) {
            run.checkpoints.afterRound(state, before);
        }
    }

    /**
     * n synchronous steps as one barrier job: run, apply the steps it completed, report them one by one, then the
     * checks of a driver's round at the step that stopped it (the same error, at the same step), checkpoint.
     */
    private void barrierRound(Run run, int n) {
        TrainingState state = run.state;
        long before = state.steps();
        int position = state.position;
        sc.setJobDescription("sparkprop epoch " + state.epoch + " iterations " + position + "-" + (position + n - 1)
                + " (one barrier job)");
        long t0 = System.nanoTime();
        StepsResult r;
        try {
            r = run.barrier.run(state, n);
        } catch (BarrierRound.Unavailable e) {
            run.barrier.refused(e);
            return;
        }
        BarrierRound.apply(state, r);
        double seconds = (System.nanoTime() - t0) * 1e-9 / Math.max(1, r.completed);
        int reported = r.stopped == StepsResult.PARAMETERS ? r.completed - 1 : r.completed;
        long bytes = 4L * (state.params.length + 3) * run.plan.partitions();
        for (int i = 0; i < reported; i++) {
            RoundSums sums = new RoundSums(NO_MEAN, r.lossSum(i), r.weightSum(i), r.rows(i), 0, seconds, 0, bytes);
            run.progress.step(before + i + 1, state.epoch, position + i, before + i, sums, new Round.Applied(r.rate(i), r.norm(i)),
                    seconds);
        }
        state.position = position + reported;
        if (r.stopped == StepsResult.LOSS || r.stopped == StepsResult.GRADIENT) {
            checkFinite(r.stoppedLoss, r.stopped == StepsResult.GRADIENT ? NOT_FINITE : NO_MEAN, state, run.checkpoints.last());
        }
        checkFinite(state.params, state, run.checkpoints.last());
        state.position = position + r.completed;
        if (state.position < run.perEpoch()) {
            run.checkpoints.afterRound(state, before);
        }
    }

    /** A barrier job's steps report no mean (it stayed on the executors); a mean gradient that was not finite. */
    private static final float[] NO_MEAN = new float[0];
    private static final float[] NOT_FINITE = {Float.NaN};

    /**
     * Setup, before the first round: the plan, the memory checks, K and the kind of round, the state
     * (fresh from the seeded or the given parameters, or the checkpoint's), and the line that starts the run.
     */
    private Run setup(DataBlocks train, boolean validation, Checkpoint from, float[] initialParameters) {
        ParameterLayout layout = config.network().layout();
        IterationPlan plan = IterationPlan.of(train.partitionRows(), config.get(BATCH_SIZE));
        EpochsChoice epochsChoice = EpochsChoice.of(config.get(EPOCHS), config.get(PATIENCE), train.rows(), validation);
        int epochs = epochsChoice.epochs();
        String capped = plan.cappedBatchWarning(config.get(BATCH_SIZE), BATCH_SIZE.key());
        if (capped != null) {
            LOG.warn(capped);
        }
        long perEpoch = plan.iterationsPerEpoch();
        int stateArrays = config.localOptimizerState() == Choice.LocalOptimizerState.AVERAGED ? config.newOptimizer().stateArrays() : 0;
        NetworkMemory.Resources resources = NetworkMemory.Resources.of(sc.sc());
        GradientAggregator aggregator = new GradientAggregator(sc, train.rdd(), plan.partitions(), layout,
                config.aggregation(), config.get(SPARSE_TRANSFER), resources.maxResult());
        checkMemory(train, validation, plan, aggregator, resources);
        Map<String, Object> recorded = recorded(train);
        float[] start = null;
        int k;
        LocalStepsChoice.Rate rate = LocalStepsChoice.rate(config, plan.partitions(), perEpoch, epochs * perEpoch);
        if (from != null) {
            checkCompatible(from, recorded);
            rate = resumedRate(from, rate);
            k = LocalStepsChoice.cappedToEpoch(((Number) from.config().getOrDefault(LOCAL_STEPS_CHOSEN, 1)).intValue(), (int) perEpoch);
        } else {
            if (initialParameters != null) {
                layout.checkLength(initialParameters, "initial parameters");
            }
            start = initialParameters != null ? initialParameters : config.initialParameters();
            k = chooseLocalSteps(aggregator, plan, epochs, stateArrays, start);
        }
        recorded.put(LOCAL_STEPS_CHOSEN, k);
        recorded.put(RATE_SCALE_TAKEN, rate.scale());
        recorded.put(WARMUP_TAKEN, rate.warmupSteps());
        // a K set above 1 runs rounds of local steps even where an epoch of one iteration caps it to 1
        boolean local = k > 1 || config.localStepsCount() > 1;
        // the rate and warm-up taken for the workers, and auto's outer step: the driver's rule and the local steps run with them
        TrainingConfig rounds = rate.applied(local ? LocalStepsChoice.outerStep(config, plan.partitions()) : config);
        UpdateRule rule = rounds.newUpdateRule(layout, perEpoch, epochs * perEpoch);
        Optimizer outer = local ? LocalStepsRound.outerOptimizer(rounds, layout.size()) : null;
        TrainingState state = from != null ? TrainingState.restore(from, rule, outer, layout) : TrainingState.start(start, rule, outer);
        Round round = local
                ? new LocalStepsRound(aggregator, rounds, plan, UUID.randomUUID().toString(), stateArrays, epochs * perEpoch, k,
                        new UpdateRanges(train.sparse() && rounds.touchedOuterStep(), layout))
                : new SynchronousRound(aggregator, rounds, plan, new UpdateRanges(train.sparse() && rounds.touchedSteps(), layout));
        BarrierRound barrier = local ? null : barrierRound(train, plan, rounds, epochs * perEpoch);
        RoundsTaken taken = new RoundsTaken(plan.partitions(), k, local ? rounds.get(OUTER_LEARNING_RATE) : 1,
                local ? rounds.get(OUTER_MOMENTUM) : 0, rate.scale(), rounds.get(LEARNING_RATE), rate.warmupSteps());
        if (epochsChoice.auto() != null) {
            LOG.info(epochsChoice.auto());
        }
        logStart(train, plan, epochs, rule, round, barrier != null, aggregator.sharded(), taken);
        long maxIterations = config.get(MAX_ITERATIONS);
        long planned = maxIterations > 0 ? Math.min(epochs * perEpoch, maxIterations) : epochs * perEpoch;
        Progress progress = new Progress(listeners, logProgress, config.get(LOG_INTERVAL), epochs, perEpoch, planned,
                targets != null, round.normName(), EpochPhases.of(sc.sc()));
        Checkpoints checkpoints = new Checkpoints(config.checkpointDir() == null ? null : openStore(), recorded, config.get(SEED),
                config.get(CHECKPOINT_INTERVAL), progress, from == null ? -1 : from.iteration());
        return new Run(plan, epochs, maxIterations, epochsChoice.patience(), state, round, barrier, taken, aggregator, progress,
                checkpoints,
                new Evaluator(sc, config.network(), config.get(EVAL_BATCH_SIZE), targets));
    }

    /**
     * The barrier jobs of synchronous steps, where train.synchronousExchange chooses them (see {@link BarrierRound#chosen}),
     * else null: the driver's rounds.
     */
    private BarrierRound barrierRound(DataBlocks train, IterationPlan plan, TrainingConfig rounds, long totalIterations) {
        Choice.SynchronousExchange choice = config.synchronousExchange();
        String impossible = BarrierRound.impossible(plan.partitions(), BarrierRound.slots(sc.sc()),
                sc.getConf().getBoolean("spark.dynamicAllocation.enabled", false));
        if (!BarrierRound.chosen(choice, impossible)) {
            return null;
        }
        return new BarrierRound(sc, train.rdd(), plan, rounds, "barrier-" + UUID.randomUUID(), totalIterations,
                train.sparse() && rounds.touchedSteps(), choice == Choice.SynchronousExchange.TASKS);
    }

    /** The driver's and the executors' memory and the rounds' results, now that the blocks' form and count are known. */
    private void checkMemory(DataBlocks train, boolean validation, IterationPlan plan, GradientAggregator aggregator,
                             NetworkMemory.Resources resources) {
        NetworkSpec spec = config.network();
        NetworkMemory memory = NetworkMemory.of(config, spec.sizes(), spec.targetWidth(), validation, NetworkMemory.Input.of(train));
        memory.check(resources, HIDDEN.key(), BATCH_SIZE.key());
        memory.checkRounds(resources, plan.partitions(), aggregator.sharded(), train.sparse() && config.get(SPARSE_TRANSFER),
                AGGREGATION.key(), HIDDEN.key());
    }

    /** K for a fresh run (see {@link LocalStepsChoice}); timed runs its probe rounds from {@code start}. */
    private int chooseLocalSteps(GradientAggregator aggregator, IterationPlan plan, int epochs, int stateArrays, float[] start) {
        IntToDoubleFunction timed = null;
        if (config.localStepsTimed() && plan.iterationsPerEpoch() > 1) {
            LocalStepsRound probe = new LocalStepsRound(aggregator, config, plan, UUID.randomUUID().toString(), stateArrays,
                    (long) epochs * plan.iterationsPerEpoch(), 1, new UpdateRanges(false, config.network().layout()));
            // [theta | zeroed state]: what the first round would broadcast
            float[] value = Arrays.copyOf(start, start.length * (1 + stateArrays));
            sc.setJobDescription("sparkprop: timing rounds to choose the local steps");
            timed = m -> probe.time(value, m);
        }
        return LocalStepsChoice.choose(config.localStepsCount(), timed != null, start.length, stateArrays, plan, timed);
    }

    private void logStart(DataBlocks train, IterationPlan plan, int epochs, UpdateRule rule, Round round, boolean barrier,
                          boolean sharded, RoundsTaken taken) {
        NetworkSpec spec = config.network();
        double dropout = config.get(DROPOUT);
        String scaled = taken.rateScale() == 1 ? "" : String.format(Locale.ROOT, " (%s %s x %.4g for %d workers, %s = %s)",
                LEARNING_RATE.key(), config.get(LEARNING_RATE), taken.rateScale(), taken.workers(), LEARNING_RATE_SCALE.key(),
                config.get(LEARNING_RATE_SCALE));
        LOG.info("training {} ({} parameters) on {} rows in {} blocks ({} MB cached, {} MB in float32): batch {} per worker,"
                        + " {} in all, {} iterations"
                        + " per epoch, {} epochs, optimizer {}, learning rate {}{}{}{}, {}", spec, spec.layout().size(),
                train.rows(), train.partitions(), train.sizeInBytes() >> 20, train.float32SizeInBytes() >> 20, plan.maxBatch(),
                plan.globalBatch(), plan.iterationsPerEpoch(), epochs, config.get(OPTIMIZER), rule.schedule().describe(), scaled,
                dropout > 0 ? ", dropout " + dropout : "", round.describe(train.sparse()),
                barrier ? "the tasks exchanging the gradients among themselves (a barrier job per epoch)"
                        : (sharded ? "sharded" : "driver") + " aggregation");
    }

    /** What a checkpoint records and a resume compares: every setting, the network and the data layout. */
    private Map<String, Object> recorded(DataBlocks train) {
        Map<String, Object> recorded = config.toMap();
        recorded.put(NETWORK, config.network().toString());
        recorded.put(BLOCKS, train.partitions());
        recorded.put(PARTITION_ROWS, train.partitionRows());
        return recorded;
    }

    private CheckpointStore openStore() {
        return new CheckpointStore(config.checkpointDir(), sc.hadoopConfiguration(), config.get(CHECKPOINTS_KEPT));
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
        checkBlocks(c, ((Number) now.get(BLOCKS)).intValue());
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
     * The rate and warm-up a resumed run takes: its checkpoint's (those written before train.learningRateScale took
     * the rate and warm-up as set) where train.learningRateScale is auto, so that a run never changes its rate
     * half-way, e.g. after an upgrade; a scale set (none, sqrt, linear) must give the same, else one error names both.
     */
    private LocalStepsChoice.Rate resumedRate(Checkpoint c, LocalStepsChoice.Rate now) {
        Map<String, Object> then = c.config();
        LocalStepsChoice.Rate taken = new LocalStepsChoice.Rate(((Number) then.getOrDefault(RATE_SCALE_TAKEN, 1.0)).doubleValue(),
                ((Number) then.getOrDefault(WARMUP_TAKEN, config.get(WARMUP_STEPS))).longValue());
        if (taken.equals(now)) {
            return taken;
        }
        String both = String.format(Locale.ROOT, "the checkpointed run took %s x %.4g with a warm-up of %d iterations, this one would"
                + " take x %.4g and %d", LEARNING_RATE.key(), taken.scale(), taken.warmupSteps(), now.scale(), now.warmupSteps());
        if (Choice.of(Choice.LearningRateScale.class, config.get(LEARNING_RATE_SCALE)) != Choice.LearningRateScale.AUTO) {
            throw new IllegalArgumentException("cannot resume from the checkpoint at iteration " + c.iteration() + ": " + both + " ("
                    + LEARNING_RATE_SCALE.key() + " = " + config.get(LEARNING_RATE_SCALE) + "); set " + LEARNING_RATE_SCALE.key()
                    + " = auto to continue as it ran, or start in an empty checkpoint directory");
        }
        LOG.info("{}: the resumed run continues as it ran ({} = auto)", both, LEARNING_RATE_SCALE.key());
        return taken;
    }

    /**
     * The same S as the checkpoint: train.batchSize is per worker, so S workers are S times its rows per
     * step. A checkpoint without S was written when train.batchSize was the global batch: resuming it
     * would silently change what its batch means, so it is refused.
     */
    private static void checkBlocks(Checkpoint c, int blocks) {
        Object then = c.config().get(BLOCKS);
        if (then == null) {
            throw new IllegalArgumentException("cannot resume from the checkpoint at iteration " + c.iteration() + ": it records no"
                    + " block count, it was written by a sparkprop whose " + BATCH_SIZE.key() + " was the global batch split over"
                    + " the partitions (now it is per worker); finish it with that version, or start in an empty checkpoint directory");
        }
        if (((Number) then).intValue() != blocks) {
            throw new IllegalArgumentException("cannot resume from the checkpoint at iteration " + c.iteration() + ": it trained on "
                    + then + " blocks (task slots), this run has " + blocks + "; set data.partitions (partitions) = " + then
                    + " to resume it on this cluster");
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
}
