package io.sparkprop.driver.train;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;
import java.util.function.IntToDoubleFunction;

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
 * A K set above an epoch's iterations runs as rounds of one epoch (a round never crosses an epoch's
 * end); that K is the one logged and recorded.
 */
final class LocalStepsChoice {
    private static final Logger LOG = LoggerFactory.getLogger(LocalStepsChoice.class);
    /** auto's cost model: one core's rate, a round's fixed cost and its cost per byte moved. */
    private static final double ESTIMATED_FLOPS_PER_SECOND = 80e9;
    private static final double ESTIMATED_ROUND_SECONDS = 10e-3;
    private static final double ESTIMATED_SECONDS_PER_BYTE = 3e-9;

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
            return estimated(parameters, plan.maxBatch(), stateArrays, perEpoch, true);
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
        return choose("timed", Math.max(one - step, 0), step, perEpoch);
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

    /** auto's K for P parameters, a largest local batch b, S travelling state arrays and an epoch's iterations. */
    static int estimated(int parameters, int maxBatch, int stateArrays, int perEpoch, boolean log) {
        double step = 6.0 * parameters * maxBatch / ESTIMATED_FLOPS_PER_SECOND;
        double fixed = ESTIMATED_ROUND_SECONDS + ESTIMATED_SECONDS_PER_BYTE * 2 * 4.0 * parameters * (1 + stateArrays);
        return choose(log ? "auto (estimated from the network and the batch)" : null, fixed, step, perEpoch);
    }

    /**
     * The smallest power of two K with {@code fixed <= 0.1 (fixed + K step)}, at most {@code perEpoch};
     * logged as {@code how} unless null.
     */
    private static int choose(String how, double fixed, double step, int perEpoch) {
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
}
