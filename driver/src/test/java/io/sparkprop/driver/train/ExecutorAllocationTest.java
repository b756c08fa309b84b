package io.sparkprop.driver.train;

import io.sparkprop.core.data.DataBlock;
import io.sparkprop.core.nn.Dropout;
import io.sparkprop.core.nn.NetworkSpec;
import io.sparkprop.driver.TestSpark;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import java.util.function.Supplier;

import static io.sparkprop.driver.config.TrainingSettings.*;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The executor's hot path allocates nothing per round once warm: a task's gradient step and its
 * round of local steps (Adam, with the averaged optimizer state travelling) reuse the thread's
 * workspace, its result array included. Measured with the JVM's per-thread allocation counter, so
 * a result array of P floats (54 KB here) allocated per task shows up as such.
 */
class ExecutorAllocationTest {
    private static final NetworkSpec SPEC = NetworkSpec.input(200).dense(64, "relu").dense(10, "softmax").loss("softmax_cross_entropy");
    private static final int ROWS = 96;
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = TestSpark.start("local[1]");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static DataBlock block() {
        SplittableRandom rng = new SplittableRandom(3);
        float[] x = new float[ROWS * 200];
        float[] y = new float[ROWS];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextDouble(-1, 1);
        }
        for (int r = 0; r < ROWS; r++) {
            y[r] = rng.nextInt(10);
        }
        return DataBlock.dense(ROWS, 200, x, 1, y);
    }

    /**
     * Bytes this thread allocates in {@code run}, after enough warm-up calls for the JIT to have compiled
     * the kernels (interpreted Vector API code allocates its vectors; compiled code keeps them in registers).
     */
    private static long allocatedBytes(Supplier<float[]> run) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 2000; i++) {
            run.get();
        }
        long id = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(id);
        float[] out = run.get();
        long bytes = threads.getThreadAllocatedBytes(id) - before;
        assertTrue(out.length > SPEC.layout().size(), "a full result");
        return bytes;
    }

    @Test
    void aGradientStepAllocatesNothingOnceWarm() {
        JavaSparkContext jsc = TestSpark.jsc(spark);
        TrainingConfig config = TrainingConfig.builder(SPEC).build();
        Broadcast<float[]> params = jsc.broadcast(config.initialParameters());
        IterationPlan plan = IterationPlan.of(new long[] {ROWS}, 32);
        DataBlock block = block();
        long p4 = 4L * SPEC.layout().size();
        int[] iteration = {0};
        long bytes = allocatedBytes(() -> new GradientStep(SPEC, params, plan, 42, 0, iteration[0]++ % 3, Dropout.NONE, iteration[0])
                .partial(0, block));
        assertTrue(bytes < p4 / 16, "one gradient step allocated " + bytes + " bytes; its result alone is " + p4);
        params.destroy();
    }

    @Test
    void aRoundOfLocalStepsWithAdamStateAllocatesNothingOnceWarm() {
        JavaSparkContext jsc = TestSpark.jsc(spark);
        TrainingConfig config = TrainingConfig.builder(SPEC).set(OPTIMIZER, "adam").build();
        int p = SPEC.layout().size();
        float[] start = new float[3 * p];
        System.arraycopy(config.initialParameters(), 0, start, 0, p);
        for (int j = 0; j < p; j++) {
            start[p + j] = 1e-3f * (j % 7);
            start[2 * p + j] = 1e-6f * (j % 5);
        }
        Broadcast<float[]> value = jsc.broadcast(start);
        IterationPlan plan = IterationPlan.of(new long[] {ROWS}, 32);
        DataBlock block = block();
        long bytes = allocatedBytes(() -> new LocalSteps(SPEC, value, plan, config, "run", 0, 0, 3, 0, 2, 30).partial(0, block));
        assertTrue(bytes < 4L * p / 16, "a round of 3 local steps allocated " + bytes + " bytes; one state array alone is " + 4L * p);
        value.destroy();
    }
}
