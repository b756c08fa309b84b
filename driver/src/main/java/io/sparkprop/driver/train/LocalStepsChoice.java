package io.sparkprop.driver.train;

import io.sparkprop.driver.config.Choice;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;
import java.util.function.IntToDoubleFunction;

import static io.sparkprop.driver.config.TrainingSettings.LEARNING_RATE;
import static io.sparkprop.driver.config.TrainingSettings.LEARNING_RATE_SCALE;
import static io.sparkprop.driver.config.TrainingSettings.OUTER_LEARNING_RATE;
import static io.sparkprop.driver.config.TrainingSettings.OUTER_MOMENTUM;
import static io.sparkprop.driver.config.TrainingSettings.WARMUP_STEPS;

/**
 * K, the local steps per round: train.localSteps, or the smallest power of two that keeps Spark's
 * fixed cost F of a round at most 10 % of it, at most one epoch's iterations. With one local step
 * costing C, F <= 0.1 (F + K C) means K >= 9 F / C. Where F and C come from:
 * <ul>
 *   <li>auto, an estimate from the run's shape alone, so that every machine picks the same K (and
 *       gives the same bits): C = 6 P b / R (forward and backward are three products of 2 P b FLOPs
 *       for P parameters and the largest local batch b; R = 80 GFLOP/s, one core's measured rate on
 *       the benchmark machine), F = 10 ms + 3 ns x the bytes a round moves (4 P (1 + S) broadcast and
 *       as many returned per partition, S the optimizer state arrays that travel): the fit of
 *       BENCHMARKS.md's round breakdown in local[2] (15 ms synchronous, 27 ms with Adam's state at
 *       235k parameters);</li>
 *   <li>timed, from rounds timed on the starting parameters (results discarded): T(1) = F + C and
 *       T(m) = F + m C (m = 16, or an epoch if shorter), each the fastest of four timings after three
 *       warm-ups.</li>
 * </ul>
 * Either choice is then bounded by the workers W ({@link #workersBound}). Below {@link #SYNCHRONOUS_WORKERS} workers
 * auto and timed take local steps, bounded by the samples a round averages over, K b W <= 32,768 for W workers of
 * batch b (K at W = 2, b = 64 stays 256, the fastest K measured there), with an outer Nesterov step (1, 0.9) from
 * {@link #OUTER_STEP_WORKERS} workers on where the outer step was left at plain averaging, and train.learningRateScale
 * auto takes the learning rate x (W / 2)^(3/4) (W / 2: the global batch against 2 workers') warmed up over one epoch,
 * at most {@link #LOCAL_WARMUP_ITERATIONS} iterations ({@link #rate}). Each worker's Adam steps on its own 64 rows, so
 * a round of W workers moves the model about as far as one worker's would, in 2 / W of 2 workers' iterations: at the
 * rate as set the 1M-row teacher data's 2 epochs ended 3 to 5 points below 2 workers at 4, 8 and 16; this rule ends
 * at 0.8890, 0.8721 and 0.8552 (2 workers: 0.8548), where the rate or the outer step alone, a larger outer rate,
 * plain extrapolation or a warm-up of a whole epoch at 16 (0.8477) did less, x W / 2 failed Fashion-MNIST's 88 % at
 * 16, and K = 16 there doubled the rounds. From {@link #SYNCHRONOUS_WORKERS} on K = 1, a synchronous run with the
 * rate x sqrt(W / 2): there averaging W models after local steps lost 5 to 6 points, where synchronous steps at the
 * scaled rate lost at most 0.2; and at 24 workers the local steps' rate, x 12^(3/4) = 6.4, left Fashion-MNIST at
 * 0.8248 (synchronous at x sqrt(12): 0.8957; the teacher data 0.8654 against 0.8596), so synchronous steps start at 17
 * workers, where the tasks' own exchange (train.synchronousExchange) makes them one Spark job an epoch. At 4 to 16
 * workers synchronous steps are as accurate and estimated faster on dedicated cores, but on shared cores they cost
 * each task 2.4x the CPU of local steps at 16 workers (every task applies the update; 16 threads wait on each other
 * twice a step), against the target of 1.3x an epoch at 2 workers; so local steps stay there. A K set above an epoch's
 * iterations runs as rounds of one epoch (a round never crosses an epoch's end); that K is the one logged and
 * recorded. BENCHMARKS.md, "Local steps that keep up with 2 workers", has the measurements.
 */
