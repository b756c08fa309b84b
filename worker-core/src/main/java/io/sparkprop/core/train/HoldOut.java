package io.sparkprop.core.train;

import io.sparkprop.core.data.DataBlock;


/**
 * A dense block cut in two by position: rows [0, trainRows) to train on and [trainRows, rows) held
 * out. No shuffling, so the held-out rows are always the same ones.
 */
public record HoldOut(DataBlock train, DataBlock heldOut) {

    public static HoldOut split(DataBlock block, int trainRows) {
        if (block.isSparse()) {
            throw new IllegalArgumentException("HoldOut.split takes a dense block");
        }
        if (trainRows <= 0 || trainRows >= block.rows()) {
            throw new IllegalArgumentException("trainRows must be in [1, " + (block.rows() - 1) + "], got " + trainRows);
        }
        return new HoldOut(block.denseRows(0, trainRows), block.denseRows(trainRows, block.rows()));
    }
}
