package io.sparkprop.core.optim;

import java.util.Arrays;

/**
 * What an optimizer's step makes of the gradient sum s [P] it is handed, entry by entry, inside the
 * one pass that also updates the parameters and the state ({@link UpdateRule} sets it before each step):
 * <pre>
 *   g_i = (s_i / divisor) * clip      divisor: the batch's weight (1 for a mean already taken);
 *                                     clip = maxNorm / ||s / divisor|| when that norm is larger, else 1
 *   g_i = g_i + lambda * p_i          L2 weight decay, on the weights only (lambda = 0: skipped)
 *   p_i = shrink * p_i                decoupled weight decay (AdamW), on the weights only, before the rule reads p
 * </pre>
 * These are the operations the update once did in separate passes over P, in the same order, so the
 * fused step gives the same bits; {@code x / 1}, {@code x * 1} are exact, so terms that are off cost
 * no branch, except lambda ({@code g + 0 * p} is not g when p is infinite or g is -0). One instance
 * per update rule (or optimizer): it holds the last split's segments.
 */
public final class GradientTerms {
    /** The weights as [start, end) pairs, ascending and disjoint. */
    private final int[] weightRanges;
    private float divisor = 1f;
    private float clip = 1f;
    private float lambda;
    private float shrink = 1f;
    /** Segment j: from at 3j, to at 3j + 1, 1 at 3j + 2 when its entries are weights. */
    private int[] segments = new int[24];
    private int count;

    /** Terms that are all off: the gradient is used as given (one per optimizer, for its plain step). */
    static GradientTerms none() {
        return new GradientTerms(new int[0]);
    }

    GradientTerms(int[] weightRanges) {
        this.weightRanges = weightRanges;
    }

    void set(float divisor, float clip, float lambda, float shrink) {
        this.divisor = divisor;
        this.clip = clip;
        this.lambda = lambda;
        this.shrink = shrink;
    }

    float divisor() {
        return divisor;
    }

    float clip() {
        return clip;
    }

    /**
     * Splits the entries in {@code ranges} into segments, runs that are all weights or all not (split
     * only when a decay term is on), and returns their count; segment j is [{@link #from}, {@link #to})
     * with {@link #lambda} and {@link #shrink} (0 and 1 off the weights). Allocates only while its
     * buffer grows.
     */
    int split(ParameterRanges ranges) {
        boolean decay = lambda != 0f || shrink != 1f;
        count = 0;
        for (int k = 0; k < ranges.size(); k++) {
            int pos = ranges.start(k);
            int end = ranges.end(k);
            while (pos < end) {
                int next = end;
                boolean weight = false;
                for (int r = 0; decay && r < weightRanges.length; r += 2) {
                    if (pos >= weightRanges[r] && pos < weightRanges[r + 1]) {
                        weight = true;
                        next = Math.min(end, weightRanges[r + 1]);
                        break;
                    }
                    if (weightRanges[r] > pos) {
                        next = Math.min(next, weightRanges[r]);
                    }
                }
                add(pos, next, weight);
                pos = next;
            }
        }
        return count;
    }

    private void add(int from, int to, boolean weight) {
        if (3 * count == segments.length) {
            segments = Arrays.copyOf(segments, 2 * segments.length);
        }
        segments[3 * count] = from;
        segments[3 * count + 1] = to;
        segments[3 * count + 2] = weight ? 1 : 0;
        count++;
    }

    int from(int j) {
        return segments[3 * j];
    }

    int to(int j) {
        return segments[3 * j + 1];
    }

    float lambda(int j) {
        return segments[3 * j + 2] != 0 ? lambda : 0f;
    }

    float shrink(int j) {
        return segments[3 * j + 2] != 0 ? shrink : 1f;
    }

    /**
     * The separate-pass form, for an optimizer without a fused step: writes g into {@code s} and
     * shrinks {@code p} in place over the ranges.
     */
    void materialise(float[] p, float[] s, ParameterRanges ranges) {
        for (int j = 0, n = split(ranges); j < n; j++) {
            float l = lambda(j);
            float sh = shrink(j);
            for (int i = from(j), end = to(j); i < end; i++) {
                s[i] = PlainUpdate.gradient(s[i], p[i], divisor, clip, l);
                p[i] *= sh;
            }
        }
    }
}
