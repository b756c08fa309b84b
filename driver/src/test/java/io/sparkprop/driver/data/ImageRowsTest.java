package io.sparkprop.driver.data;

import io.sparkprop.core.data.DataBlock;
import io.sparkprop.core.data.IdxReader;
import io.sparkprop.core.nn.NetworkSpec;
import io.sparkprop.driver.TestData;
import io.sparkprop.driver.TestSpark;
import io.sparkprop.driver.model.SavedModel;
import io.sparkprop.driver.train.ModelFit;
import io.sparkprop.driver.train.TrainingConfig;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static io.sparkprop.driver.config.TrainingSettings.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Blocks built from images the driver holds are the blocks dealt from the same rows read through Spark SQL,
 * bit for bit, and a fit that reads the images trains to the same parameters.
 */
class ImageRowsTest {
    private static final int WIDTH = 6;
    private static final int CLASSES = 4;
    private static SparkSession spark;
    private static JavaSparkContext jsc;

    @BeforeAll
    static void start() {
        spark = TestSpark.start("local[2]");
        jsc = TestSpark.jsc(spark);
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /** {@code count} images of random bytes (0 and 255 included), labels 0..CLASSES-1 from the seed. */
    private static ImageRows images(int count, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        byte[] pixels = new byte[count * WIDTH];
        byte[] labels = new byte[count];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i % 17 == 0 ? 255 : rng.nextInt(256));
        }
        for (int i = 0; i < count; i++) {
            labels[i] = (byte) rng.nextInt(CLASSES);
        }
        return new ImageRows(count, WIDTH, labels, jsc.broadcast(pixels), jsc.broadcast(labels));
    }

    /** The images as the rows an IDX read gives (pixels / 255 in a dense vector, the label as a double), in {@code partitions}. */
    private static Dataset<Row> rows(ImageRows images, int partitions) {
        byte[] pixels = images.pixels().value();
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < images.count(); i++) {
            double[] v = new double[WIDTH];
            for (int c = 0; c < WIDTH; c++) {
                v[c] = IdxReader.pixel(pixels[i * WIDTH + c]);
            }
            rows.add(RowFactory.create(Vectors.dense(v), (double) (images.labels()[i] & 0xff)));
        }
        return TestData.frame(spark, rows, TestData.VECTOR_SCHEMA, partitions);
    }

    private static BlockBuilder builder(int blocks, float[] classWeights) {
        NetworkSpec spec = NetworkSpec.input(WIDTH).dense(5, "relu").dense(CLASSES, "softmax").loss("softmax_cross_entropy");
        return BlockBuilder.forNetwork(spec).classWeights(classWeights).balanced(blocks, false, null);
    }

    private static void assertSameBlocks(DataBlocks expected, DataBlocks actual, String what) {
        List<DataBlock> e = expected.rdd().collect();
        List<DataBlock> a = actual.rdd().collect();
        assertEquals(e.size(), a.size(), what);
        assertArrayEquals(expected.partitionRows(), actual.partitionRows(), what);
        for (int p = 0; p < e.size(); p++) {
            assertEquals(e.get(p).rows(), a.get(p).rows(), what + ", block " + p);
            assertEquals(e.get(p).cols(), a.get(p).cols(), what + ", block " + p);
            assertFalse(a.get(p).isSparse(), what + ", block " + p);
            assertArrayEquals(e.get(p).dense(), a.get(p).dense(), what + ", features of block " + p);
            assertArrayEquals(e.get(p).targets(), a.get(p).targets(), what + ", targets of block " + p);
            assertArrayEquals(e.get(p).weights(), a.get(p).weights(), what + ", weights of block " + p);
        }
        assertEquals(expected.weightSum(), actual.weightSum(), 0, what);
        assertEquals(expected.weighted(), actual.weighted(), what);
        assertEquals(expected.rows(), actual.rows(), what);
        assertEquals(expected.cols(), actual.cols(), what);
        assertEquals(expected.targetWidth(), actual.targetWidth(), what);
        assertEquals(expected.sizeInBytes(), actual.sizeInBytes(), what);
        assertEquals(expected.float32SizeInBytes(), actual.float32SizeInBytes(), what);
        assertEquals(expected.sparse(), actual.sparse(), what);
    }

    @Test
    void blocksFromImagesAreTheBlocksDealtFromTheirRows() {
        ImageRows images = images(103, 1);
        float[][] weightings = {null, {0.5f, 2f, 1f, 3f}};
        for (int blocks : new int[] {1, 2, 3, 7}) {
            for (float[] classWeights : weightings) {
                String what = blocks + " blocks, class weights " + (classWeights != null);
                BlockBuilder builder = builder(blocks, classWeights);
                assertTrue(builder.builds(images), what);
                DataBlocks fromRows = builder.build(rows(images, 3));
                DataBlocks fromImages = builder.build(images, jsc);
                assertSameBlocks(fromRows, fromImages, what);
                fromRows.unpersist();
                fromImages.unpersist();
            }
        }
    }

    @Test
    void imagesWithALabelBeyondTheNetworkOrWiderThanItAreLeftToTheRows() {
        ImageRows images = images(20, 2);
        images.labels()[7] = (byte) CLASSES;
        assertFalse(builder(2, null).builds(images));
        ImageRows wide = new ImageRows(2, WIDTH + 1, new byte[2], jsc.broadcast(new byte[2 * (WIDTH + 1)]), jsc.broadcast(new byte[2]));
        assertFalse(builder(2, null).builds(wide));
    }

    @Test
    void aFitOnImagesTrainsToTheBitsOfTheSameFitOnTheirRows() {
        ImageRows train = images(240, 3);
        ImageRows validation = images(60, 4);
        TrainingConfig config = TrainingConfig.builder().parse(LOG_INTERVAL, "0").parse(SEED, "3").parse(BATCH_SIZE, "16")
                .parse(EPOCHS, "2").parse(HIDDEN, "8").parse(CLASS_WEIGHTS, "balanced").build();
        ModelFit.Result fromRows = new ModelFit(config, SavedModel.Task.CLASSIFICATION).run(rows(train, 3), rows(validation, 2));
        ModelFit.Result fromImages = new ModelFit(config, SavedModel.Task.CLASSIFICATION).images(train, validation)
                .run(rows(train, 3), rows(validation, 2));
        assertEquals(CLASSES, fromImages.model().spec().outputWidth());
        assertArrayEquals(fromRows.model().params(), fromImages.model().params());
        assertEquals(fromRows.metrics().toMapWithRows(), fromImages.metrics().toMapWithRows());
        assertClassWeightsEqual(fromRows, fromImages);
    }

    @Test
    void aFitThatSplitsItsValidationRowsOffTakesTheClassCountFromTheImagesAndTrainsToTheSameBits() {
        ImageRows train = images(300, 5);
        TrainingConfig config = TrainingConfig.builder().parse(LOG_INTERVAL, "0").parse(SEED, "3").parse(BATCH_SIZE, "16")
                .parse(EPOCHS, "2").parse(HIDDEN, "8").parse(CLASS_WEIGHTS, "balanced").parse(VALIDATION_FRACTION, "0.2").build();
        ModelFit.Result fromRows = new ModelFit(config, SavedModel.Task.CLASSIFICATION).run(rows(train, 3), null);
        ModelFit.Result fromImages = new ModelFit(config, SavedModel.Task.CLASSIFICATION).images(train, null)
                .run(rows(train, 3), null);
        assertEquals(CLASSES, fromImages.model().spec().outputWidth());
        assertTrue(fromImages.metrics().rows() < 300, "validation rows split off");
        assertArrayEquals(fromRows.model().params(), fromImages.model().params());
        assertEquals(fromRows.metrics().toMapWithRows(), fromImages.metrics().toMapWithRows());
        assertClassWeightsEqual(fromRows, fromImages);
    }

    private static void assertClassWeightsEqual(ModelFit.Result fromRows, ModelFit.Result fromImages) {
        Map<?, ?> expected = (Map<?, ?>) fromRows.model().training().get("classWeights");
        Map<?, ?> actual = (Map<?, ?>) fromImages.model().training().get("classWeights");
        assertArrayEquals((long[]) expected.get("classRows"), (long[]) actual.get("classRows"));
        assertArrayEquals((double[]) expected.get("weights"), (double[]) actual.get("weights"));
    }
}
