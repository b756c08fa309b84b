package io.sparkprop.core.nn;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sample moments of the drawn weights against the formulas, per layer (fan_in = n_{l-1},
 * fan_out = n_l). Layer 1 of [400, 300, 50] has N = 120,000 weights: the sample mean has standard
 * error sigma / sqrt(N) and the sample variance relative standard error about sqrt(2 / N) (0.4%;
 * layer 2, N = 15,000: 1.2%), so the tolerances below are more than 4 standard errors.
 */
class WeightInitTest {
    private static final ParameterLayout LAYOUT = new ParameterLayout(400, 300, 50);

    /** The variance each scheme should have for a layer. */
    private static double expectedVariance(WeightInit init, int fanIn, int fanOut) {
        switch (init) {
            case GLOROT_UNIFORM:
                return 6.0 / (fanIn + fanOut) / 3; // U(-s, s) has variance s^2 / 3
            case GLOROT_NORMAL:
                return 2.0 / (fanIn + fanOut);
            case HE_UNIFORM:
                return 6.0 / fanIn / 3;
            default:
                return 2.0 / fanIn;
        }
    }

    @ParameterizedTest
    @EnumSource(WeightInit.class)
    void sameSeedSameNumbersOtherSeedOtherNumbers(WeightInit init) {
        float[] a = init.initialize(LAYOUT, 123);
        assertArrayEquals(a, init.initialize(LAYOUT, 123));
        assertFalse(Arrays.equals(a, init.initialize(LAYOUT, 124)));
    }

    @ParameterizedTest
    @EnumSource(WeightInit.class)
    void biasesStartAtZero(WeightInit init) {
        float[] p = init.initialize(LAYOUT, 5);
        for (int l = 1; l <= LAYOUT.layers(); l++) {
            for (int i = 0; i < LAYOUT.width(l); i++) {
                assertEquals(0f, p[LAYOUT.biasOffset(l) + i], "b_" + l + "[" + i + "]");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(WeightInit.class)
    void weightMomentsMatchTheFormula(WeightInit init) {
        float[] p = init.initialize(LAYOUT, 99);
        for (int l = 1; l <= LAYOUT.layers(); l++) {
            int from = LAYOUT.weightOffset(l);
            int n = LAYOUT.biasOffset(l) - from;
            double sum = 0;
            double sumSq = 0;
            for (int i = from; i < from + n; i++) {
                sum += p[i];
                sumSq += (double) p[i] * p[i];
            }
            double mean = sum / n;
            double variance = sumSq / n - mean * mean;
            double expected = expectedVariance(init, LAYOUT.width(l - 1), LAYOUT.width(l));
            assertEquals(0, mean, 5 * Math.sqrt(expected / n), init + " layer " + l + " mean");
            assertEquals(expected, variance, 6 * Math.sqrt(2.0 / n) * expected, init + " layer " + l + " variance");
        }
    }

    @Test
    void glorotUniformStaysInsideItsBoundAndReachesIt() {
        float[] p = WeightInit.GLOROT_UNIFORM.initialize(LAYOUT, 7);
        double s = Math.sqrt(6.0 / (400 + 300));
        double max = 0;
        for (int i = LAYOUT.weightOffset(1); i < LAYOUT.biasOffset(1); i++) {
            max = Math.max(max, Math.abs(p[i]));
        }
        assertTrue(max <= s, "max |w| " + max + " > bound " + s);
        // with 120,000 draws the largest |w| is within s / 1000 of s with probability 1 - e^-120
        assertTrue(max > 0.999 * s, "max |w| " + max + " is well below bound " + s);
    }

    @Test
    void heNormalHasNormalTails() {
        // a normal puts 4.55% of its mass beyond 2 sigma (a uniform of the same variance puts none)
        float[] p = WeightInit.HE_NORMAL.initialize(LAYOUT, 8);
        double sigma = Math.sqrt(2.0 / 400);
        int n = LAYOUT.biasOffset(1);
        int beyond = 0;
        for (int i = 0; i < n; i++) {
            beyond += Math.abs(p[i]) > 2 * sigma ? 1 : 0;
        }
        assertEquals(0.0455, (double) beyond / n, 0.003);
    }

    @Test
    void defaultIsHeForReluFamiliesAndGlorotOtherwise() {
        assertEquals(WeightInit.HE_NORMAL,
                WeightInit.defaultFor(NetworkSpec.input(3).dense(4, "relu").dense(2, "softmax").loss("softmax_cross_entropy")));
        assertEquals(WeightInit.HE_NORMAL,
                WeightInit.defaultFor(NetworkSpec.input(3).dense(4, "leaky_relu").dense(2, "identity").loss("mse")));
        assertEquals(WeightInit.GLOROT_UNIFORM,
                WeightInit.defaultFor(NetworkSpec.input(3).dense(4, "tanh").dense(2, "identity").loss("mse")));
        assertEquals(WeightInit.HE_UNIFORM, WeightInit.of(" He_Uniform "));
    }

    @Test
    void modelInitNamesASchemeOrLeavesItToTheNetwork() {
        NetworkSpec leaky = NetworkSpec.input(3).dense(4, "leaky_relu(0.2)").dense(2, "identity").loss("mse");
        NetworkSpec tanh = NetworkSpec.input(3).dense(4, "tanh").dense(2, "identity").loss("mse");
        assertEquals(WeightInit.HE_NORMAL, WeightInit.named("auto", leaky));
        assertEquals(WeightInit.GLOROT_UNIFORM, WeightInit.named(" Default ", tanh));
        assertEquals(WeightInit.GLOROT_NORMAL, WeightInit.named("glorot_normal", leaky));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WeightInit.named("lecun_normal", tanh));
        assertEquals("unknown weight initialisation 'lecun_normal': expected glorot_uniform, glorot_normal, he_uniform or he_normal",
                e.getMessage());
    }
}
