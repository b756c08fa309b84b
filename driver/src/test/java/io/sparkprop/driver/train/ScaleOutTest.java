package io.sparkprop.driver.train;

import io.sparkprop.core.nn.NetworkSpec;
import io.sparkprop.driver.TestData;
import io.sparkprop.driver.TestSpark;
import io.sparkprop.driver.data.BlockBuilder;
import io.sparkprop.driver.data.DataBlocks;
import io.sparkprop.driver.model.SavedModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static io.sparkprop.driver.config.TrainingSettings.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One balanced block per task slot (local[4]: 4), whatever the input's partitioning or skew; the
 * per-worker batch; same bits at a fixed slot count, across input partitionings and a resume.
 */
class ScaleOutTest {
    private static final int ROWS = 403;
    private static final NetworkSpec SPEC = NetworkSpec.input(12).dense(8, "tanh").dense(3, "softmax").loss("softmax_cross_entropy");
    private static SparkSession spark;
    private static List<Row> rows;

    @BeforeAll
    static void start() {
        spark = TestSpark.start("local[4]");
        rows = TestData.classification(ROWS, 12, 3, 1.0, false, 41);
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static TrainingConfig.Builder settings() {
        return TrainingConfig.builder().parse(LOG_INTERVAL, "0").parse(SEED, "3").parse(BATCH_SIZE, "16").parse(EPOCHS, "1")
                .parse(LOCAL_STEPS, "1").parse(VALIDATION_FRACTION, "0").parse(HIDDEN, "8");
    }

    private static ModelFit.Result fit(Dataset<Row> data, int partitions, TrainingConfig config) {
        return new ModelFit(config, SavedModel.Task.CLASSIFICATION).features("features").label("label").partitions(partitions)
                .run(data, null);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> blocking(ModelFit.Result r) {
        return (Map<String, Object>) r.model().training().get("blocking");
    }

    /** 403 rows in 4 blocks: 101, 101, 101, 100. */
    private static void assertFourBalancedBlocks(ModelFit.Result r, String what) {
        assertEquals(4, r.partitions(), what);
        Map<String, Object> b = blocking(r);
        assertEquals(4, b.get("blocks"), what);
        assertEquals(4, b.get("taskSlots"), what);
        assertEquals("task slots", b.get("from"), what);
        assertArrayEquals(new long[] {100, 101}, (long[]) b.get("rowsPerBlock"), what);
    }

    @Test
    void oneSevenAndTwoHundredInputPartitionsTrainOnFourBalancedBlocksWithTheSameBits() {
        float[] first = null;
        for (int inputs : new int[] {1, 7, 200}) {
            ModelFit.Result r = fit(TestData.frame(spark, rows, TestData.VECTOR_SCHEMA, inputs), 0, settings().build());
            assertFourBalancedBlocks(r, inputs + " input partitions");
            if (first == null) {
                first = r.model().params();
            } else {
                assertArrayEquals(first, r.model().params(), inputs + " input partitions");
            }
        }
    }

    /** One large CSV file and fifty one-row files, read into many uneven partitions. */
    @Test
    void aSkewedInputOfFilesTrainsOnFourBalancedBlocks(@TempDir Path dir) throws IOException {
        List<String> large = new ArrayList<>();
        large.add(header());
        for (int i = 0; i < ROWS - 50; i++) {
            large.add(line(rows.get(i)));
        }
        Files.write(dir.resolve("large.csv"), large);
        for (int i = ROWS - 50; i < ROWS; i++) {
            Files.write(dir.resolve(String.format(Locale.ROOT, "one-%02d.csv", i)), List.of(header(), line(rows.get(i))));
        }
        spark.conf().set("spark.sql.files.maxPartitionBytes", "4000");
        spark.conf().set("spark.sql.files.openCostInBytes", "1");
        try {
            List<String> columns = new ArrayList<>();
            StructType schema = new StructType();
            for (int c = 0; c < 12; c++) {
                columns.add("x" + c);
                schema = schema.add("x" + c, DataTypes.DoubleType);
            }
            Dataset<Row> data = spark.read().option("header", "true").schema(schema.add("label", DataTypes.DoubleType))
                    .csv(dir.toString());
            assertTrue(data.rdd().getNumPartitions() > 20, data.rdd().getNumPartitions() + " input partitions");
            ModelFit.Result r = new ModelFit(settings().build(), SavedModel.Task.CLASSIFICATION).featureColumns(columns)
                    .label("label").run(data, null);
            assertFourBalancedBlocks(r, "skewed files");
        } finally {
            spark.conf().unset("spark.sql.files.maxPartitionBytes");
            spark.conf().unset("spark.sql.files.openCostInBytes");
        }
    }

    private static String header() {
        StringBuilder s = new StringBuilder();
        for (int c = 0; c < 12; c++) {
            s.append('x').append(c).append(',');
        }
        return s.append("label").toString();
    }

    private static String line(Row row) {
        StringBuilder s = new StringBuilder();
        for (double v : ((Vector) row.get(0)).toArray()) {
            s.append(v).append(',');
        }
        return s.append(row.get(1)).toString();
    }

    @Test
    void theRowsEachTaskComputesAStepOnAreThePerWorkerBatchAt2And16Workers() {
        for (int workers : new int[] {2, 16}) {
            long[] blockRows = new long[workers];
            java.util.Arrays.fill(blockRows, 500);
            IterationPlan plan = IterationPlan.of(blockRows, 64);
            for (int p = 0; p < workers; p++) {
                assertEquals(64, plan.batch(p));
                assertEquals(64, plan.to(p, 0) - plan.from(p, 0));
            }
            assertEquals(64L * workers, plan.globalBatch());
            assertEquals(8, plan.iterationsPerEpoch());
        }
        ModelFit.Result r = fit(TestData.frame(spark, rows, TestData.VECTOR_SCHEMA, 3), 16, settings().build());
        assertEquals(16, r.partitions());
        assertEquals(16, blocking(r).get("batchPerWorker"));
        assertEquals(256L, blocking(r).get("globalBatch"));
        assertEquals("data.partitions", blocking(r).get("from"));
    }

    /**
     * model.json records how the rounds ran on the workers: at 4 workers with train.learningRateScale sqrt, local steps
     * of the epoch's ceil(101 / 16) = 7 iterations at the default rate 3e-3 x sqrt(4 / 2), warmed up over that epoch,
     * with auto's outer Nesterov step (1, 0.9); at 16 workers (25 or 26 rows, 2 iterations an epoch) auto takes K = 2,
     * the outer step and the rate x (16 / 2)^(3/4) warmed up over the epoch's 2 iterations (half the run).
     */
    @Test
    void modelJsonRecordsTheRoundsTheLearningRateAndTheWarmUpTaken() {
        TrainingConfig auto = settings().parse(LOCAL_STEPS, "auto").parse(EPOCHS, "2").build();
        TrainingConfig sqrt = auto.toBuilder().parse(LEARNING_RATE_SCALE, "sqrt").build();
        ModelFit.Result four = fit(TestData.frame(spark, rows, TestData.VECTOR_SCHEMA, 3), 4, sqrt);
        assertEquals(Map.of("workers", 4, "localSteps", 7, "outerLearningRate", 1.0, "outerMomentum", 0.9,
                "learningRateScale", Math.sqrt(2), "learningRate", 0.003 * Math.sqrt(2), "warmupSteps", 7L),
                four.model().training().get("rounds"));
        ModelFit.Result sixteen = fit(TestData.frame(spark, rows, TestData.VECTOR_SCHEMA, 3), 16, auto);
        assertEquals(Map.of("workers", 16, "localSteps", 2, "outerLearningRate", 1.0, "outerMomentum", 0.9,
                "learningRateScale", Math.pow(8, 0.75), "learningRate", 0.003 * Math.pow(8, 0.75), "warmupSteps", 2L),
                sixteen.model().training().get("rounds"));
    }

    @Test
    void aBatchLargerThanABlockIsCappedToItsRows() {
        ModelFit.Result r = fit(TestData.frame(spark, rows, TestData.VECTOR_SCHEMA, 3), 0,
                settings().parse(BATCH_SIZE, "500").build());
        assertEquals(101, blocking(r).get("batchPerWorker"));
        assertEquals((long) ROWS, blocking(r).get("globalBatch"));
        assertEquals(1L, r.training().iterations());
    }

    @Test
    void theBatchCapWarningNamesTheBatchAndTheSmallestBlocksRows() {
        IterationPlan plan = IterationPlan.of(new long[] {101, 100, 100}, 500);
        assertEquals("train.batchSize = 500 rows per worker is more than the 100 rows of the smallest of the 3 blocks: a"
                + " worker's batch is capped to its rows (301 rows per iteration in all)", plan.cappedBatchWarning(500, BATCH_SIZE.key()));
        assertEquals(null, IterationPlan.of(new long[] {101, 100}, 100).cappedBatchWarning(100, BATCH_SIZE.key()));
    }

    @Test
    void moreBlocksThanTrainingRowsIsOneErrorNamingBoth() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> fit(TestData.frame(spark, rows, TestData.VECTOR_SCHEMA, 3), 500, settings().build()));
        assertTrue(e.getMessage().contains("data.partitions = 500") && e.getMessage().contains("403 training rows"), e.getMessage());
    }