final class LocalStepsChoice {
    private static final Logger LOG = LoggerFactory.getLogger(LocalStepsChoice.class);
    /** auto's cost model: one core's rate, a round's fixed cost and its cost per byte moved. */
    private static final double ESTIMATED_FLOPS_PER_SECOND = 80e9;
    private static final double ESTIMATED_ROUND_SECONDS = 10e-3;
    private static final double ESTIMATED_SECONDS_PER_BYTE = 3e-9;
    /** The most samples, K b W, one round of auto's or timed's averages over where they take local steps. */
    static final long SAMPLES_PER_ROUND = 32_768;
    /** The workers from which auto's and timed's rounds of K > 1 take an outer Nesterov step. */
    static final int OUTER_STEP_WORKERS = 4;
    /** auto's outer Nesterov step from {@link #OUTER_STEP_WORKERS} workers on: rate 1, momentum 0.9. */
    static final double AUTO_OUTER_RATE = 1.0;
    static final double AUTO_OUTER_MOMENTUM = 0.9;
    /**
     * train.learningRateScale auto takes the rate x (W / 2)^e: e = 1/2 where auto trains synchronously, e = 3/4 where it
     * takes local steps (each worker's Adam steps on its own batch, so a round moves the model less than a synchronous
     * step on the W workers' batch at the same rate).
     */
    static final double LOCAL_RATE_EXPONENT = 0.75;
    /**
     * The most iterations auto's scaled rate warms up over where auto takes local steps (else one epoch): on the
     * 1M-row teacher data's 2 epochs at 16 workers a warm-up of a whole epoch (977 iterations) ended 0.7 points below
     * 2 workers, one of 244 above them; Fashion-MNIST's epochs (59 to 235 iterations at 4 to 16 workers) are shorter.
     */
    static final long LOCAL_WARMUP_ITERATIONS = 256;
    /**
     * The workers from which auto and timed train synchronously (K = 1) and train.learningRateScale auto scales the
     * rate by sqrt(W / 2): at 32 and 64 workers local steps ended 5 to 6 points below 2 workers on the 1M-row teacher
     * data, and at 24 the local steps' larger rate left Fashion-MNIST below 88 % (BENCHMARKS.md).
     */
    static final int SYNCHRONOUS_WORKERS = 17;

    private LocalStepsChoice() {
    }

    /**
     * K for train.localSteps: {@code count} when set (> 0), else auto's estimate, or with {@code timed} the
     * timed choice, whose {@code timedRound} runs one round of m local steps on the starting parameters
     * and returns its seconds.
     */
    static int choose(int count, boolean timed, int parameters, int stateArrays, IterationPlan plan,
                      IntToDoubleFunction timedRound) {
        int perEpoch = plan.iterationsPerEpoch();
        if (count > 0) {
            return cappedToEpoch(count, perEpoch);
        }
        String setting = timed ? "timed" : "auto";
        if (perEpoch < 2) {
            LOG.info("local steps {}: K = 1 (an epoch is a single iteration)", setting);
            return 1;
        }
        if (!timed) {
            long rows = 0;
            for (int p = 0; p < plan.partitions(); p++) {
                rows = Math.max(rows, plan.rows(p));
            }
            return auto(parameters, plan.maxBatch(), stateArrays, rows, plan.partitions(), true).k();
        }
        // 16 steps against 1: the compute difference must stand out of a round's timing noise
        int probe = Math.min(16, perEpoch);
        double one = Double.MAX_VALUE;
        double many = Double.MAX_VALUE;
        // three pairs warm up the JIT, the cache and the executors' buffers; the fastest of the rest is the cost
        for (int r = 0; r < 7; r++) {
            double t1 = timedRound.applyAsDouble(1);
            double tm = timedRound.applyAsDouble(probe);
            if (r >= 3) {
                one = Math.min(one, t1);
                many = Math.min(many, tm);
            }
        }
        double step = Math.max((many - one) / (probe - 1), 1e-6);
        return choose("timed", Math.max(one - step, 0), step, Math.min(perEpoch, workersBound(plan.maxBatch(), plan.partitions())));
    }

