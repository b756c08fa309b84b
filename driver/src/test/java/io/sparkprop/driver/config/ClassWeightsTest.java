package io.sparkprop.driver.config;

import io.sparkprop.driver.ml.SparkpropClassifier;
import io.sparkprop.driver.train.TrainingConfig;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** train.classWeights: what each form resolves to, and every rejected value named with the setting. */
class ClassWeightsTest {
    private static final long[] ROWS = {95, 5};

    @Test
    void balancedIsInverseClassFrequency() {
        // n / (k n_c): 100 / (2 * 95) and 100 / (2 * 5)
        assertArrayEquals(new double[] {100.0 / 190, 10.0}, ClassWeights.resolve("balanced", ROWS), 1e-12);
        assertArrayEquals(new double[] {1, 1, 1}, ClassWeights.resolve("none", new long[] {1, 2, 3}), 0);
    }

    @Test
    void explicitListsAndPairs() {
        assertArrayEquals(new double[] {1, 19}, ClassWeights.resolve("1, 19", ROWS), 0);
        assertArrayEquals(new double[] {1, 19, 1}, ClassWeights.resolve("1:19", new long[] {4, 5, 6}), 0);
        assertArrayEquals(new double[] {0.5, 1, 3}, ClassWeights.resolve("2:3,0:0.5", new long[] {4, 5, 6}), 0);
    }

    @Test
    void aListOfTheWrongLengthIsNamed() {
        String m = assertThrows(IllegalArgumentException.class, () -> ClassWeights.resolve("1,2,3", ROWS)).getMessage();
        assertEquals("train.classWeights = '1,2,3' has 3 weights, expected 2 (one per class 0..1)", m);
    }

    @Test
    void aClassAbsentFromTheDataIsNamed() {
        String m = assertThrows(IllegalArgumentException.class, () -> ClassWeights.resolve("5:2", ROWS)).getMessage();
        assertTrue(m.startsWith("train.classWeights = '5:2' names class 5, which is absent from the training data"), m);
        m = assertThrows(IllegalArgumentException.class, () -> ClassWeights.resolve("1:2", new long[] {3, 0, 4})).getMessage();
        assertTrue(m.contains("names class 1") && m.contains("class 1 has no rows"), m);
        m = assertThrows(IllegalArgumentException.class, () -> ClassWeights.resolve("balanced", new long[] {3, 0, 4})).getMessage();
        assertTrue(m.startsWith("train.classWeights = 'balanced': class 1 has no training rows"), m);
    }

    @Test
    void negativeAndMalformedValuesAreRejectedWhenSet() {
        for (String bad : new String[] {"1,-2", "-1:2", "0:-1", "1,NaN", "Infinity,1", "heavy", "0:1,0:2", "1,1:2", "1,,2"}) {
            assertFalse(ClassWeights.isValid(bad), bad);
            String m = assertThrows(ConfigurationException.class,
                    () -> TrainingConfig.builder().parse(TrainingSettings.CLASS_WEIGHTS, bad)).getMessage();
            assertTrue(m.startsWith("training configuration: train.classWeights = '" + bad + "' is invalid, expected none,"
                    + " balanced, one weight >= 0 per class"), m);
            String ml = assertThrows(IllegalArgumentException.class, () -> new SparkpropClassifier().setClassWeights(bad))
                    .getMessage();
            assertTrue(ml.contains("classWeights") && ml.contains(bad) && ml.contains(">= 0"), ml);
        }
        assertTrue(ClassWeights.isValid("Balanced") && ClassWeights.isValid("0,2.5") && ClassWeights.isValid("1:0"));
    }
}
