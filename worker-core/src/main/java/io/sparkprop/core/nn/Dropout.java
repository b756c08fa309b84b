package io.sparkprop.core.nn;

import java.io.Serializable;

/**
 * Inverted dropout on the hidden activations, for training only: with rate p, every hidden unit j
 * of every row r is kept with probability 1 - p and scaled by 1 / (1 - p), else zeroed,
 * <pre>
 *   H'_l = A_l * M_l,   M_l[r][j] = m / (1 - p),   m ~ Bernoulli(1 - p)     [rows x n_l]
 * </pre>
 * so E[H'_l] = A_l and inference (evaluation, prediction, ONNX) uses the plain network unchanged.
 * Backward multiplies dL/dH'_l by the same M_l.
 *
 * <p>The draws come from a counter-based generator, not a stateful one: the mask bit of a unit is a
 * pure function of (seed, step, partition, row, layer, unit), the SplitMix64 finaliser chained over
 * those integers. A task recomputed after an executor loss, a run on another master or in another
 * task order, and a run resumed from a checkpoint therefore draw the same masks. {@code row} is the
 * example's index in its partition's cached block (see {@link Batch#rowIds()}), which is the same in
 * every recomputation; {@code step} is the global optimizer step, so every step draws new masks.
 */
public final class Dropout implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    /** No dropout: the training pass is the plain one and draws nothing. */
    public static final Dropout NONE = new Dropout(0, 0);

    private final double rate;
    private final long seed;
    /** A unit is dropped iff its top 53 random bits are below this: probability threshold / 2^53 = p. */
    private final long threshold;
    private final float scale;

    /**
     * @param rate p, the probability of dropping a hidden unit, in [0, 1)
     * @param seed the run's seed (train.seed)
     */
    public Dropout(double rate, long seed) {
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException("dropout rate must be in [0, 1), got " + rate);
        }
        this.rate = rate;
        this.seed = seed;
        // p * 2^53 is exact in a double; u = k / 2^53 >= p  <=>  k >= ceil(p * 2^53)
        this.threshold = (long) Math.ceil(rate * 0x1p53);
        this.scale = (float) (1 / (1 - rate));
    }

    public double rate() {
        return rate;
    }

    public long seed() {
        return seed;
    }

    /** Whether any unit can be dropped (p > 0). */
    public boolean active() {
        return rate > 0;
    }

    /** 1 / (1 - p), the factor of a kept unit (as float, as the mask holds it). */
    public float scale() {
        return scale;
    }

    /** Whether unit {@code unit} of hidden layer {@code layer} (1-based) of this row is kept at this step. */
    public boolean keeps(long step, int partition, int row, int layer, int unit) {
        return keeps(bits(rowStream(seed, step, partition, row, layer), unit));
    }

    /**
     * Fills {@code mask[0 .. rows * width)} for hidden layer {@code layer}: {@code mask[r * width + j]}
     * is 1 / (1 - p) when unit j of the row with identity {@code rowIds[r]} is kept, else 0.
     */
    void fill(long step, int partition, int[] rowIds, int rows, int layer, int width, float[] mask) {
        for (int r = 0; r < rows; r++) {
            long stream = rowStream(seed, step, partition, rowIds[r], layer);
            int off = r * width;
            for (int j = 0; j < width; j++) {
                mask[off + j] = keeps(bits(stream, j)) ? scale : 0f;
            }
        }
    }

    private boolean keeps(long bits) {
        return bits >>> 11 >= threshold;
    }

    /**
     * The hash of one row's key: each integer xor-ed into the state and mixed, so any change of any
     * key gives unrelated bits.
     */
    static long rowStream(long seed, long step, int partition, int row, int layer) {
        long h = mix(seed + GOLDEN);
        h = mix(h ^ step);
        h = mix(h ^ (((long) partition << 32) | (row & 0xFFFFFFFFL)));
        return mix(h ^ layer);
    }

    /** The 64 random bits of a unit: output {@code unit + 1} of the SplitMix64 stream seeded by the row's hash. */
    static long bits(long stream, int unit) {
        return mix(stream + (unit + 1L) * GOLDEN);
    }

    /** The SplitMix64 finaliser (a bijection of the 64-bit words with full avalanche). */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public String toString() {
        return "dropout " + rate;
    }
}