    /**
     * What auto chooses for a run's shape: K, the outer step's rate and momentum (plain averaging 1, 0 below
     * {@link #OUTER_STEP_WORKERS} workers and wherever K = 1, Nesterov 1, 0.9 from there on), and with
     * train.learningRateScale auto the factor on the learning rate and the warm-up in iterations for a run of two
     * epochs or more (1 and no warm-up at 1 and 2 workers).
     */
    record Auto(int k, double outerRate, double outerMomentum, double rateScale, long warmupSteps) {
    }

    /**
     * auto's choice as a pure function of the network's P parameters, the per-worker batch b, the S optimizer
     * state arrays that travel, the rows of the largest worker's block n and the W workers: K =
     * min(the cost rule's K, an epoch's ceil(n / min(b, n)) iterations, the workers' bound), and the rate's
     * factor and warm-up by W (see the class comment).
     */
    static Auto auto(int parameters, int batch, int stateArrays, long rowsPerWorker, int workers) {
        return auto(parameters, batch, stateArrays, rowsPerWorker, workers, false);
    }

    /** {@link #auto}, logging the choice of K when {@code log}. */
    private static Auto auto(int parameters, int batch, int stateArrays, long rowsPerWorker, int workers, boolean log) {
        int b = (int) Math.min(batch, rowsPerWorker);
        int perEpoch = (int) ((rowsPerWorker + b - 1) / b);
        int k = perEpoch < 2 ? 1 : estimated(parameters, b, stateArrays, perEpoch, workers, log);
        Rate rate = autoRate(workers, perEpoch, 2L * perEpoch, 0);
        boolean outer = k > 1 && workers >= OUTER_STEP_WORKERS;
        return new Auto(k, outer ? AUTO_OUTER_RATE : 1, outer ? AUTO_OUTER_MOMENTUM : 0, rate.scale(), rate.warmupSteps());
    }

    /**
     * The factor on train.learningRate and the warm-up a run takes (train.learningRateScale resolved): W
     * workers of batch b are a global batch W / 2 times 2 workers', the rate is read as tuned there, and a
     * scaled rate warms up linearly over one epoch, at most half the run, unless train.warmupSteps is set.
     */
    record Rate(double scale, long warmupSteps) {
        /** {@code config} with the rate and warm-up taken. */
        TrainingConfig applied(TrainingConfig config) {
            return scale == 1 && warmupSteps == config.get(WARMUP_STEPS) ? config : config.toBuilder()
                    .set(LEARNING_RATE, config.get(LEARNING_RATE) * scale).set(WARMUP_STEPS, warmupSteps).build();
        }
    }

    /**
     * The rate for {@code config} on W workers, an epoch's iterations and the run's: none, x 1; sqrt, x sqrt(W / 2); linear,
     * x W / 2 (neither below 2 workers); auto, where train.localSteps is auto or timed, x sqrt(W / 2) where that trains
     * {@link #synchronous}ly and x (W / 2)^(3/4) where it takes local steps, else x 1. A pure function of the settings,
     * the workers and the epoch.
     */
    static Rate rate(TrainingConfig config, int workers, long perEpoch, long totalIterations) {
        long warmup = config.get(WARMUP_STEPS);
        double global = Math.max(workers, 2) / 2.0;
        return switch (Choice.of(Choice.LearningRateScale.class, config.get(LEARNING_RATE_SCALE))) {
            case NONE -> new Rate(1, warmup);
            case SQRT -> warmedUp(Math.sqrt(global), perEpoch, totalIterations, warmup);
            case LINEAR -> warmedUp(global, perEpoch, totalIterations, warmup);
            case AUTO -> config.localStepsCount() > 0 ? new Rate(1, warmup) : autoRate(workers, perEpoch, totalIterations, warmup);
        };
    }

    private static Rate autoRate(int workers, long perEpoch, long totalIterations, long warmup) {
        double global = Math.max(workers, 2) / 2.0;
        if (synchronous(workers)) {
            return warmedUp(Math.sqrt(global), perEpoch, totalIterations, warmup);
        }
        return warmedUp(Math.pow(global, LOCAL_RATE_EXPONENT), Math.min(perEpoch, LOCAL_WARMUP_ITERATIONS), totalIterations,
                warmup);
    }

    /** Whether auto and timed train W workers synchronously: from {@link #SYNCHRONOUS_WORKERS} on. */
    static boolean synchronous(int workers) {
        return workers >= SYNCHRONOUS_WORKERS;
    }

