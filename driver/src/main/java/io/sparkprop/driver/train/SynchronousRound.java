package io.sparkprop.driver.train;

import io.sparkprop.core.nn.Dropout;
import io.sparkprop.core.nn.NetworkSpec;
import io.sparkprop.driver.config.TrainingSettings;

/**
 * One synchronous iteration (K = 1): every partition computes its mini-batch's gradient sum at the
 * broadcast params ({@link GradientStep}); the driver's update rule applies the weighted mean
 * <pre>
 *   g = sum_p sum_r w_r grad_r / sum w_r   [P];   params <- UpdateRule(params, g)   (clip -> weight decay -> optimizer at lr(t))
 * </pre>
 * on the entries {@link UpdateRanges} gives (the touched first-layer columns, or all).
 */
final class SynchronousRound implements Round {
    private final GradientAggregator aggregator;
    private final NetworkSpec spec;
    private final IterationPlan plan;
    private final long seed;
    private final Dropout dropout;
    private final UpdateRanges ranges;

    SynchronousRound(GradientAggregator aggregator, TrainingConfig config, IterationPlan plan, UpdateRanges ranges) {
        this.aggregator = aggregator;
        this.spec = config.network();
        this.plan = plan;
        this.seed = config.get(TrainingSettings.SEED);
        this.dropout = config.dropout();
        this.ranges = ranges;
    }

    @Override
    public RoundSums run(TrainingState state, int n) {
        long epoch = state.epoch;
        int position = state.position;
        long step = state.steps();
        return aggregator.run(state.params, 1, b -> new GradientStep(spec, b, plan, seed, epoch, position, dropout, step));
    }

    @Override
    public Applied apply(TrainingState state, RoundSums sums, int n) {
        float[] g = sums.mean();
        state.rule.apply(state.params, g, ranges.of(g));
        return new Applied(state.rule.lastRate(), state.rule.lastGradientNorm());
    }

    @Override
    public String normName() {
        return "g";
    }

    @Override
    public String describe(boolean sparseInput) {
        return ", synchronous" + (sparseInput ? ", sparse input: first-layer updates "
                + (ranges.touched() ? "of the touched columns" : "dense") : "");
    }
}
