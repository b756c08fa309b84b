package io.sparkprop.driver.train;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * train.epochs = 0 (auto) against hand-computed values: min(500, max(10, ceil(80000 / rows))) with validation data,
 * and for a regression there train.weightDecay 30 / rows.
 */
class EpochsChoiceTest {
    @Test
    void setEpochsAndPatienceAreKept() {
        assertEquals(new EpochsChoice(7, 0, null), EpochsChoice.of(7, 0, 160, true));
        assertEquals(new EpochsChoice(7, 2, null), EpochsChoice.of(7, 2, 160, true));
    }

    @Test
    void dataOfEightThousandRowsOrMoreKeepsTenEpochsAndNoEarlyStopping() {
        // MNIST-10k's default run: 8,064 training rows, 80000 / 8064 = 9.9
        assertEquals(new EpochsChoice(10, 0, null), EpochsChoice.of(0, 0, 8064, true));
        assertEquals(new EpochsChoice(10, 0, null), EpochsChoice.of(0, 0, 8000, true));
        assertEquals(new EpochsChoice(10, 4, null), EpochsChoice.of(0, 4, 60_000, true));
    }

    @Test
    void smallDataTrainsLongerAndStopsOnTheValidationLoss() {
        EpochsChoice small = EpochsChoice.of(0, 0, 160, true);
        assertEquals(500, small.epochs());
        assertEquals(10, small.patience());
        assertTrue(small.auto().contains("500 epochs for 160 training rows") && small.auto().contains("stopping after 10"),
                small.auto());
        // 80000 / 7999 = 10.001: one more epoch, and early stopping
        assertEquals(11, EpochsChoice.of(0, 0, 7999, true).epochs());
        assertEquals(10, EpochsChoice.of(0, 0, 7999, true).patience());
        assertEquals(267, EpochsChoice.of(0, 0, 300, true).epochs());
        assertEquals(500, EpochsChoice.of(0, 0, 1, true).epochs());
        assertEquals(3, EpochsChoice.of(0, 3, 160, true).patience());
    }

    @Test
    void withoutValidationDataTheRunKeepsTenEpochs() {
        assertEquals(new EpochsChoice(10, 0, null), EpochsChoice.of(0, 0, 160, false));
        assertNull(EpochsChoice.of(4, 0, 160, true).auto());
    }

    @Test
    void smallRegressionDataGetsAWeightDecayOfThirtyRowsOverTheRows() {
        assertEquals(0.1, EpochsChoice.weightDecay(0, 0, 300, true, true).weightDecay(), 1e-15);
        assertEquals(0.2, EpochsChoice.weightDecay(0, 0, 150, true, true).weightDecay(), 1e-15);
        // 30 / 7999 = 0.00375047..., the last row count with more than 10 epochs
        assertEquals(0.0037504688, EpochsChoice.weightDecay(0, 0, 7999, true, true).weightDecay(), 1e-10);
        EpochsChoice.Decay small = EpochsChoice.weightDecay(0, 0, 342, true, true);
        assertTrue(small.auto().contains("train.weightDecay auto: 0.08772 for 342 training rows"), small.auto());
    }

    @Test
    void weightDecayStaysAsSetOutsideSmallRegressionsWithValidationAndAutoEpochs() {
        assertEquals(new EpochsChoice.Decay(0, null), EpochsChoice.weightDecay(0, 0, 8000, true, true));
        assertEquals(new EpochsChoice.Decay(0, null), EpochsChoice.weightDecay(0, 0, 8064, true, false));
        assertEquals(new EpochsChoice.Decay(0, null), EpochsChoice.weightDecay(0, 0, 300, false, true));
        assertEquals(new EpochsChoice.Decay(0, null), EpochsChoice.weightDecay(0, 0, 300, true, false));
        assertEquals(new EpochsChoice.Decay(0, null), EpochsChoice.weightDecay(10, 0, 300, true, true));
        assertEquals(new EpochsChoice.Decay(0.01, null), EpochsChoice.weightDecay(0, 0.01, 300, true, true));
    }
}
