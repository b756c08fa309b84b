package io.sparkprop.driver.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkprop.core.nn.NetworkSpec;
import io.sparkprop.driver.TestData;
import io.sparkprop.driver.TestSpark;
import io.sparkprop.driver.data.BlockBuilder;
import io.sparkprop.driver.data.DataBlocks;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.sparkprop.driver.config.TrainingSettings.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rounds of K local steps (train.localSteps > 1): convergence, checkpoint resume, settings. */
class LocalStepsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final NetworkSpec REGRESSION = NetworkSpec.input(4).dense(16, "tanh").dense(1, "identity").loss("mse");
    private static SparkSession spark;
    private static DataBlocks data;

    @BeforeAll
    static void start() {
        spark = TestSpark.start("local[2]");
        // y = 0.5 x1 + x2 + 1.5 x3 + 2 x4 + noise, x uniform in [-1, 1): var(y) = (0.25 + 1 + 2.25 + 4) / 3 = 2.5
        data = BlockBuilder.forNetwork(REGRESSION).build(TestData.frame(spark, TestData.regression(800, 4, 21),
                TestData.VECTOR_SCHEMA, 4));
    }

    @AfterAll
    static void stop() {
        data.unpersist();
        spark.stop();
    }

    /** Adam, 800 rows in 4 partitions, batch 20 per worker: 10 iterations per epoch, rounds of 4 local steps. */
    private static TrainingConfig.Builder config() {
        return TrainingConfig.builder(REGRESSION).set(LEARNING_RATE, 0.01).set(BATCH_SIZE, 20).set(EPOCHS, 30).set(SEED, 4L)
                .set(LOG_INTERVAL, 0L).set(LOCAL_STEPS, "4");
    }

    @Test
    void aSmallRegressionConverges() {
        // plain averaging with either optimizer state, and DiLoCo's Nesterov outer step with reset state
        // (with averaged Adam state too, the inner and the outer momentum compound and this short run
        // ends near R^2 0.86)
        String[] states = {"reset", "averaged", "reset"};
        double[][] outers = {{1.0, 0.0}, {1.0, 0.0}, {0.7, 0.9}};
        for (int i = 0; i < states.length; i++) {
            String state = states[i];
            double[] outer = outers[i];
            TrainingConfig c = config().set(LOCAL_OPTIMIZER_STATE, state).set(OUTER_LEARNING_RATE, outer[0])
                    .set(OUTER_MOMENTUM, outer[1]).build();
            DistributedTrainer trainer = new DistributedTrainer(TestSpark.jsc(spark), c);
            TrainingResult r = trainer.fit(data, null);
            assertEquals(300, r.iterations(), "30 epochs of 10 iterations, 3 rounds each");
            EvaluationMetrics m = trainer.evaluate(r.parameters(), data);
            // the target's variance is 2.5: an MSE of 0.05 explains 98 % of it (the mean alone: 0 %)
            assertTrue(m.mse() < 0.05 && m.r2() > 0.98, state + " state, outer " + outer[0] + "/" + outer[1] + ": " + m);
        }
    }

    @Test
    void aRunResumedBetweenRoundsEndsWithTheSameBits(@TempDir Path dir) {
        TrainingConfig.Builder b = config().set(EPOCHS, 3).set(LOCAL_OPTIMIZER_STATE, "averaged").set(OUTER_LEARNING_RATE, 0.7)
                .set(OUTER_MOMENTUM, 0.9);
        TrainingResult straight = new DistributedTrainer(TestSpark.jsc(spark), b.build()).fit(data, null);
        String uri = dir.toUri().toString();
        // epoch 1's first round ends at step 14: the interrupted run stops there, between rounds
        TrainingResult first = new DistributedTrainer(TestSpark.jsc(spark), b.set(CHECKPOINT_DIR, uri).set(MAX_ITERATIONS, 14L)
                .build()).fit(data, null);
        assertEquals(14, first.iterations());
        TrainingResult resumed = new DistributedTrainer(TestSpark.jsc(spark), b.set(MAX_ITERATIONS, 0L).build()).resume(data, null);
        assertEquals(30, resumed.iterations());
        assertArrayEquals(straight.parameters(), resumed.parameters());

        String refused = assertThrows(IllegalArgumentException.class, () -> new DistributedTrainer(TestSpark.jsc(spark),
                b.set(LOCAL_STEPS, "8").build()).resume(data, null)).getMessage();
        assertTrue(refused.contains("train.localSteps was \"4\" in the checkpointed run, now \"8\""), refused);
        refused = assertThrows(IllegalArgumentException.class, () -> new DistributedTrainer(TestSpark.jsc(spark),
                b.set(LOCAL_STEPS, "4").set(OUTER_MOMENTUM, 0.5).build()).resume(data, null)).getMessage();
        assertTrue(refused.contains("train.outerMomentum was 0.9 in the checkpointed run, now 0.5"), refused);
    }

    @Test
    void timedChoosesAPowerOfTwoWithinAnEpochAndRecordsIt() {
        TrainingResult r = new DistributedTrainer(TestSpark.jsc(spark), config().set(LOCAL_STEPS, "timed").set(EPOCHS, 2).build())
                .fit(data, null);
        int k = r.localSteps();
        assertTrue(k >= 1 && k <= 10 && Integer.bitCount(k) == 1 || k == 10, "K = " + k);
        assertEquals(20, r.iterations());
    }

    /**
     * auto's estimate, worked by hand: a step costs C = 6 P b / 80e9 s, a round F = 10 ms + 3 ns x 8 P (1 + S)
     * bytes, and K is the smallest power of two >= 9 F / C, at most an epoch and at most the largest power
     * of two with K b W <= 32,768 samples a round (W workers).
     */
    @Test
    void autoEstimatesTheSameKOnEveryMachine() {
        // Fashion-MNIST 784-256-128-10 (P = 235,146), batch b = 64 per worker on 2 workers, Adam's two moments
        // travelling: C = 1.1288 ms, F = 26.93 ms, 9 F / C = 214.7 -> 256 (the fastest K measured in BENCHMARKS.md)
        assertEquals(256, LocalStepsChoice.estimated(235_146, 64, 2, 469, 2, false));
        // the same without travelling state (S = 0): F = 15.64 ms, 9 F / C = 124.7 -> 128
        assertEquals(128, LocalStepsChoice.estimated(235_146, 64, 0, 469, 2, false));
        // the MNIST-10k default 784-128-10 (P = 101,770) on 8,000 rows: 318 wanted, but one epoch is 63 iterations
        assertEquals(63, LocalStepsChoice.estimated(101_770, 64, 2, 63, 2, false));
        // a wide model on a large local batch: P = 10M, b = 4096: C = 3.072 s, F = 0.73 s, 9 F / C = 2.14 -> 4
        assertEquals(4, LocalStepsChoice.estimated(10_000_000, 4096, 2, 1000, 2, false));
        // and the data decides nothing else: the same shape gives the same K however the epoch is timed
        assertEquals(1, LocalStepsChoice.estimated(235_146, 64, 2, 1, 2, false));
    }

    /**
     * The Fashion-MNIST shape (cost wants 256) as the workers grow: K = min(256, 32,768 / (64 W)), epoch 60,000 / W / 64,
     * where auto takes local steps (below 17 workers), and synchronous (K = 1) from 17 on.
     */
    @Test
    void autoBoundsTheSamplesARoundAveragesAsTheWorkersGrow() {
        int[][] table = {
                // workers, an epoch's iterations ceil(60,000 / W / 64), K
                {1, 938, 256}, {2, 469, 256}, {3, 313, 128}, {4, 235, 128}, {8, 118, 64}, {15, 63, 32}, {16, 59, 32}, {17, 56, 1},
                {31, 31, 1}, {32, 30, 1}, {64, 15, 1}};
        for (int[] row : table) {
            assertEquals(row[2], LocalStepsChoice.estimated(235_146, 64, 2, row[1], row[0], false), row[0] + " workers");
        }
        // a larger per-worker batch halves K: 16 workers of 256 rows, 8 steps (32,768 samples)
        assertEquals(8, LocalStepsChoice.estimated(235_146, 256, 2, 15, 16, false));
        // 32,768 samples in two steps of 16 x 1024, more than that in two of 31 x 1024: one step
        assertEquals(2, LocalStepsChoice.workersBound(1024, 16));
        assertEquals(1, LocalStepsChoice.workersBound(1024, 31));
    }

    /**
     * auto as a pure function of (parameters, batch, travelling state, rows per worker, workers), worked by hand:
     * K = min(the cost rule's 256 for the Fashion-MNIST network at b = 64, ceil(n / b), and below 17 workers the largest
     * power of two with K b W <= 32,768, else 1); the outer step (1, 0), but Nesterov (1, 0.9) from 4 workers on where
     * K > 1; the learning rate x (W / 2)^(3/4) where auto takes local steps, x sqrt(W / 2) from 17 workers (synchronous),
     * x 1 at 1 and 2 workers, warmed up over one epoch, ceil(n / b) iterations, where it is scaled (at most 256 where
     * auto takes local steps).
     */
    @Test
    void autoChoosesKTheOuterStepAndTheRateFromTheShapeAlone() {
        double r2 = 1.4142135623730951;
        double r32 = 5.656854249492381;
        double r31 = 3.9370039370059056;
        // (W / 2)^(3/4) for W = 3, 4, 8, 15, 16
        double p3 = 1.3554030054147672;
        double p4 = 1.681792830507429;
        double p8 = 2.8284271247461903;
        double p15 = 4.532063096035152;
        double p16 = 4.756828460010884;
        Object[][] table = {
                // parameters, batch, state arrays, rows per worker, workers, K, outer rate, outer momentum, rate x, warm-up
                // Fashion-MNIST, 60,000 rows over W workers: n = 60,000 / W, ceil(n / 64) iterations an epoch
                {235_146, 64, 2, 60_000L, 1, 256, 1.0, 0.0, 1.0, 0L}, {235_146, 64, 2, 30_000L, 2, 256, 1.0, 0.0, 1.0, 0L},
                {235_146, 64, 2, 20_000L, 3, 128, 1.0, 0.0, p3, 256L}, {235_146, 64, 2, 15_000L, 4, 128, 1.0, 0.9, p4, 235L},
                {235_146, 64, 2, 7_500L, 8, 64, 1.0, 0.9, p8, 118L}, {235_146, 64, 2, 4_000L, 15, 32, 1.0, 0.9, p15, 63L},
                {235_146, 64, 2, 3_750L, 16, 32, 1.0, 0.9, p16, 59L}, {235_146, 64, 2, 1_875L, 32, 1, 1.0, 0.0, 4.0, 30L},
                {235_146, 64, 2, 938L, 64, 1, 1.0, 0.0, r32, 15L},
                // 31 workers, synchronous from 17: K = 1, no outer step, the rate x sqrt(31 / 2) warmed up over the epoch
                {235_146, 64, 2, 1_936L, 31, 1, 1.0, 0.0, r31, 31L},
                // the 1M-row teacher data: the epoch never binds K; local steps warm up over 256 of the epoch's 3,907 or 977
                // iterations; 15,625 rows a worker at 64 workers: 245 iterations, synchronous, warmed up over the epoch
                {235_146, 64, 2, 1_000_000L, 1, 256, 1.0, 0.0, 1.0, 0L}, {235_146, 64, 2, 250_000L, 4, 128, 1.0, 0.9, p4, 256L},
                {235_146, 64, 2, 62_500L, 16, 32, 1.0, 0.9, p16, 256L}, {235_146, 64, 2, 15_625L, 64, 1, 1.0, 0.0, r32, 245L},
                // a block smaller than the batch: b = 40, one iteration an epoch, so K = 1 and no outer step; the scaled
                // rate warms up over that one iteration
                {235_146, 64, 2, 40L, 8, 1, 1.0, 0.0, p8, 1L}, {235_146, 64, 2, 40L, 32, 1, 1.0, 0.0, 4.0, 1L},
                // this class's regression (P = 97) on 2 and 4 workers of 400 and 200 rows at b = 20: the epoch binds
                {97, 20, 2, 400L, 2, 20, 1.0, 0.0, 1.0, 0L}, {97, 20, 2, 200L, 4, 10, 1.0, 0.9, p4, 10L}};
        assertEquals(r2, Math.sqrt(2.0));
        for (Object[] row : table) {
            LocalStepsChoice.Auto auto = LocalStepsChoice.auto((Integer) row[0], (Integer) row[1], (Integer) row[2], (Long) row[3],
                    (Integer) row[4]);
            String name = java.util.Arrays.toString(row);
            assertEquals(new LocalStepsChoice.Auto((Integer) row[5], (Double) row[6], (Double) row[7], auto.rateScale(), (Long) row[9]),
                    auto, name);
            // the powers to within rounding (the library's pow may differ from the table's in the last bit)
            assertEquals((Double) row[8], auto.rateScale(), 1e-15 * (Double) row[8], name);
        }
    }

    /**
     * train.learningRateScale resolved for W workers of 10 iterations an epoch, 30 in the run: auto is (W / 2)^(3/4)
     * where auto's or timed's K takes local steps, sqrt(W / 2) where it is synchronous (from 17 workers), a set K keeps
     * the rate; sqrt and linear
     * scale from 2 workers whatever K; a scaled rate warms up over the epoch, at most half the run, unless
     * train.warmupSteps is set; none never scales.
     */
    @Test
    void theLearningRateFollowsTheWorkersAsSet() {
        Object[][] table = {
                // scale setting, train.localSteps, train.warmupSteps, workers, factor, warm-up taken
                {"auto", "auto", 0L, 2, 1.0, 0L}, {"auto", "auto", 0L, 4, Math.pow(2, 0.75), 10L}, {"auto", "timed", 0L, 64, Math.sqrt(32), 10L},
                {"auto", "auto", 0L, 16, Math.pow(8, 0.75), 10L}, {"auto", "auto", 0L, 17, Math.sqrt(8.5), 10L}, {"auto", "auto", 0L, 32, 4.0, 10L}, {"auto", "auto", 25L, 32, 4.0, 25L},
                {"auto", "1", 0L, 32, 1.0, 0L}, {"auto", "8", 5L, 64, 1.0, 5L},
                {"none", "auto", 0L, 64, 1.0, 0L}, {"sqrt", "8", 0L, 16, Math.sqrt(8), 10L}, {"sqrt", "auto", 0L, 1, 1.0, 0L},
                {"sqrt", "auto", 0L, 2, 1.0, 0L}, {"linear", "1", 0L, 16, 8.0, 10L}, {"linear", "1", 3L, 3, 1.5, 3L}};
        // a run of one epoch warms up over its first half, one of a single iteration over that iteration
        TrainingConfig sqrt = TrainingConfig.builder(REGRESSION).parse(LEARNING_RATE_SCALE, "sqrt").build();
        assertEquals(new LocalStepsChoice.Rate(2.0, 5), LocalStepsChoice.rate(sqrt, 8, 10, 10));
        assertEquals(new LocalStepsChoice.Rate(2.0, 1), LocalStepsChoice.rate(sqrt, 8, 1, 1));
        for (Object[] row : table) {
            TrainingConfig c = TrainingConfig.builder(REGRESSION).set(LEARNING_RATE, 0.01).parse(LEARNING_RATE_SCALE, (String) row[0])
                    .set(LOCAL_STEPS, (String) row[1]).set(WARMUP_STEPS, (Long) row[2]).build();
            LocalStepsChoice.Rate rate = LocalStepsChoice.rate(c, (Integer) row[3], 10, 30);
            assertEquals(new LocalStepsChoice.Rate((Double) row[4], (Long) row[5]), rate, java.util.Arrays.toString(row));
            TrainingConfig taken = rate.applied(c);
            assertEquals(0.01 * (Double) row[4], taken.get(LEARNING_RATE), 1e-15, java.util.Arrays.toString(row));
            assertEquals(row[5], taken.get(WARMUP_STEPS));
        }
        assertEquals("training configuration: train.learningRateScale = 'cube' is invalid, expected one of auto, none, sqrt, linear",
                failure(() -> TrainingConfig.builder(REGRESSION).parse(LEARNING_RATE_SCALE, "cube")));
    }

    /** The outer step auto takes: Nesterov (1, 0.9) from 4 workers on, where it was left at plain averaging. */
    @Test
    void autoTakesAnOuterNesterovStepFromFourWorkersOn() {
        TrainingConfig auto = TrainingConfig.builder(REGRESSION).build();
        Object[][] table = {
                // workers, settings' outer (rate, momentum), K set, outer taken (rate, momentum)
                {3, 1.0, 0.0, "auto", 1.0, 0.0}, {4, 1.0, 0.0, "auto", 1.0, 0.9}, {8, 1.0, 0.0, "auto", 1.0, 0.9},
                {64, 1.0, 0.0, "timed", 1.0, 0.9}, {16, 0.5, 0.0, "auto", 0.5, 0.0}, {16, 1.0, 0.5, "auto", 1.0, 0.5},
                {16, 1.0, 0.0, "16", 1.0, 0.0}};
        for (Object[] row : table) {
            TrainingConfig c = auto.toBuilder().set(OUTER_LEARNING_RATE, (Double) row[1]).set(OUTER_MOMENTUM, (Double) row[2])
                    .set(LOCAL_STEPS, (String) row[3]).build();
            TrainingConfig taken = LocalStepsChoice.outerStep(c, (Integer) row[0]);
            assertEquals(row[4], taken.get(OUTER_LEARNING_RATE), java.util.Arrays.toString(row));
            assertEquals(row[5], taken.get(OUTER_MOMENTUM), java.util.Arrays.toString(row));
        }
    }

    @Test
    void autoIsTheDefaultAndChoosesFromTheShape() {
        TrainingConfig c = TrainingConfig.builder(REGRESSION).set(LEARNING_RATE, 0.01).set(BATCH_SIZE, 20).set(EPOCHS, 2)
                .set(SEED, 4L).set(LOG_INTERVAL, 0L).build();
        TrainingResult r = new DistributedTrainer(TestSpark.jsc(spark), c).fit(data, null);
        // 4 workers: local steps, K = the epoch's 10 iterations (the cost rule wants more), Nesterov (1, 0.9), the rate
        // x (4 / 2)^(3/4) warmed up over the epoch (half the run)
        double p4 = Math.pow(2, 0.75);
        assertEquals(new RoundsTaken(4, 10, 1.0, 0.9, p4, 0.01 * p4, 10), r.rounds());
        assertEquals(10, r.localSteps());
    }

    /**
     * A checkpoint written before train.learningRateScale (no rate taken recorded) ran at the rate as set: resumed at
     * the default auto it continues so, ending with the bits of a run that never stopped; a scale set to something
     * else is refused, naming both.
     */
    @Test
    @SuppressWarnings("unchecked")
    void aCheckpointFromBeforeTheRateScaleResumesAtTheRateItRan(@TempDir Path dir) throws IOException {
        // 32 blocks of 25 rows: auto is synchronous there and would take the rate x sqrt(32 / 2) = 4, warmed up over
        // the epoch's ceil(25 / 20) = 2 iterations
        DataBlocks blocks = BlockBuilder.forNetwork(REGRESSION).build(TestData.frame(spark, TestData.regression(800, 4, 21),
                TestData.VECTOR_SCHEMA, 32));
        try {
            TrainingConfig.Builder b = TrainingConfig.builder(REGRESSION).set(LEARNING_RATE, 0.01).set(BATCH_SIZE, 20)
                    .set(EPOCHS, 2).set(SEED, 4L).set(LOG_INTERVAL, 0L);
            assertEquals(new RoundsTaken(32, 1, 1.0, 0.0, 4.0, 0.04, 2),
                    new DistributedTrainer(TestSpark.jsc(spark), b.set(MAX_ITERATIONS, 1L).build()).fit(blocks, null).rounds());
            b.parse(LEARNING_RATE_SCALE, "none").set(MAX_ITERATIONS, 0L);
            TrainingResult straight = new DistributedTrainer(TestSpark.jsc(spark), b.build()).fit(blocks, null);
            assertEquals(1.0, straight.rounds().rateScale());
            String uri = dir.toUri().toString();
            new DistributedTrainer(TestSpark.jsc(spark), b.set(CHECKPOINT_DIR, uri).set(MAX_ITERATIONS, 2L).build()).fit(blocks, null);
            // what an older sparkprop wrote: neither the setting nor the rate and warm-up taken
            try (Stream<Path> files = Files.list(dir)) {
                for (Path json : files.filter(f -> f.toString().endsWith(".json")).toList()) {
                    Map<String, Object> meta = JSON.readValue(json.toFile(), Map.class);
                    Map<?, ?> recorded = (Map<?, ?>) meta.get("config");
                    for (String key : List.of(LEARNING_RATE_SCALE.key(), "learning_rate_scale_taken", "warmup_steps_taken")) {
                        assertTrue(recorded.remove(key) != null, key);
                    }
                    JSON.writeValue(json.toFile(), meta);
                }
            }
            // resumed at auto, it continues at the rate it ran (x 1), not auto's x 4
            b.parse(LEARNING_RATE_SCALE, "auto").set(MAX_ITERATIONS, 0L);
            TrainingResult resumed = new DistributedTrainer(TestSpark.jsc(spark), b.build()).resume(blocks, null);
            assertEquals(4, resumed.iterations());
            assertEquals(1.0, resumed.rounds().rateScale());
            assertArrayEquals(straight.parameters(), resumed.parameters());

            String refused = failure(() -> new DistributedTrainer(TestSpark.jsc(spark), b.parse(LEARNING_RATE_SCALE, "sqrt").build())
                    .resume(blocks, null));
            assertTrue(refused.contains("the checkpointed run took train.learningRate x 1.000 with a warm-up of 0 iterations, this"
                    + " one would take x 4.000 and 2 (train.learningRateScale = sqrt)"), refused);
        } finally {
            blocks.unpersist();
        }
    }

    @Test
    void aKBeyondAnEpochRunsAndIsRecordedAsTheEpoch() {
        TrainingResult r = new DistributedTrainer(TestSpark.jsc(spark), config().set(LOCAL_STEPS, "64").set(EPOCHS, 2).build())
                .fit(data, null);
        assertEquals(10, r.localSteps(), "a round never crosses an epoch's end: K = the epoch's 10 iterations");
        assertEquals(20, r.iterations());
    }

    private static String failure(Executable e) {
        return assertThrows(IllegalArgumentException.class, e).getMessage();
    }

    @Test
    void badSettingsNameTheSettingAndItsRange() {
        assertEquals("training configuration: train.localSteps = '0' is invalid, expected auto, timed or an integer >= 1",
                failure(() -> config().set(LOCAL_STEPS, "0")));
        assertEquals("training configuration: train.localSteps = '2.5' is invalid, expected auto, timed or an integer >= 1",
                failure(() -> config().set(LOCAL_STEPS, "2.5")));
        assertEquals("training configuration: train.outerLearningRate = 0.0 is invalid, expected a number > 0",
                failure(() -> config().set(OUTER_LEARNING_RATE, 0.0)));
        assertEquals("training configuration: train.outerMomentum = 1.0 is invalid, expected a number >= 0 and < 1",
                failure(() -> config().set(OUTER_MOMENTUM, 1.0)));
        assertEquals("training configuration: train.localSteps.optimizerState = 'kept' is invalid, expected one of reset, averaged",
                failure(() -> config().set(LOCAL_OPTIMIZER_STATE, "kept")));
    }
}
