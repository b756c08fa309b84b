package io.sparkprop.core.data;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class EpochOrderTest {
    private static final int N = 1000;

    private static int[] order(long seed, long epoch, int partition) {
        int[] o = new int[N];
        EpochOrder.shuffle(o, N, seed, epoch, partition);
        return o;
    }

    @Test
    void isAPermutation() {
        int[] o = order(7, 3, 2);
        int[] sorted = o.clone();
        Arrays.sort(sorted);
        assertArrayEquals(IntStream.range(0, N).toArray(), sorted);
        assertFalse(Arrays.equals(IntStream.range(0, N).toArray(), o), "a shuffle of 1000 is not the identity");
    }

    @Test
    void sameSeedEpochAndPartitionGiveTheSameOrder() {
        assertArrayEquals(order(7, 3, 2), order(7, 3, 2));
        // the array's previous contents do not matter
        int[] dirty = new int[N];
        Arrays.fill(dirty, -5);
        EpochOrder.shuffle(dirty, N, 7, 3, 2);
        assertArrayEquals(order(7, 3, 2), dirty);
    }

    @Test
    void anyDifferentInputGivesADifferentOrder() {
        int[] base = order(7, 3, 2);
        assertFalse(Arrays.equals(base, order(7, 4, 2)), "next epoch");
        assertFalse(Arrays.equals(base, order(7, 3, 3)), "next partition");
        assertFalse(Arrays.equals(base, order(8, 3, 2)), "another seed");
        assertFalse(Arrays.equals(order(7, 0, 1), order(7, 1, 0)), "epoch and partition are not interchangeable");
    }

    @Test
    void touchesOnlyTheFirstRowsEntries() {
        int[] o = new int[10];
        Arrays.fill(o, -1);
        EpochOrder.shuffle(o, 6, 1, 0, 0);
        int[] head = Arrays.copyOf(o, 6);
        Arrays.sort(head);
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5}, head);
        for (int i = 6; i < 10; i++) {
            assertEquals(-1, o[i]);
        }
    }

    @Test
    void everyPositionIsRoughlyUniform() {
        // over 4000 epochs, element 0 lands in each of 4 positions about 1000 times (binomial sd ~27)
        int[] counts = new int[4];
        int[] o = new int[4];
        for (int e = 0; e < 4000; e++) {
            EpochOrder.shuffle(o, 4, 11, e, 0);
            for (int i = 0; i < 4; i++) {
                if (o[i] == 0) {
                    counts[i]++;
                }
            }
        }
        for (int c : counts) {
            assertEquals(1000, c, 150, Arrays.toString(counts));
        }
    }
}
