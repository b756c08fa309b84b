package io.sparkprop.driver.train;

import io.sparkprop.core.data.DataBlock;
import io.sparkprop.core.nn.Dropout;
import io.sparkprop.core.nn.NetworkSpec;
import io.sparkprop.core.optim.ParameterRanges;
import io.sparkprop.core.optim.UpdateRule;
import io.sparkprop.driver.config.TrainingSettings;
import io.sparkprop.driver.exchange.Exchanges;
import io.sparkprop.driver.exchange.GradientExchange;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.broadcast.Broadcast;
import scala.collection.Iterator;
import scala.collection.Iterator$;
import scala.runtime.AbstractFunction1;

import java.io.Serializable;
import java.util.Arrays;

/**
 * One task of a barrier job of n synchronous steps (a {@link BarrierRound}), run on the executor. From
 * the broadcast {@code [theta | state_1 .. state_S]} every task t runs, for i = 0 .. n-1:
 * <pre>
 *   partial_t = [ sum_r w_r grad_r at theta | lossSum, weightSum, rows ]   its block's batch of iteration first + i
 *               (exactly {@link GradientStep}'s, dropout keyed by global step globalStep + i)
 *   g         = exchange(partial_0 .. partial_{W-1})                        the aggregator's mean, the same on every task
 *   theta     = UpdateRule(theta, g)                                        clip -> weight decay -> optimizer at lr(globalStep + i)
 * </pre>
 * the driver's update replicated, so every task holds the same theta and state after every step, and
 * after n steps the driver's {@link SynchronousRound} bits. A step whose loss or mean gradient is not
 * finite stops the job before its update, one that makes theta non-finite after it (every task alike).
 * Task 0 returns a {@link StepsResult}; the others nothing. Buffers: the thread's scratch (the partial's
 * gradient is handed to the exchange where it was summed, not copied), and the mean and the per-step sums
 * allocated once per job.
 */
final class BarrierSteps extends AbstractFunction1<Iterator<DataBlock>, Iterator<StepsResult>> implements Serializable {
    private static final long serialVersionUID = 1L;
    /**
     * A local property for tests of a failed barrier job: "s" makes task 1 fail at step s of the job's first
     * attempt (the driver then runs the job again, which must give the same bits).
     */
    static final String FAIL_PROPERTY = "sparkprop.test.barrierFailAtStep";

    private final NetworkSpec spec;
    private final Broadcast<float[]> start;
    private final IterationPlan plan;
    private final TrainingConfig config;
    private final String run;
    private final long totalIterations;
    private final boolean touched;
    private final long epoch;
    private final int first;
    private final int steps;
    private final long globalStep;
    private final long seed;
    private final Dropout dropout;
    /** The driver's attempt at this job (0, then 1 .. after failures). */
    private final int attempt;

    /**
     * @param config          the rounds' configuration (the rate and warm-up taken for the workers)
     * @param run             an id of the training run, so a task thread reuses one update rule per run
     * @param totalIterations the run's planned iterations (the cosine schedule's default length)
     * @param touched         the driver's touched-column update on sparse input ({@link UpdateRanges})
     * @param first           the epoch's iteration of the first step
     * @param steps           n
     * @param globalStep      optimizer steps before the first
     * @param attempt         the driver's attempt at this job
     */
    BarrierSteps(Broadcast<float[]> start, IterationPlan plan, TrainingConfig config, String run, long totalIterations,
                 boolean touched, long epoch, int first, int steps, long globalStep, int attempt) {
        this.spec = config.network();
        this.start = start;
        this.plan = plan;
        this.config = config;
        this.run = run;
        this.totalIterations = totalIterations;
        this.touched = touched;
        this.epoch = epoch;
        this.first = first;
        this.steps = steps;
        this.globalStep = globalStep;
        this.seed = config.get(TrainingSettings.SEED);
        this.dropout = config.dropout();
        this.attempt = attempt;
    }

