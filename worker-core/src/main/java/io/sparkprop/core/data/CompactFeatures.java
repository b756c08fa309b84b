package io.sparkprop.core.data;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Dense features [rows x cols] held in a compact {@link CacheFormat} and decoded a row at a time into
 * a float32 buffer ({@link #decodeRow}: no allocation).
 * <p>
 * bfloat16 and float16 hold the values the network sees (standardised first when standardisation is
 * on), so their rounding error is relative to standardised values: at most 2^-9 (bfloat16) or 2^-11
 * (float16) of each. A value beyond float16's range (|x| &gt; 65504 after standardisation) is an error,
 * not an infinity.
 * <p>
 * uint8 holds the raw values (before standardisation), one code q in [0, 255] per value, decoded as
 * {@code x = (float) (offset_j + q step_j)} in double arithmetic, and then standardised by the fit's
 * {@link Standardizer} itself ({@code x' = (x - mean_j) / std_j}, 0 where std_j = 0): where x comes
 * back exactly, x' has the very bits the float32 cache would hold. Per column j,
 * fitted on the training rows ({@link #columnStats}, {@link #fitUint8}):
 * <pre>
 *   constant column (min = max)                         offset = min, step = 1      exact
 *   whole numbers spanning at most 255 (raw pixels)     offset = min, step = 1      exact
 *   k / 255 for whole k in [0, 255] (pixels / 255)      offset = 0,   step = 1/255  exact
 *   anything else                                       offset = min, step = (max - min) / 255,
 *                                                       error at most step / 2
 * </pre>
 * A value outside the training range (validation rows) is clamped to the nearest code.
 */
public final class CompactFeatures implements Serializable {
    private static final long serialVersionUID = 1L;
    /** The step of pixels / 255; the pixel-grid test decodes with this very constant, so decoding is exact there. */
    private static final double PIXEL_STEP = 1 / 255.0;

    private final CacheFormat format;
    private final int rows;
    private final int cols;
    /** bfloat16 or float16 bits [rows x cols]; null for uint8. */
    private final short[] halves;
    /** uint8 codes [rows x cols]; null for the 16-bit formats. */
    private final byte[] codes;
    private final Uint8Columns columns;
    /** uint8: the standardisation applied after decoding (null for none). */
    private final Standardizer standardizer;

    private CompactFeatures(CacheFormat format, int rows, int cols, short[] halves, byte[] codes, Uint8Columns columns,
                            Standardizer standardizer) {
        this.format = format;
        this.rows = rows;
        this.cols = cols;
        this.halves = halves;
        this.codes = codes;
        this.columns = columns;
        this.standardizer = standardizer;
    }

    /** uint8's per-column decoding {@code x = (float) (offset_j + q step_j)}, shared by every block of a fit. */
    public static final class Uint8Columns implements Serializable {
        private static final long serialVersionUID = 1L;
        private final double[] offset;
        private final double[] step;
        private final int exactColumns;

        Uint8Columns(double[] offset, double[] step, int exactColumns) {
            this.offset = offset;
            this.step = step;
            this.exactColumns = exactColumns;
        }

        public int width() {
            return offset.length;
        }

        /** Columns whose every training value decodes to its own bits (constant, whole numbers, pixels / 255). */
        public int exactColumns() {
            return exactColumns;
        }
    }

    /**
     * Per-column statistics of one dense float32 block for {@link #fitUint8}, to be merged over blocks
     * with {@link #mergeColumnStats}: {@code [min_j, max_j, wholeNumbers_j (1/0), pixelGrid_j (1/0)]}, cols each.
     */
    public static double[] columnStats(DataBlock block) {
        if (block.dense() == null) {
            throw new IllegalArgumentException("uint8 statistics take a dense float32 block");
        }
        int cols = block.cols();
        float[] x = block.dense();
        double[] s = new double[4 * cols];
        Arrays.fill(s, 0, cols, Double.POSITIVE_INFINITY);
        Arrays.fill(s, cols, 2 * cols, Double.NEGATIVE_INFINITY);
        Arrays.fill(s, 2 * cols, 4 * cols, 1);
        for (int r = 0; r < block.rows(); r++) {
            for (int j = 0; j < cols; j++) {
                float v = x[r * cols + j];
                s[j] = Math.min(s[j], v);
                s[cols + j] = Math.max(s[cols + j], v);
                if (v != Math.rint(v)) {
                    s[2 * cols + j] = 0;
                }
                if (!(v >= 0 && v <= 1 && v == (float) (Math.rint(v * 255.0) * PIXEL_STEP))) {
                    s[3 * cols + j] = 0;
                }
            }
        }
        return s;
    }

    /** Merges the statistics {@code b} into {@code a} (min, max, and both flags; order-free). */
    public static void mergeColumnStats(double[] a, double[] b) {
        int cols = a.length / 4;
        for (int j = 0; j < cols; j++) {
            a[j] = Math.min(a[j], b[j]);
            a[cols + j] = Math.max(a[cols + j], b[cols + j]);
            a[2 * cols + j] = Math.min(a[2 * cols + j], b[2 * cols + j]);
            a[3 * cols + j] = Math.min(a[3 * cols + j], b[3 * cols + j]);
        }
    }

    /** uint8's offset and step per column from the merged {@link #columnStats} (see the class comment). */
    public static Uint8Columns fitUint8(double[] stats) {
        int cols = stats.length / 4;
        double[] offset = new double[cols];
        double[] step = new double[cols];
        int exact = 0;
        for (int j = 0; j < cols; j++) {
            double min = stats[j];
            double max = stats[cols + j];
            if (max == min || (stats[2 * cols + j] == 1 && max - min <= 255)) {
                offset[j] = min;
                step[j] = 1;
                exact++;
            } else if (stats[3 * cols + j] == 1) {
                offset[j] = 0;
                step[j] = PIXEL_STEP;
                exact++;
            } else {
                offset[j] = min;
                step[j] = (max - min) / 255;
            }
        }
        return new Uint8Columns(offset, step, exact);
    }

    /**
     * The compact form of dense float32 features {@code x} [rows x cols]. {@code standardizer} (null for
     * none) is applied before encoding for the 16-bit formats and after decoding for uint8, whose
     * {@code columns} come from {@link #fitUint8} (null for the other formats).
     */
    public static CompactFeatures encode(float[] x, int rows, int cols, CacheFormat format, Uint8Columns columns,
                                         Standardizer standardizer) {
        if (standardizer != null && standardizer.width() != cols) {
            throw new IllegalArgumentException("block has " + cols + " features, the standardisation " + standardizer.width());
        }
        switch (format) {
            case BFLOAT16:
            case FLOAT16: {
                short[] halves = new short[rows * cols];
                float[] row = new float[cols];
                for (int r = 0; r < rows; r++) {
                    System.arraycopy(x, r * cols, row, 0, cols);
                    if (standardizer != null) {
                        standardizer.apply(row, 0);
                    }
                    for (int j = 0; j < cols; j++) {
                        if (format == CacheFormat.BFLOAT16) {
                            halves[r * cols + j] = HalfFloats.toBfloat16(row[j]);
                        } else {
                            if (Math.abs(row[j]) > 65504f) {
                                throw new IllegalArgumentException("data.cacheFormat = float16: feature " + j + " of row " + r
                                        + " is " + row[j] + (standardizer != null ? " after standardisation" : "")
                                        + ", beyond float16's largest value 65504; use bfloat16 or float32");
                            }
                            halves[r * cols + j] = HalfFloats.toFloat16(row[j]);
                        }
                    }
                }
                return new CompactFeatures(format, rows, cols, halves, null, null, null);
            }
            case UINT8: {
                if (columns == null || columns.width() != cols) {
                    throw new IllegalArgumentException("uint8 needs the per-column offsets and steps of " + cols + " features");
                }
                byte[] codes = new byte[rows * cols];
                for (int r = 0; r < rows; r++) {
                    for (int j = 0; j < cols; j++) {
                        double q = Math.rint((x[r * cols + j] - columns.offset[j]) / columns.step[j]);
                        codes[r * cols + j] = (byte) (int) Math.max(0, Math.min(255, q));
                    }
                }
                return new CompactFeatures(format, rows, cols, null, codes, columns, standardizer);
            }
            default:
                throw new IllegalArgumentException("float32 features are not compacted");
        }
    }

    public CacheFormat format() {
        return format;
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** Decodes row {@code r} into {@code out[off .. off + cols)}. */
    public void decodeRow(int r, float[] out, int off) {
        int base = r * cols;
        switch (format) {
            case BFLOAT16:
                for (int j = 0; j < cols; j++) {
                    out[off + j] = HalfFloats.fromBfloat16(halves[base + j]);
                }
                return;
            case FLOAT16:
                for (int j = 0; j < cols; j++) {
                    out[off + j] = HalfFloats.fromFloat16(halves[base + j]);
                }
                return;
            default: {
                double[] offset = columns.offset;
                double[] step = columns.step;
                for (int j = 0; j < cols; j++) {
                    out[off + j] = (float) (offset[j] + (codes[base + j] & 0xFF) * step[j]);
                }
                if (standardizer != null) {
                    standardizer.apply(out, off);
                }
            }
        }
    }

    /** Bytes held: the codes, and for uint8 the per-column offset, step and standardisation. */
    public long sizeInBytes() {
        if (halves != null) {
            return 2L * halves.length;
        }
        return codes.length + 16L * cols + (standardizer == null ? 0 : 8L * cols);
    }
}
