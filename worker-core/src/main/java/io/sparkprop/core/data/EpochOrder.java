package io.sparkprop.core.data;

import java.util.SplittableRandom;

/**
 * The order in which one block's examples are visited in one epoch: a Fisher-Yates shuffle seeded by
 * (seed, epoch, partition), so every run, every JVM and a resumed run see the same order.
 */
public final class EpochOrder {
    private EpochOrder() {
    }

    /** Fills {@code order[0..rows)} with a permutation of 0..rows-1 for this (seed, epoch, partition). */
    public static void shuffle(int[] order, int rows, long seed, long epoch, int partition) {
        for (int i = 0; i < rows; i++) {
            order[i] = i;
        }
        SplittableRandom rng = new SplittableRandom(mix(seed, epoch, partition));
        for (int i = rows - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    /** A 64-bit seed from the three numbers (SplitMix64 finaliser over a combination). */
    static long mix(long seed, long epoch, int partition) {
        long z = seed * 0x9E3779B97F4A7C15L + epoch * 0xBF58476D1CE4E5B9L + partition * 0x94D049BB133111EBL + 1;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