    /**
     * A scaled rate warms up over one epoch where no warm-up is set, at most half the run's iterations (at least 1),
     * so that a one-epoch run still decays from its peak.
     */
    private static Rate warmedUp(double scale, long perEpoch, long totalIterations, long warmup) {
        return new Rate(scale, scale > 1 && warmup == 0 ? Math.min(perEpoch, Math.max(1, totalIterations / 2)) : warmup);
    }

    /**
     * The settings the rounds of local steps run with: {@code config}, or with train.localSteps auto or timed
     * and the outer step at plain averaging (1, 0), Nesterov (1, 0.9) from {@link #OUTER_STEP_WORKERS}
     * workers on (logged). A pure function of the settings and the workers.
     */
    static TrainingConfig outerStep(TrainingConfig config, int workers) {
        if (config.localStepsCount() > 0 || config.get(OUTER_LEARNING_RATE) != 1.0 || config.get(OUTER_MOMENTUM) != 0.0
                || workers < OUTER_STEP_WORKERS) {
            return config;
        }
        LOG.info("local steps on {} workers: the outer step is Nesterov, {} = {} and {} = {}, instead of plain averaging;"
                + " set them to keep another", workers, OUTER_LEARNING_RATE.key(), AUTO_OUTER_RATE, OUTER_MOMENTUM.key(),
                AUTO_OUTER_MOMENTUM);
        return config.toBuilder().set(OUTER_LEARNING_RATE, AUTO_OUTER_RATE).set(OUTER_MOMENTUM, AUTO_OUTER_MOMENTUM).build();
    }

    /** A K from train.localSteps or a checkpoint, at most an epoch's iterations (a warning when it was more). */
    static int cappedToEpoch(int k, int perEpoch) {
        if (k <= perEpoch) {
            return k;
        }
        LOG.warn("train.localSteps = {} is more than an epoch's {} iterations, and a round never crosses an epoch's end:"
                + " rounds of {} local steps (recorded as K = {})", k, perEpoch, perEpoch, perEpoch);
        return perEpoch;
    }

    /**
     * auto's K for P parameters, a largest per-worker batch b, S travelling state arrays, an epoch's
     * iterations (the rows per worker over b) and the workers: a pure function of them.
     */
    static int estimated(int parameters, int maxBatch, int stateArrays, int perEpoch, int workers, boolean log) {
        double step = 6.0 * parameters * maxBatch / ESTIMATED_FLOPS_PER_SECOND;
        double fixed = ESTIMATED_ROUND_SECONDS + ESTIMATED_SECONDS_PER_BYTE * 2 * 4.0 * parameters * (1 + stateArrays);
        return choose(log ? "auto (estimated from the network, the batch and " + workers + " workers)" : null, fixed, step,
                Math.min(perEpoch, workersBound(maxBatch, workers)));
    }

    /**
     * The most K for W workers of batch b: 1 where they train {@link #synchronous}ly, else the largest power of two
     * with K b W <= {@link #SAMPLES_PER_ROUND} (at least 1).
     */
    static int workersBound(int batch, int workers) {
        if (synchronous(workers)) {
            return 1;
        }
        int k = 1;
        while (2L * k * batch * workers <= SAMPLES_PER_ROUND) {
            k <<= 1;
        }
        return k;
    }

    /**
     * The smallest power of two K with {@code fixed <= 0.1 (fixed + K step)}, at most {@code most} (an
     * epoch's iterations, or fewer where the workers' bound says so); logged as {@code how} unless null.
     */
    private static int choose(String how, double fixed, double step, int most) {
        double wanted = Math.ceil(9 * fixed / step);
        int k = 1;
        while (k < wanted && k < most) {
            k <<= 1;
        }
        k = Math.min(k, most);
        if (how == null) {
            return k;
        }
        LOG.info(String.format(Locale.ROOT, "local steps %s: K = %d (a round's fixed cost %.1f ms, one local step %.3g ms:"
                + " the fixed cost is %.0f %% of a round of K steps; at most %d: an epoch's iterations and K b W <= %d samples"
                + " a round, synchronous from %d workers on)", how, k, fixed * 1e3, step * 1e3,
                100 * fixed / (fixed + k * step), most, SAMPLES_PER_ROUND, SYNCHRONOUS_WORKERS));
        return k;
    }
}
