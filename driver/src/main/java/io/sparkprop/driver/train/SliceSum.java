package io.sparkprop.driver.train;

import java.io.Serializable;

/**
 * What a slice task of the sharded aggregation returns: slice s of a round's sum, the entries
 * {@code [bounds[s], bounds[s + 1])} added in partition order in double, and the bytes its partials carried.
 */
public final class SliceSum implements Serializable {
    private static final long serialVersionUID = 1L;
    final int slice;
    final double[] total;
    final long bytes;

    SliceSum(int slice, double[] total, long bytes) {
        this.slice = slice;
        this.total = total;
        this.bytes = bytes;
    }
}
