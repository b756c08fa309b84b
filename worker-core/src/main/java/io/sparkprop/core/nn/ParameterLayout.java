package io.sparkprop.core.nn;

import java.util.Arrays;

/**
 * The one flat parameter layout, used by the kernels, the gradient, the optimizer state, checkpoints
 * and {@code params.bin} alike.
 *
 * <pre>
 * sizes = [n_0 (input width), n_1, ..., n_L]
 * for l = 1..L, in order:
 *   W_l : [n_l x n_{l-1}] row-major   W_l[o][i] at weightOffset(l) + o * n_{l-1} + i
 *   b_l : [n_l]                       b_l[o]    at biasOffset(l) + o
 * size = sum_l n_l * (n_{l-1} + 1)
 * </pre>
 *
 * Layers are numbered from 1 (layer 0 is the input). Nothing else hard-codes an offset.
 */
public final class ParameterLayout {
    private final int[] sizes;
    private final int[] weightOffsets;
    private final int[] biasOffsets;
    private final int size;

    public ParameterLayout(int... sizes) {
        if (sizes.length < 2) {
            throw new IllegalArgumentException("a network needs an input width and at least one layer, got sizes " + Arrays.toString(sizes));
        }
        for (int i = 0; i < sizes.length; i++) {
            if (sizes[i] <= 0) {
                throw new IllegalArgumentException((i == 0 ? "input width" : "layer " + i + " size")
                        + " must be positive, got " + sizes[i]);
            }
        }
        this.sizes = sizes.clone();
        int layers = sizes.length - 1;
        weightOffsets = new int[layers + 1];
        biasOffsets = new int[layers + 1];
        long at = 0;
        for (int l = 1; l <= layers; l++) {
            weightOffsets[l] = (int) at;
            at += (long) sizes[l] * sizes[l - 1];
            biasOffsets[l] = (int) at;
            at += sizes[l];
            if (at > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("the network has more than 2^31 parameters: " + Arrays.toString(sizes));
            }
        }
        size = (int) at;
    }

    /**
     * P for layer sizes {@code [n_0, n_1, ..., n_L]}: {@code sum_l n_l (n_{l-1} + 1)}, in long, so a network
     * too large for a layout can still be counted (and refused with its size).
     */
    public static long count(int... sizes) {
        long p = 0;
        for (int l = 1; l < sizes.length; l++) {
            p += (long) sizes[l] * ((long) sizes[l - 1] + 1);
        }
        return p;
    }

    /** Number of dense layers L. */
    public int layers() {
        return sizes.length - 1;
    }

    /** n_l: the width of layer l (l = 0 is the input). */
    public int width(int l) {
        return sizes[l];
    }

    public int inputWidth() {
        return sizes[0];
    }

    public int outputWidth() {
        return sizes[sizes.length - 1];
    }

    public int[] sizes() {
        return sizes.clone();
    }

    public int weightOffset(int l) {
        return weightOffsets[l];
    }

    public int biasOffset(int l) {
        return biasOffsets[l];
    }

    /** Total number of parameters P; params, gradients and optimizer state are float[P]. */
    public int size() {
        return size;
    }

    /**
     * The index ranges holding weights (not biases), as pairs {@code [start0, end0, start1, end1, ...]},
     * end exclusive: what L2 weight decay applies to.
     */
    public int[] weightRanges() {
        int[] ranges = new int[2 * layers()];
        for (int l = 1; l <= layers(); l++) {
            ranges[2 * (l - 1)] = weightOffsets[l];
            ranges[2 * (l - 1) + 1] = biasOffsets[l];
        }
        return ranges;
    }

    /** Throws if {@code params} does not have this layout's length. */
    public void checkLength(float[] params, String what) {
        if (params == null || params.length != size) {
            throw new IllegalArgumentException(what + " has length " + (params == null ? "null" : params.length)
                    + ", expected " + size + " for layer sizes " + Arrays.toString(sizes));
        }
    }

    @Override
    public String toString() {
        return "ParameterLayout" + Arrays.toString(sizes) + " (" + size + " parameters)";
    }
}