    private static DataBlocks dealt(int blocks) {
        return BlockBuilder.forNetwork(SPEC).balanced(blocks, true, "data.partitions")
                .build(TestData.frame(spark, rows, TestData.VECTOR_SCHEMA, 5));
    }

    private static TrainingConfig trainer(Path dir, String... more) {
        TrainingConfig.Builder b = TrainingConfig.builder(SPEC).parse(LOG_INTERVAL, "0").parse(SEED, "9").parse(BATCH_SIZE, "8")
                .parse(EPOCHS, "2").parse(LOCAL_STEPS, "2").parse(CHECKPOINT_DIR, dir.toUri().toString());
        for (int i = 0; i < more.length; i += 2) {
            b.parse(byKey(more[i]), more[i + 1]);
        }
        return b.build();
    }

    @Test
    void aResumeAtFourSlotsEndsWithTheSameBitsAndAnotherSlotCountIsRefused(@TempDir Path dir) {
        DataBlocks four = dealt(4);
        DataBlocks two = dealt(2);
        try {
            float[] whole = new DistributedTrainer(TestSpark.jsc(spark), trainer(dir.resolve("whole"))).fit(four, null).parameters();
            Path cut = dir.resolve("cut");
            new DistributedTrainer(TestSpark.jsc(spark), trainer(cut, "train.maxIterations", "6")).fit(four, null);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new DistributedTrainer(TestSpark.jsc(spark), trainer(cut)).resume(two, null));
            assertTrue(e.getMessage().contains("trained on 4 blocks") && e.getMessage().contains("this run has 2")
                    && e.getMessage().contains("data.partitions"), e.getMessage());
            float[] resumed = new DistributedTrainer(TestSpark.jsc(spark), trainer(cut)).resume(four, null).parameters();
            assertArrayEquals(whole, resumed);
        } finally {
            four.unpersist();
            two.unpersist();
        }
    }

    /** A checkpoint from before the per-worker batch (no block count recorded) is refused, not resumed with another meaning. */
    @Test
    void aCheckpointWithoutABlockCountIsRefused(@TempDir Path dir) throws IOException {
        DataBlocks four = dealt(4);
        try {
            new DistributedTrainer(TestSpark.jsc(spark), trainer(dir, "train.maxIterations", "6")).fit(four, null);
            com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
            try (var files = Files.list(dir)) {
                for (Path meta : files.filter(f -> f.toString().endsWith(".json")).toList()) {
                    var tree = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(meta.toFile());
                    ((com.fasterxml.jackson.databind.node.ObjectNode) tree.get("config")).remove("blocks");
                    json.writeValue(meta.toFile(), tree);
                }
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new DistributedTrainer(TestSpark.jsc(spark), trainer(dir)).resume(four, null));
            assertTrue(e.getMessage().contains("records no block count") && e.getMessage().contains("train.batchSize was the global"
                    + " batch"), e.getMessage());
        } finally {
            four.unpersist();
        }
    }
}
