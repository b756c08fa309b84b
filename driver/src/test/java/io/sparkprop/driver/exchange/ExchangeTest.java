package io.sparkprop.driver.exchange;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The two transports against the sum written out here: every task ends each step with
 * mean[j] = (float) (sum_t partial_t[j] in double, t ascending / total weight) and the totals, for W tasks
 * as threads (Spark's allGather stood in for by a barrier), P both more than W and less (empty slices),
 * several steps reusing the buffers, and a total weight of 0 (mean 0).
 */
class ExchangeTest {
    private static final int STEPS = 3;

    @Test
    void socketsGiveThePartitionOrderMean() throws Exception {
        check(4, 1001, true);
        check(3, 2, true);
    }

    @Test
    void sharedMemoryGivesThePartitionOrderMean() throws Exception {
        check(4, 1001, false);
        check(3, 2, false);
        assertEquals(0, SharedMemoryExchange.openGroups());
    }

    @Test
    void slicesCoverThePartialsOnce() {
        Slices s = new Slices(10, 4);
        assertArrayEquals(new int[] {0, 2, 5, 7, 10}, new int[] {s.lo(0), s.lo(1), s.lo(2), s.lo(3), s.hi(3)});
        assertEquals(3, s.longest());
        assertEquals("127.0.0.1", Exchanges.host("127.0.0.1:41234"));
        assertEquals("::1", Exchanges.host("[::1]:41234"));
        assertEquals("worker-3", Exchanges.host("worker-3"));
    }

    private static void check(int tasks, int p, boolean sockets) throws Exception {
        float[][][] partials = new float[STEPS][tasks][p + 3];
        SplittableRandom rng = new SplittableRandom(p * 31L + tasks);
        for (int step = 0; step < STEPS; step++) {
            for (int t = 0; t < tasks; t++) {
                for (int j = 0; j < p; j++) {
                    partials[step][t][j] = (float) (rng.nextDouble() * 2e3 - 1e3);
                }
                partials[step][t][p] = (float) rng.nextDouble();
                partials[step][t][p + 1] = step == 1 ? 0 : 1 + rng.nextInt(60);
                partials[step][t][p + 2] = partials[step][t][p + 1];
            }
        }
        // step 0: an infinity in the last task's part of task 0's slice; step 2: a NaN in task 0's part of the last
        // task's slice (step 1 has weight 0: its mean is zeros)
        partials[0][tasks - 1][0] = Float.POSITIVE_INFINITY;
        partials[2][0][p - 1] = Float.NaN;
        String[] gathered = new String[tasks];
        CyclicBarrier gather = new CyclicBarrier(tasks);
        ExecutorService pool = Executors.newFixedThreadPool(tasks);
        try {
            List<Future<float[][]>> results = new ArrayList<>();
            for (int t = 0; t < tasks; t++) {
                int rank = t;
                Function<String, String[]> allGather = message -> {
                    gathered[rank] = message;
                    await(gather);
                    String[] all = gathered.clone();
                    await(gather);
                    return all;
                };
                results.add(pool.submit(() -> {
                    Waiting waiting = new Waiting(rank, tasks, 60_000, () -> { });
                    GradientExchange ex = sockets ? new SocketExchange(rank, tasks, p, "127.0.0.1", allGather, waiting)
                            : new SharedMemoryExchange(new SharedMemoryExchange.GroupKey("test", p, 0), rank, tasks, p, waiting);
                    float[][] means = new float[STEPS][p];
                    double[] totals = new double[3];
                    float[] gradient = new float[p];
                    float[] stats = new float[3];
                    try {
                        for (int step = 0; step < STEPS; step++) {
                            System.arraycopy(partials[step][rank], 0, gradient, 0, p);
                            System.arraycopy(partials[step][rank], p, stats, 0, 3);
                            boolean finite = ex.mean(gradient, stats, means[step], totals);
                            assertEquals(expectedTotal(partials[step], p + 1), totals[1]);
                            assertEquals(step == 1, finite, "task " + rank + " step " + step + ": every mean entry finite");
                        }
                    } finally {
                        ex.close();
                    }
                    return means;
                }));
            }
            for (Future<float[][]> f : results) {
                float[][] means = f.get(60, TimeUnit.SECONDS);
                for (int step = 0; step < STEPS; step++) {
                    assertArrayEquals(expectedMean(partials[step], p), means[step], (sockets ? "sockets" : "memory") + ", step " + step);
                }
            }
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        }
    }

    private static double expectedTotal(float[][] partials, int at) {
        double sum = 0;
        for (float[] part : partials) {
            sum += part[at];
        }
        return sum;
    }

    private static float[] expectedMean(float[][] partials, int p) {
        double weight = expectedTotal(partials, p + 1);
        float[] mean = new float[p];
        for (int j = 0; j < p; j++) {
            double sum = 0;
            for (float[] part : partials) {
                sum += part[j];
            }
            mean[j] = weight > 0 ? (float) (sum / weight) : 0f;
        }
        return mean;
    }

    private static void await(CyclicBarrier b) {
        try {
            b.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }
}
