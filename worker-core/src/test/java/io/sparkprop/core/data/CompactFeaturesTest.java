package io.sparkprop.core.data;

import io.sparkprop.core.nn.Batch;
import io.sparkprop.core.nn.NetworkSpec;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Compact blocks decode, through {@link DataBlock#gather}, to what the float32 block holds (exactly, or within the format's error). */
class CompactFeaturesTest {
    private static final int ROWS = 300;
    private static final int COLS = 6;

    /** Column 0 pixels / 255, 1 raw pixels 0..255, 2 constant 0.3, 3 whole numbers -40..100, 4 Gaussian, 5 pixels / 255 below 0.5 only. */
    private static float[] mixed() {
        SplittableRandom random = new SplittableRandom(5);
        float[] x = new float[ROWS * COLS];
        for (int r = 0; r < ROWS; r++) {
            x[r * COLS] = random.nextInt(256) / 255f;
            x[r * COLS + 1] = random.nextInt(256);
            x[r * COLS + 2] = 0.3f;
            x[r * COLS + 3] = random.nextInt(141) - 40;
            x[r * COLS + 4] = (float) random.nextGaussian();
            x[r * COLS + 5] = random.nextInt(120) / 255f;
        }
        return x;
    }

    private static float[] targets() {
        float[] y = new float[ROWS];
        for (int r = 0; r < ROWS; r++) {
            y[r] = r % 3;
        }
        return y;
    }

    private static CompactFeatures.Uint8Columns fit(DataBlock raw) {
        return CompactFeatures.fitUint8(CompactFeatures.columnStats(raw));
    }

    /** Every row of {@code block} as the batch receives it, [ROWS x COLS]. */
    private static float[] gathered(DataBlock block) {
        NetworkSpec spec = NetworkSpec.input(COLS).dense(3, "softmax").loss("softmax_cross_entropy");
        Batch batch = new Batch(ROWS, spec.inputWidth(), spec.targetWidth());
        int[] order = new int[ROWS];
        block.gatherRange(0, ROWS, order, batch);
        return java.util.Arrays.copyOf(batch.dense(), ROWS * COLS);
    }

    @Test
    void uint8DecodesEveryExactColumnToItsOwnBitsAndStandardisesLikeFloat32() {
        float[] x = mixed();
        DataBlock raw = DataBlock.dense(ROWS, COLS, x, 1, targets());
        CompactFeatures.Uint8Columns columns = fit(raw);
        assertEquals(5, columns.exactColumns(), "all but the Gaussian column");
        DataBlock plain = DataBlock.compact(CompactFeatures.encode(x, ROWS, COLS, CacheFormat.UINT8, columns, null), 1, targets());
        float[] decoded = gathered(plain);
        for (int r = 0; r < ROWS; r++) {
            for (int j = 0; j < COLS; j++) {
                float expected = x[r * COLS + j];
                float actual = decoded[r * COLS + j];
                if (j == 4) {
                    // the general affine code: within half a step of (max - min) / 255
                    assertTrue(Math.abs(actual - expected) <= 0.5 * 8.0 / 255 + 1e-6, "row " + r);
                } else {
                    assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(actual), "row " + r + " column " + j);
                }
            }
        }
        Standardizer standardizer = Standardizer.fromMoments(Standardizer.moments(raw), true);
        DataBlock standardised = DataBlock.compact(CompactFeatures.encode(x, ROWS, COLS, CacheFormat.UINT8, columns, standardizer),
                1, targets());
        float[] viaFloat32 = gathered(standardizer.apply(raw));
        float[] viaUint8 = gathered(standardised);
        for (int r = 0; r < ROWS; r++) {
            for (int j = 0; j < COLS; j++) {
                if (j != 4) {
                    assertEquals(Float.floatToRawIntBits(viaFloat32[r * COLS + j]), Float.floatToRawIntBits(viaUint8[r * COLS + j]),
                            "standardised row " + r + " column " + j);
                }
            }
        }
    }

    @Test
    void everyPixelOver255DecodesExactly() {
        float[] x = new float[256];
        for (int k = 0; k < 256; k++) {
            x[k] = k / 255f;
        }
        DataBlock raw = DataBlock.dense(256, 1, x, 1, new float[256]);
        CompactFeatures.Uint8Columns columns = fit(raw);
        assertEquals(1, columns.exactColumns());
        CompactFeatures c = CompactFeatures.encode(x, 256, 1, CacheFormat.UINT8, columns, null);
        float[] out = new float[1];
        for (int k = 0; k < 256; k++) {
            c.decodeRow(k, out, 0);
            assertEquals(Float.floatToRawIntBits(x[k]), Float.floatToRawIntBits(out[0]), "pixel " + k);
        }
    }

    @Test
    void sixteenBitFormatsHoldTheStandardisedValuesRoundedToNearest() {
        float[] x = mixed();
        DataBlock raw = DataBlock.dense(ROWS, COLS, x, 1, targets());
        Standardizer standardizer = Standardizer.fromMoments(Standardizer.moments(raw), true);
        float[] standardised = gathered(standardizer.apply(raw));
        for (CacheFormat format : new CacheFormat[] {CacheFormat.BFLOAT16, CacheFormat.FLOAT16}) {
            float[] decoded = gathered(DataBlock.compact(CompactFeatures.encode(x, ROWS, COLS, format, null, standardizer), 1, targets()));
            float[] expected = new float[standardised.length];
            for (int i = 0; i < expected.length; i++) {
                expected[i] = format == CacheFormat.BFLOAT16 ? HalfFloats.fromBfloat16(HalfFloats.toBfloat16(standardised[i]))
                        : HalfFloats.fromFloat16(HalfFloats.toFloat16(standardised[i]));
            }
            assertArrayEquals(expected, decoded, format.toString());
        }
    }

    @Test
    void compactBlocksReportTheirCompactSize() {
        float[] x = mixed();
        DataBlock raw = DataBlock.dense(ROWS, COLS, x, 1, targets());
        long targetsBytes = 4L * ROWS;
        assertEquals(4L * ROWS * COLS + targetsBytes, raw.sizeInBytes());
        DataBlock half = DataBlock.compact(CompactFeatures.encode(x, ROWS, COLS, CacheFormat.FLOAT16, null, null), 1, targets());
        assertEquals(2L * ROWS * COLS + targetsBytes, half.sizeInBytes());
        assertEquals(raw.sizeInBytes(), half.float32SizeInBytes());
        DataBlock uint8 = DataBlock.compact(CompactFeatures.encode(x, ROWS, COLS, CacheFormat.UINT8, fit(raw), null), 1, targets());
        assertEquals((long) ROWS * COLS + 16L * COLS + targetsBytes, uint8.sizeInBytes());
        assertEquals(CacheFormat.UINT8, uint8.cacheFormat());
    }

    @Test
    void float16RefusesAValueBeyondItsRange() {
        float[] x = {1f, 70000f};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CompactFeatures.encode(x, 2, 1, CacheFormat.FLOAT16, null, null));
        assertTrue(e.getMessage().contains("65504"), e.getMessage());
    }
}
