package io.sparkprop.core.data;

import io.sparkprop.core.matrix.CsrMatrix;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class StandardizerTest {
    @Test
    void fitsSampleMeanAndStdAcrossBlocksAndZeroesConstantFeatures() {
        // feature 0: 1, 2, 3, 6 -> mean 3, sample variance (4 + 1 + 0 + 9) / 3 = 14/3
        // feature 1: constant 5 -> std 0 -> standardised to 0
        DataBlock a = DataBlock.dense(2, 2, new float[] {1, 5, 2, 5}, 1, new float[] {0, 1});
        DataBlock b = DataBlock.dense(2, 2, new float[] {3, 5, 6, 5}, 1, new float[] {1, 0});
        double[] m = Standardizer.moments(a);
        Standardizer.addMoments(m, Standardizer.moments(b));
        Standardizer s = Standardizer.fromMoments(m, true);
        assertArrayEquals(new float[] {3f, 5f}, s.mean(), 1e-6f);
        assertEquals(Math.sqrt(14.0 / 3), s.std()[0], 1e-6);
        assertEquals(0f, s.std()[1]);
        DataBlock t = s.apply(b);
        assertEquals((6 - 3) / Math.sqrt(14.0 / 3), t.dense()[2], 1e-6);
        assertEquals(0f, t.dense()[3]);
        assertArrayEquals(new float[] {1, 0}, t.targets());
        assertEquals(3f, b.dense()[0], "the input block is not modified");
    }

    @Test
    void sharedScaleDividesEveryLiveFeatureByTheRootMeanVariance() {
        // feature 0: 1, 2, 3, 6 -> mean 3, sample variance 14/3
        // feature 1: constant 5 -> excluded from the scale, standardised to 0
        // feature 2: 0, 0, 0, 8 -> mean 2, sample variance (4 + 4 + 4 + 36) / 3 = 16
        // s = sqrt((14/3 + 16) / 2) = sqrt(31/3)
        DataBlock block = DataBlock.dense(4, 3, new float[] {1, 5, 0, 2, 5, 0, 3, 5, 0, 6, 5, 8}, 1, new float[] {0, 1, 0, 1});
        Standardizer s = Standardizer.fromMoments(Standardizer.moments(block), true, true);
        double scale = Math.sqrt(31.0 / 3);
        assertArrayEquals(new float[] {3f, 5f, 2f}, s.mean(), 1e-6f);
        assertArrayEquals(new float[] {(float) scale, 0f, (float) scale}, s.std(), 1e-6f);
        DataBlock t = s.apply(block);
        assertEquals((6 - 3) / scale, t.dense()[9], 1e-6);
        assertEquals(0f, t.dense()[10]);
        assertEquals((8 - 2) / scale, t.dense()[11], 1e-6);
        double meanVariance = (14.0 / 3 + 16) / 2 / (scale * scale);
        assertEquals(1.0, meanVariance, 1e-12, "the live features' mean variance is 1 after it");
    }

    @Test
    void sparseDataIsScaledNotCentred() {
        CsrMatrix x = new CsrMatrix(3, 2, new int[] {0, 1, 2, 3}, new int[] {0, 1, 0}, new float[] {2, 4, 4});
        DataBlock block = DataBlock.sparse(x, 1, new float[] {0, 1, 0});
        Standardizer s = Standardizer.fromMoments(Standardizer.moments(block), false);
        // feature 0 values over 3 rows: 2, 0, 4 -> mean 2, sample var (0 + 4 + 4) / 2 = 4, std 2
        assertArrayEquals(new float[] {0f, 0f}, s.mean());
        assertEquals(2f, s.std()[0], 1e-6f);
        DataBlock t = s.apply(block);
        assertArrayEquals(new float[] {1f, 4f / s.std()[1], 2f}, t.sparse().values(), 1e-6f);
    }

    @Test
    void targetsAreStandardisedPerOutputAndAConstantOneGetsStdOne() {
        // output 0: 100, 300, 500, 700 -> mean 400, sample variance (9 + 1 + 1 + 9) * 10^4 / 3
        // output 1: constant 7 -> std 0, stored as 1: z = y - 7, and the inverse z + 7
        DataBlock a = DataBlock.dense(2, 1, new float[] {0, 1}, 2, new float[] {100, 7, 300, 7});
        DataBlock b = DataBlock.dense(2, 1, new float[] {2, 3}, 2, new float[] {500, 7, 700, 7});
        double[] m = Standardizer.targetMoments(a);
        Standardizer.addMoments(m, Standardizer.targetMoments(b));
        Standardizer t = Standardizer.forTargets(m);
        double std0 = Math.sqrt(20e4 / 3);
        assertArrayEquals(new float[] {400f, 7f}, t.mean(), 1e-4f);
        assertEquals(std0, t.std()[0], 1e-3);
        assertEquals(1f, t.std()[1]);
        DataBlock z = t.applyToTargets(b);
        assertEquals((500 - 400) / std0, z.targets()[0], 1e-6);
        assertEquals(0f, z.targets()[1]);
        assertEquals((700 - 400) / std0, z.targets()[2], 1e-6);
        assertArrayEquals(b.dense(), z.dense(), "features are untouched");
        assertArrayEquals(new float[] {500, 7, 700, 7}, t.invertTargets(z).targets(), 1e-4f);
        assertEquals(400 + 1.5 * std0, t.invert(1.5f, 0), 1e-3);
        assertEquals(7 - 2.0, t.invert(-2f, 1), 1e-6);
    }

    @Test
    void standardisedTargetsKeepTheRowWeights() {
        // a weighted regression block: standardising its targets must not drop w (it once did, and the fit
        // then trained unweighted)
        DataBlock block = DataBlock.dense(2, 1, new float[] {0, 1}, 1, new float[] {100, 300}).withWeights(new float[] {2, 0.5f});
        Standardizer t = Standardizer.forTargets(Standardizer.targetMoments(block));
        assertArrayEquals(new float[] {2, 0.5f}, t.applyToTargets(block).weights());
    }

    @Test
    void aConstantTargetWhoseVarianceCancelsToRoundingStillGetsStdOne() {
        // 0.1f three times: sum y^2 - n mean^2 is a rounding residue, not 0
        DataBlock block = DataBlock.dense(3, 1, new float[] {0, 1, 2}, 1, new float[] {0.1f, 0.1f, 0.1f});
        Standardizer t = Standardizer.forTargets(Standardizer.targetMoments(block));
        assertEquals(1f, t.std()[0]);
        assertEquals(0f, t.applyToTargets(block).targets()[1]);
    }

    @Test
    void rejectsTooFewRowsAndBadStatistics() {
        assertThrows(IllegalArgumentException.class, () -> Standardizer.fromMoments(new double[] {1, 1, 1}, true));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Standardizer(new float[] {0}, new float[] {-1}));
        assertEquals("feature 0: standardisation mean 0.0, std -1.0 (expected finite numbers, std >= 0)", e.getMessage());
    }
}
