package io.sparkprop.driver.train;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;
import java.util.function.IntToDoubleFunction;

import static io.sparkprop.driver.config.TrainingSettings.OUTER_LEARNING_RATE;
import static io.sparkprop.driver.config.TrainingSettings.OUTER_MOMENTUM;

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
 * Either choice is then bounded by the samples a round averages over: K b S <= 32,768 for S workers
 * of batch b (K at S = 2, b = 64 stays 256, the fastest K measured there; at S = 16 it is 32), since
 * averaging S models after many local steps each loses accuracy as S grows (BENCHMARKS.md, "Local steps
 * as the workers grow"); from {@link #SYNCHRONOUS_WORKERS} workers on K is 1, a synchronous run, which
 * measured more accurate than local steps at 16 and 64 workers, but at 16 cost 1.39x the CPU of an epoch
 * (BENCHMARKS.md, "Synchronous from 32 workers"). A K set above an epoch's iterations runs as rounds of one epoch (a round never
 * crosses an epoch's end); that K is the one logged and recorded. From {@link #OUTER_STEP_WORKERS}
 * workers on, rounds of K > 1 also take DiLoCo's outer Nesterov step (0.7, 0.9) where the outer step was
 * left at plain averaging (1, 0): at 16 workers of K = 32 it recovered 0.7 to 1.2 points of Fashion-MNIST
 * accuracy. The learning rate is left as set and no synchronous first phase is taken: with this K, outer
 * step and synchronous bound, Fashion-MNIST at every default reached 88 % within 12 epochs at 1 to 16
 * workers, and scaling the rate by the square root of the global batch with a 2-epoch warm-up at 16 moved the final accuracy by 0.1
 * point and the epochs to 88 % not at all (BENCHMARKS.md, "Scaling at every default").
 */
final class LocalStepsChoice {
    private static final Logger LOG = LoggerFactory.getLogger(LocalStepsChoice.class);
    /** auto's cost model: one core's rate, a round's fixed cost and its cost per byte moved. */
    private static final double ESTIMATED_FLOPS_PER_SECOND = 80e9;
    private static final double ESTIMATED_ROUND_SECONDS = 10e-3;
    private static final double ESTIMATED_SECONDS_PER_BYTE = 3e-9;
    /** The most samples, K b S, one round of auto's or timed's averages over. */
    static final long SAMPLES_PER_ROUND = 32_768;
    /** The workers from which auto and timed take an outer Nesterov step. */
    static final int OUTER_STEP_WORKERS = 8;
    /**
     * The workers from which auto and timed train synchronously (K = 1): averaging this many models after
     * local steps lost more accuracy than the larger synchronous batch; at 16 synchronous steps cost 1.39x
     * the task CPU of an epoch at 2 workers, so 16 keeps local steps (BENCHMARKS.md, "Synchronous from 32 workers").
     */
    static final int SYNCHRONOUS_WORKERS = 32;

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
        return choose("timed", Math.max(one - step, 0), step, Math.min(perEpoch, samplesBound(plan.maxBatch(), plan.partitions())));
    }

    /**
     * What auto chooses for a run's shape: K, and the outer step's rate and momentum (plain averaging 1, 0
     * below {@link #OUTER_STEP_WORKERS} workers and wherever K = 1, DiLoCo's Nesterov 0.7, 0.9 from there on).
     */
    record Auto(int k, double outerRate, double outerMomentum) {
    }

    /**
     * auto's choice as a pure function of the network's P parameters, the per-worker batch b, the S optimizer
     * state arrays that travel, the rows of the largest worker's block n and the W workers: K =
     * min(the cost rule's K, an epoch's ceil(n / min(b, n)) iterations, the samples bound's), and the outer
     * step by W (see the class comment).
     */
    static Auto auto(int parameters, int batch, int stateArrays, long rowsPerWorker, int workers) {
        return auto(parameters, batch, stateArrays, rowsPerWorker, workers, false);
    }

    /** {@link #auto}, logging the choice of K when {@code log}. */
    private static Auto auto(int parameters, int batch, int stateArrays, long rowsPerWorker, int workers, boolean log) {
        int b = (int) Math.min(batch, rowsPerWorker);
        int perEpoch = (int) ((rowsPerWorker + b - 1) / b);
        return withOuterStep(perEpoch < 2 ? 1 : estimated(parameters, b, stateArrays, perEpoch, workers, log), workers);
    }

    /** K with auto's outer step for W workers (none, i.e. plain averaging, when K = 1: a synchronous run takes no outer step). */
    private static Auto withOuterStep(int k, int workers) {
        return k > 1 ? outerStepFor(k, workers) : new Auto(k, 1, 0);
    }

    /** Rounds of K > 1 local steps on W workers: DiLoCo's Nesterov (0.7, 0.9) from {@link #OUTER_STEP_WORKERS} on. */
    private static Auto outerStepFor(int k, int workers) {
        return workers >= OUTER_STEP_WORKERS ? new Auto(k, 0.7, 0.9) : new Auto(k, 1, 0);
    }

    /**
     * The settings the rounds of local steps run with: {@code config}, or with train.localSteps auto or timed
     * and the outer step at plain averaging (1, 0), the outer step {@link #auto} takes for {@code workers}
     * (logged where it differs). A pure function of the settings and the workers.
     */
    static TrainingConfig outerStep(TrainingConfig config, int workers) {
        if (config.localStepsCount() > 0 || config.get(OUTER_LEARNING_RATE) != 1.0 || config.get(OUTER_MOMENTUM) != 0.0) {
            return config;
        }
        Auto auto = outerStepFor(config.localStepsCount(), workers);
        if (auto.outerMomentum() == 0.0 && auto.outerRate() == 1.0) {
            return config;
        }
        LOG.info("local steps on {} workers: the outer step is Nesterov, {} = {} and {} = {} (DiLoCo's), instead of plain"
                + " averaging; set them to keep another", workers, OUTER_LEARNING_RATE.key(), auto.outerRate(), OUTER_MOMENTUM.key(),
                auto.outerMomentum());
        return config.toBuilder().set(OUTER_LEARNING_RATE, auto.outerRate()).set(OUTER_MOMENTUM, auto.outerMomentum()).build();
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
                Math.min(perEpoch, samplesBound(maxBatch, workers)));
    }

    /**
     * The largest power of two K with K b S <= {@link #SAMPLES_PER_ROUND} (at least 1), and 1 (synchronous)
     * from {@link #SYNCHRONOUS_WORKERS} workers on.
     */
    static int samplesBound(int batch, int workers) {
        if (workers >= SYNCHRONOUS_WORKERS) {
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
     * epoch's iterations, or fewer where the samples bound says so); logged as {@code how} unless null.
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
                + " the fixed cost is %.0f %% of a round of K steps; at most %d: an epoch's iterations and K b S <= %d samples"
                + " a round, synchronous"
                + " from %d workers)", how, k, fixed * 1e3, step * 1e3, 100 * fixed / (fixed + k * step), most, SAMPLES_PER_ROUND,
                SYNCHRONOUS_WORKERS));
        return k;
    }
}
