package io.sparkprop.driver.train;

import io.sparkprop.core.nn.ParameterLayout;
import io.sparkprop.core.optim.ParameterRanges;

/**
 * The entries a driver-side update visits (train.sparseUpdate on the driver): with {@code touched}, W1's
 * columns in which the round's mean gradient (or change) is nonzero and every entry after W1 (one pass
 * over W1 to find them); else all P. One {@link ParameterRanges}, reused round after round.
 */
final class UpdateRanges {
    private final boolean touched;
    private final ParameterLayout layout;
    private final ParameterRanges ranges;

    UpdateRanges(boolean touched, ParameterLayout layout) {
        this.touched = touched;
        this.layout = layout;
        this.ranges = ParameterRanges.all(layout.size());
    }

    /** The ranges to update for a round whose mean payload starts with {@code mean} [P]. */
    ParameterRanges of(float[] mean) {
        if (touched) {
            ranges.setNonzeroColumns(mean, layout.inputWidth(), layout.width(1), layout.size());
        } else {
            ranges.setAll(layout.size());
        }
        return ranges;
    }

    boolean touched() {
        return touched;
    }
}
