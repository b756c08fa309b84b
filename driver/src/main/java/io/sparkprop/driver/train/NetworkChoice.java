package io.sparkprop.driver.train;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static io.sparkprop.driver.config.TrainingSettings.EPOCHS;
import static io.sparkprop.driver.config.TrainingSettings.HIDDEN;

/**
 * The hidden layers of a small regression: where auto's small-data regime holds
 * ({@link EpochsChoice#smallRegression}), the fit is fresh (no warm start, no checkpoints) and model.hidden
 * is at its default, the fit trains each of {@link #CANDIDATES} on the same blocks with the same settings
 * (auto's epochs, early stopping, the best epoch, the decay) and keeps the smallest whose best validation
 * loss is within one standard error of the lowest (the one-standard-error rule of Breiman et al. 1984,
 * Hastie et al., "The Elements of Statistical Learning", 7.10). The standard error of a mean of n
 * validation losses l = e^2 / 2 of Gaussian residuals e ~ N(0, s^2) is sqrt(Var(l) / n) = l sqrt(2 / n):
 * 0.05 for l = 0.25 on 54 rows, so the small network wins where the validation rows cannot tell them
 * apart. A near-linear table (scikit-learn's diabetes) is fitted best by one layer of 64, a table with
 * interactions (Friedman #1) by the default network, and nothing in the rows and the width tells the two
 * apart; their validation rows do. Chosen by the small-table sweep in BENCHMARKS.md ("Small tables, third round").
 *
 * @param hidden the candidates' model.hidden, smallest first
 * @param losses each candidate's best validation loss (standardised units), in the same order
 * @param margin one standard error of the lowest loss: how much higher a smaller network's may be
 * @param chosen the index of the one kept
 */
record NetworkChoice(List<int[]> hidden, double[] losses, double margin, int chosen) {
    /** One hidden layer of 64 and the default network, smallest first. */
    static final List<int[]> CANDIDATES = List.of(new int[] {64}, HIDDEN.defaultValue());

    /** The candidates' model.hidden for a fit of {@code config} on {@code rows} training rows; one (the configured) outside the regime. */
    static List<int[]> candidates(TrainingConfig config, long rows, boolean validation, boolean regression, boolean fresh) {
        int[] hidden = config.get(HIDDEN);
        boolean choose = fresh && config.checkpointDir() == null && Arrays.equals(hidden, HIDDEN.defaultValue())
                && EpochsChoice.smallRegression(config.get(EPOCHS), rows, validation, regression);
        return choose ? CANDIDATES : List.of(hidden);
    }

    /**
     * The choice among candidates (smallest first) of these best validation losses on {@code validationRows}
     * rows: the first within one standard error, lowest * sqrt(2 / rows), of the lowest (the last, the default
     * network, where a loss is not a number).
     */
    static NetworkChoice of(List<int[]> hidden, double[] losses, long validationRows) {
        double lowest = Arrays.stream(losses).min().orElseThrow();
        double margin = lowest * Math.sqrt(2.0 / validationRows);
        int chosen = 0;
        while (chosen < losses.length - 1 && !(losses[chosen] <= lowest + margin)) {
            chosen++;
        }
        return new NetworkChoice(List.copyOf(hidden), losses.clone(), margin, chosen);
    }

    /** The chosen candidate's model.hidden. */
    int[] chosenHidden() {
        return hidden.get(chosen).clone();
    }

    /** The line that says what was chosen and why. */
    String line() {
        return HIDDEN.key() + " for a small regression: " + name(chosen) + ", of " + describe()
                + String.format(Locale.ROOT, " (the smallest within one standard error, %.4f, of the lowest best validation loss;", margin)
                + " train.epochs auto on fewer than 8000 rows with validation data)";
    }

    /** What model.json records: the candidates' best validation losses and the one kept. */
    Map<String, Object> toMap() {
        Map<String, Object> losses = new LinkedHashMap<>();
        for (int i = 0; i < hidden.size(); i++) {
            losses.put(name(i), this.losses[i]);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("chosen", name(chosen));
        m.put("validationLoss", losses);
        m.put("standardError", margin);
        return m;
    }

    private String describe() {
        return IntStream.range(0, hidden.size())
                .mapToObj(i -> String.format(Locale.ROOT, "%s %.4f", name(i), losses[i])).collect(Collectors.joining(", "));
    }

    private String name(int i) {
        return HIDDEN.format(hidden.get(i));
    }
}
