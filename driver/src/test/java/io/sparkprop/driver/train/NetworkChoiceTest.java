package io.sparkprop.driver.train;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.sparkprop.driver.config.TrainingSettings.CHECKPOINT_DIR;
import static io.sparkprop.driver.config.TrainingSettings.EPOCHS;
import static io.sparkprop.driver.config.TrainingSettings.HIDDEN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The small regression's network against hand-computed one-standard-error choices (margin = lowest sqrt(2 / rows)),
 * and the runs it leaves alone.
 */
class NetworkChoiceTest {
    private static final TrainingConfig DEFAULTS = TrainingConfig.builder().build();

    @Test
    void theSmallNetworkIsKeptWithinOneStandardErrorOfTheLowestLoss() {
        // diabetes split 2 (BENCHMARKS.md): 64 0.2464, 256,128 0.2269 on 56 validation rows;
        // margin 0.2269 sqrt(2 / 56) = 0.04288, and 0.2464 <= 0.2269 + 0.04288
        NetworkChoice near = NetworkChoice.of(NetworkChoice.CANDIDATES, new double[] {0.2464, 0.2269}, 56);
        assertEquals(0.2269 * Math.sqrt(2.0 / 56), near.margin(), 1e-15);
        assertArrayEquals(new int[] {64}, near.chosenHidden());
        assertTrue(near.line().startsWith("model.hidden for a small regression: 64, of 64 0.2464, 256,128 0.2269"), near.line());
        assertEquals(Map.of("64", 0.2464, "256,128", 0.2269), near.toMap().get("validationLoss"));
        assertEquals("64", near.toMap().get("chosen"));
    }

    @Test
    void theDefaultNetworkIsKeptWhereItIsClearlyBetter() {
        // Friedman #1 split 0: 64 0.1196, 256,128 0.0775 on 80 rows: margin 0.0775 sqrt(2 / 80) = 0.01225
        NetworkChoice far = NetworkChoice.of(NetworkChoice.CANDIDATES, new double[] {0.1196, 0.0775}, 80);
        assertArrayEquals(new int[] {256, 128}, far.chosenHidden());
        // and just past one standard error: 0.1 + 0.1 sqrt(2 / 200) = 0.11
        assertArrayEquals(new int[] {256, 128}, NetworkChoice.of(NetworkChoice.CANDIDATES, new double[] {0.1101, 0.1}, 200).chosenHidden());
        assertArrayEquals(new int[] {64}, NetworkChoice.of(NetworkChoice.CANDIDATES, new double[] {0.1099, 0.1}, 200).chosenHidden());
        assertArrayEquals(new int[] {256, 128}, NetworkChoice.of(NetworkChoice.CANDIDATES, new double[] {Double.NaN, 0.1}, 200).chosenHidden());
    }

    @Test
    void onlyAFreshSmallRegressionWithAutoEpochsAndTheDefaultNetworkChooses() {
        assertEquals(NetworkChoice.CANDIDATES, NetworkChoice.candidates(DEFAULTS, 300, true, true, true));
        assertEquals(NetworkChoice.CANDIDATES, NetworkChoice.candidates(DEFAULTS, 7999, true, true, true));
        // MNIST-10k (classification, 8,064 rows) and every other run: the configured network only
        assertOne(new int[] {256, 128}, NetworkChoice.candidates(DEFAULTS, 300, true, false, true));
        assertOne(new int[] {256, 128}, NetworkChoice.candidates(DEFAULTS, 8000, true, true, true));
        assertOne(new int[] {256, 128}, NetworkChoice.candidates(DEFAULTS, 300, false, true, true));
        assertOne(new int[] {256, 128}, NetworkChoice.candidates(DEFAULTS, 300, true, true, false));
        assertOne(new int[] {256, 128}, NetworkChoice.candidates(DEFAULTS.toBuilder().set(EPOCHS, 10).build(), 300, true, true, true));
        assertOne(new int[] {256, 128}, NetworkChoice.candidates(DEFAULTS.toBuilder().set(CHECKPOINT_DIR, "file:/tmp/c").build(),
                300, true, true, true));
        assertOne(new int[] {32}, NetworkChoice.candidates(DEFAULTS.toBuilder().set(HIDDEN, new int[] {32}).build(), 300, true, true, true));
    }

    private static void assertOne(int[] expected, List<int[]> candidates) {
        assertEquals(1, candidates.size());
        assertArrayEquals(expected, candidates.get(0));
    }
}