    @Override
    public Iterator<StepsResult> apply(Iterator<DataBlock> blocks) {
        BarrierTaskContext context = BarrierTaskContext.get();
        int partition = context.partitionId();
        DataBlock block = blocks.next();
        plan.checkBlock(partition, block);
        ExecutorWorkspaces.Scratch s = ExecutorWorkspaces.scratch(spec, plan.maxBatch());
        UpdateRule rule = ExecutorWorkspaces.innerRule(s, run, config, plan.iterationsPerEpoch(), totalIterations);
        float[] theta = s.parameters;
        int p = theta.length;
        float[] value = start.value();
        System.arraycopy(value, 0, theta, 0, p);
        rule.restore(globalStep, value, p);
        Loop loop = new Loop(p, steps, failAt(context));
        GradientExchange exchange = Exchanges.open(context, p);
        try {
            loop.run(s, rule, block, partition, exchange, new UpdateRanges(touched, spec.layout()));
        } catch (RuntimeException e) {
            exchange.abort(e);
            throw e;
        } finally {
            exchange.close();
        }
        if (partition != 0) {
            return Iterator$.MODULE$.empty();
        }
        float[] values = Arrays.copyOf(theta, p * (1 + rule.optimizer().stateArrays()));
        rule.optimizer().storeState(values, p, 1f);
        return Iterator$.MODULE$.single(new StepsResult(values, loop.perStep, loop.completed, loop.stopped, loop.stoppedLoss,
                loop.compute * 1e-9, loop.exchanged * 1e-9));
    }

    /** The steps of one task, with the buffers they reuse and what they report. */
    private final class Loop {
        final float[] mean;
        final float[] stats = new float[3];
        final double[] totals = new double[3];
        final double[] perStep;
        int completed;
        int stopped = StepsResult.RAN;
        double stoppedLoss;
        long compute;
        long exchanged;

        /** The step at which this task fails on purpose ({@link #FAIL_PROPERTY}), or -1. */
        final int failAt;

        Loop(int parameters, int n, int failAt) {
            this.failAt = failAt;
            mean = new float[parameters];
            perStep = new double[StepsResult.PER_STEP * n];
        }

        void run(ExecutorWorkspaces.Scratch s, UpdateRule rule, DataBlock block, int partition, GradientExchange exchange,
                 UpdateRanges ranges) {
            float[] theta = s.parameters;
            for (int i = 0; i < steps; i++) {
                if (i == failAt) {
                    throw new IllegalStateException("failing task " + partition + " at step " + i + " (" + FAIL_PROPERTY + ")");
                }
                long t0 = System.nanoTime();
                float[] gradient = GradientStep.gradient(s, plan, block, seed, epoch, partition, first + i, theta, dropout,
                        globalStep + i, stats, 0);
                long t1 = System.nanoTime();
                boolean finiteMean = exchange.mean(gradient, stats, mean, totals);
                long t2 = System.nanoTime();
                double meanLoss = totals[1] > 0 ? totals[0] / totals[1] : 0;
                if (!Double.isFinite(meanLoss) || !finiteMean) {
                    stopped = Double.isFinite(meanLoss) ? StepsResult.GRADIENT : StepsResult.LOSS;
                    stoppedLoss = meanLoss;
                    return;
                }
                update(rule, theta, mean, ranges.of(mean), partition);
                int at = StepsResult.PER_STEP * i;
                perStep[at] = totals[0];
                perStep[at + 1] = totals[1];
                perStep[at + 2] = totals[2];
                perStep[at + 3] = rule.lastRate();
                perStep[at + 4] = rule.lastGradientNorm();
                completed = i + 1;
                compute += t1 - t0 + System.nanoTime() - t2;
                exchanged += t2 - t1;
                if (!finite(theta)) {
                    stopped = StepsResult.PARAMETERS;
                    return;
                }
            }
        }
    }

    /**
     * theta = UpdateRule(theta, g). Only task 0 reports the step's gradient norm, so only it pays the norm's pass over
     * all P entries; the others compute it only where clipping needs it ({@code g / 1} is exact: the same update bits).
     */
    private static void update(UpdateRule rule, float[] theta, float[] mean, ParameterRanges ranges, int partition) {
        if (partition == 0) {
            rule.apply(theta, mean, ranges);
        } else {
            rule.applySum(theta, mean, 1f, ranges);
        }
    }

    private int failAt(BarrierTaskContext context) {
        String at = context.getLocalProperty(FAIL_PROPERTY);
        return at != null && context.partitionId() == 1 && attempt == 0 ? Integer.parseInt(at) : -1;
    }

    private static boolean finite(float[] values) {
        for (float v : values) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }
}
