package io.sparkprop.driver.train;

import io.sparkprop.core.nn.ParameterLayout;
import io.sparkprop.core.optim.GradientClipping;
import io.sparkprop.core.optim.Momentum;
import io.sparkprop.core.optim.Optimizer;
import io.sparkprop.core.optim.ParameterRanges;

import java.util.Locale;

import static io.sparkprop.driver.config.TrainingSettings.LOCAL_OPTIMIZER_STATE;
import static io.sparkprop.driver.config.TrainingSettings.OUTER_LEARNING_RATE;
import static io.sparkprop.driver.config.TrainingSettings.OUTER_MOMENTUM;

/**
 * A round of up to K local steps ({@link LocalSteps} on every partition). The broadcast is
 * {@code [theta | state_1 | ... | state_S]} (S = 0 with reset optimizer state); the mean payload is
 * {@code [delta | state_1 | ... | state_S]}, delta = the weighted mean of {@code theta - theta_p} [P].
 * The driver's outer step, Nesterov momentum mu on delta at rate eta:
 * <pre>
 *   v <- mu v + delta;   theta <- theta - eta (delta + mu v)        (mu = 0: theta - eta delta, plain averaging)
 * </pre>
 * on the entries {@link UpdateRanges} gives, and the inner rule continues at t + n with the averaged
 * state (or zeros). The buffers it broadcasts and copies into are allocated once.
 */
final class LocalStepsRound implements Round {
    private final GradientAggregator aggregator;
    private final TrainingConfig config;
    private final IterationPlan plan;
    private final String runId;
    private final int stateArrays;
    private final long totalIterations;
    private final int k;
    private final float outerRate;
    private final UpdateRanges ranges;
    /** The parameter change of the last round [P]. */
    private final float[] delta;
    /** What a round broadcasts with averaged state, [(1 + S) P]; null when S = 0 (the parameters themselves). */
    private final float[] value;

    /**
     * @param stateArrays     S, the inner optimizer's state arrays that travel (0: reset every round)
     * @param totalIterations the run's planned iterations (the cosine schedule's default length)
     * @param k               K, the local steps of a full round
     */
    LocalStepsRound(GradientAggregator aggregator, TrainingConfig config, IterationPlan plan, String runId, int stateArrays,
                    long totalIterations, int k, UpdateRanges ranges) {
        ParameterLayout layout = config.network().layout();
        this.aggregator = aggregator;
        this.config = config;
        this.plan = plan;
        this.runId = runId;
        this.stateArrays = stateArrays;
        this.totalIterations = totalIterations;
        this.k = k;
        this.outerRate = config.get(OUTER_LEARNING_RATE).floatValue();
        this.ranges = ranges;
        this.delta = new float[layout.size()];
        this.value = stateArrays == 0 ? null : new float[layout.size() * (1 + stateArrays)];
    }

    @Override
    public RoundSums run(TrainingState state, int n) {
        float[] v = state.params;
        if (stateArrays > 0) {
            System.arraycopy(state.params, 0, value, 0, delta.length);
            state.rule.optimizer().storeState(value, delta.length, 1f);
            v = value;
        }
        return runFrom(v, state.epoch, state.position, n, state.steps());
    }

    /** n local steps from {@code value} ([theta | state]) at the epoch's iteration {@code first}, global step {@code step}. */
    private RoundSums runFrom(float[] value, long epoch, int first, int n, long step) {
        return aggregator.run(value, 1 + stateArrays, b ->
                new LocalSteps(config.network(), b, plan, config, runId, epoch, first, n, step, stateArrays, totalIterations));
    }

    /** The seconds of a round of n local steps from {@code value} at the run's start, its result discarded (timed K). */
    double time(float[] value, int n) {
        long t = System.nanoTime();
        runFrom(value, 0, 0, n, 0);
        return (System.nanoTime() - t) * 1e-9;
    }

    @Override
    public Applied apply(TrainingState state, RoundSums sums, int n) {
        long before = state.steps();
        float[] mean = sums.mean();
        System.arraycopy(mean, 0, delta, 0, delta.length);
        ParameterRanges changed = ranges.of(delta);
        double norm = GradientClipping.globalNorm(delta, changed);
        state.outer.step(state.params, delta, outerRate, before / k + 1, changed);
        if (stateArrays > 0) {
            state.rule.restore(before + n, mean, delta.length);
        } else {
            state.rule.resetTo(before + n);
        }
        return new Applied(state.rule.schedule().rate(before), norm);
    }

    @Override
    public String normName() {
        return "delta";
    }

    @Override
    public String describe(boolean sparseInput) {
        return String.format(Locale.ROOT, ", %d local steps per round (outer step %s, momentum %s, optimizer state %s)", k,
                config.get(OUTER_LEARNING_RATE), config.get(OUTER_MOMENTUM), config.get(LOCAL_OPTIMIZER_STATE))
                + (sparseInput ? ", sparse input: first-layer updates " + (config.touchedSteps() ? "of the touched columns" : "dense")
                + (ranges.touched() ? ", outer step touched" : ", outer step dense") : "");
    }

    /** The outer optimizer of local steps: Nesterov momentum train.outerMomentum over P parameters. */
    static Optimizer outerOptimizer(TrainingConfig config, int parameters) {
        Optimizer outer = new Momentum(config.get(OUTER_MOMENTUM), true);
        outer.initialize(parameters);
        return outer;
    }
}
