package io.sparkprop.driver.train;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * Executors in separate JVMs (local-cluster[2,1,1024]) with Kryo registration required: every class
 * that crosses the wire must be registered, and the bits must match local[2] with the same partitions.
 * Both aggregation paths run: on the driver, and sharded (a shuffle between JVMs).
 */
class LocalClusterTest {
    @Test
    void localClusterGivesTheSameBitsAsLocalTwo() {
        float[][] cluster = trainBoth("local-cluster[2,1,1024]");
        float[][] local = trainBoth("local[2]");
        assertArrayEquals(local[0], cluster[0]);
        assertArrayEquals(local[1], cluster[1]);
        assertArrayEquals(local[2], cluster[2], "local steps");
        assertArrayEquals(local[3], cluster[3], "dropout");
    }

    private static float[][] trainBoth(String master) {
        return DeterminismTest.trainEachWay(master);
    }
}
