package io.sparkprop.driver.train;

import static io.sparkprop.driver.config.TrainingSettings.EPOCHS;
import static io.sparkprop.driver.config.TrainingSettings.PATIENCE;
import static io.sparkprop.driver.config.TrainingSettings.WEIGHT_DECAY;

import java.util.Locale;
import java.util.function.Consumer;

/**
 * The epochs a run plans and its early-stopping patience: train.epochs and train.patience as set, or
 * for train.epochs = 0 (auto) {@link #MIN_EPOCHS}, except on small data with validation data: there
 * enough epochs to show the network {@link #MIN_EXAMPLES} training examples, E = min(500, max(10,
 * ceil(80,000 / training rows))), by the rows alone (the same on any number of workers), and, where
 * train.patience is 0, early stopping after {@link #AUTO_PATIENCE} epochs without a better validation
 * loss, keeping the best epoch's parameters: the epochs are then a ceiling and the validation loss
 * decides. Data of 8,000 training rows or more (MNIST-10k's) gets the 10 epochs it always had, with
 * the same bits; so does data without validation rows, where nothing would stop the longer run from
 * overfitting. A table of a few hundred rows has 2 or 3 iterations an epoch at the default batch, so
 * 10 epochs were some 30 Adam steps, far from fitted. A small regression there also gets a weight decay
 * ({@link #weightDecay}) and chooses its network ({@link NetworkChoice}). Chosen by the small-table sweep in BENCHMARKS.md ("Small tables").
 *
 * @param epochs   the epochs planned (the cosine schedule's length)
 * @param patience epochs without a better validation loss before stopping; 0 never (nor keeps the best)
 * @param auto     why train.epochs = 0 chose more than 10 epochs (for the log), else null
 */
record EpochsChoice(int epochs, int patience, String auto) {
    /** Training examples auto shows the network at least on small data: 10 epochs of MNIST-10k's 8,000 training rows. */
    static final long MIN_EXAMPLES = 80_000;
    static final int MIN_EPOCHS = 10;
    static final int MAX_EPOCHS = 500;
    static final int AUTO_PATIENCE = 10;
    /** The rows' worth of L2 prior auto puts on a small regression's weights: lambda = 30 / training rows. */
    static final double DECAY_ROWS = 30;

    /**
     * @param epochs     train.epochs (0: auto)
     * @param patience   train.patience
     * @param rows       training rows (>= 1)
     * @param validation whether the run has validation data
     */
    static EpochsChoice of(int epochs, int patience, long rows, boolean validation) {
        if (epochs > 0) {
            return new EpochsChoice(epochs, patience, null);
        }
        int chosen = autoEpochs(rows);
        if (chosen == MIN_EPOCHS || !validation) {
            return new EpochsChoice(MIN_EPOCHS, patience, null);
        }
        int stopAfter = patience > 0 ? patience : AUTO_PATIENCE;
        return new EpochsChoice(chosen, stopAfter, EPOCHS.key() + " auto: " + chosen + " epochs for " + rows + " training rows"
                + " (min(" + MAX_EPOCHS + ", max(" + MIN_EPOCHS + ", ceil(" + MIN_EXAMPLES + " / rows)))), stopping after " + stopAfter
                + " epochs without a better validation loss (" + PATIENCE.key() + ") and keeping the best epoch");
    }

    /** Auto's epochs for {@code rows} training rows: min(500, max(10, ceil(80,000 / rows))); more than 10 below 8,000 rows. */
    private static int autoEpochs(long rows) {
        return (int) Math.min(MAX_EPOCHS, Math.max(MIN_EPOCHS, (MIN_EXAMPLES + rows - 1) / rows));
    }

    /**
     * The L2 weight decay of a run: train.weightDecay as set, or, where train.epochs = 0 (auto) chose the
     * small-data regime above for a regression and train.weightDecay is 0, lambda = {@link #DECAY_ROWS} /
     * training rows. The mean loss plus lambda |W|^2 is then the sum of the rows' losses plus 30 |W|^2 over
     * the rows: a prior of 30 rows' weight, which matters on a few hundred rows (lambda 0.1 at 300) and
     * fades as they grow (0.004 at 8,000, where the regime ends). Left out for classification, which the
     * small-table sweep did not measure.
     *
     * @return the weight decay and, where auto chose it, the line that says so (else null)
     */
    static Decay weightDecay(int epochs, double weightDecay, long rows, boolean validation, boolean regression) {
        if (weightDecay > 0 || !smallRegression(epochs, rows, validation, regression)) {
            return new Decay(weightDecay, null);
        }
        double chosen = DECAY_ROWS / rows;
        return new Decay(chosen, String.format(Locale.ROOT, "%s auto: %.4g for %d training rows of a regression (%s = 0 on"
                + " fewer than 8000 rows with validation data: %.0f / rows)", WEIGHT_DECAY.key(), chosen, rows, EPOCHS.key(), DECAY_ROWS));
    }

    /**
     * Whether a run is a small regression in auto's regime: train.epochs = 0, validation data, fewer than
     * 8,000 training rows (more than 10 auto epochs) and a regression; where the decay above and the
     * network choice ({@link NetworkChoice}) apply.
     */
    static boolean smallRegression(int epochs, long rows, boolean validation, boolean regression) {
        return epochs == 0 && regression && validation && autoEpochs(rows) > MIN_EPOCHS;
    }

    /** {@code config} with train.weightDecay as {@link #weightDecay} chooses it; where auto chose it, its line to {@code progress}. */
    static TrainingConfig withAutoDecay(TrainingConfig config, long rows, boolean validation, boolean regression,
                                        Consumer<String> progress) {
        Decay decay = weightDecay(config.get(EPOCHS), config.get(WEIGHT_DECAY), rows, validation, regression);
        if (decay.auto() == null) {
            return config;
        }
        progress.accept(decay.auto());
        return config.toBuilder().set(WEIGHT_DECAY, decay.weightDecay()).build();
    }

    /** A run's weight decay and why auto chose it (null where it was set). */
    record Decay(double weightDecay, String auto) {
    }
}
