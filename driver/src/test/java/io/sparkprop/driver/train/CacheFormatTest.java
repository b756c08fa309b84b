package io.sparkprop.driver.train;

import io.sparkprop.core.data.CacheFormat;
import io.sparkprop.core.data.CompactFeatures;
import io.sparkprop.core.data.DataBlock;
import io.sparkprop.core.data.Standardizer;
import io.sparkprop.driver.Mnist;
import io.sparkprop.driver.TestData;
import io.sparkprop.driver.TestSpark;
import io.sparkprop.driver.model.SavedModel;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.sparkprop.driver.config.TrainingSettings.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * data.cacheFormat through {@link ModelFit} in local[2]: the same bits on a second run for every
 * format; uint8 on MNIST pixels (pixels / 255, as the IDX reader gives them) the same bits as
 * float32; bfloat16 and float16 within half a point of float32's validation accuracy; the cache at
 * its compact size, recorded in the model.
 */
class CacheFormatTest {
    private static final String[] FORMATS = {"float32", "bfloat16", "float16", "uint8"};
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = TestSpark.start("local[2]");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static ModelFit.Result fit(String format, Dataset<Row> train, Dataset<Row> validation, int epochs, int hidden) {
        TrainingConfig settings = TrainingConfig.builder().set(CACHE_FORMAT, format).set(HIDDEN, new int[] {hidden})
                .set(EPOCHS, epochs).set(BATCH_SIZE, 64).set(LEARNING_RATE, 2e-3).set(SEED, 5L).set(LOCAL_STEPS, "8")
                .set(LOG_INTERVAL, 0L).build();
        return new ModelFit(settings, SavedModel.Task.CLASSIFICATION).features("features").label("label").run(train, validation);
    }

    @Test
    void everyFormatGivesTheSameBitsTwice() {
        List<Row> rows = TestData.classification(600, 10, 3, 1.0, false, 21);
        Dataset<Row> train = TestData.frame(spark, rows.subList(0, 480), TestData.VECTOR_SCHEMA, 3);
        Dataset<Row> validation = TestData.frame(spark, rows.subList(480, 600), TestData.VECTOR_SCHEMA, 2);
        for (String format : FORMATS) {
            ModelFit.Result first = fit(format, train, validation, 2, 16);
            ModelFit.Result second = fit(format, train, validation, 2, 16);
            assertArrayEquals(first.model().params(), second.model().params(), format);
            @SuppressWarnings("unchecked")
            Map<String, Object> cache = (Map<String, Object>) first.model().training().get("cache");
            assertEquals(format, cache.get("format"));
            assertEquals(first.cachedBytes(), ((Number) cache.get("bytes")).longValue());
        }
    }

    @Test
    void uint8IsExactOnPixelsAndHalfFloatsKeepTheAccuracy() throws Exception {
        Mnist mnist = Mnist.load();
        Dataset<Row> train = mnistFrame(mnist, 0, 4000, 2);
        Dataset<Row> validation = mnistFrame(mnist, 4000, 6000, 2);
        Map<String, ModelFit.Result> fits = new java.util.LinkedHashMap<>();
        for (String format : FORMATS) {
            fits.put(format, fit(format, train, validation, 2, 64));
        }
        ModelFit.Result float32 = fits.get("float32");
        long float32Bytes = float32.cachedBytes();
        long labels = 4L * float32.trainRows();
        assertEquals(4L * 784 * float32.trainRows() + labels, float32Bytes);
        fits.forEach((format, r) -> System.out.printf("%-8s cached %,d bytes (%.3f of float32), validation accuracy %.4f%n",
                format, r.cachedBytes(), (double) r.cachedBytes() / float32Bytes, r.metrics().accuracy()));

        assertArrayEquals(float32.model().params(), fits.get("uint8").model().params(), "uint8 on pixels / 255 is exact");
        assertEquals(float32.metrics().accuracy(), fits.get("uint8").metrics().accuracy());
        for (String format : new String[] {"bfloat16", "float16"}) {
            double drop = float32.metrics().accuracy() - fits.get(format).metrics().accuracy();
            assertTrue(Math.abs(drop) <= 0.005, format + " accuracy " + fits.get(format).metrics().accuracy() + ", float32 "
                    + float32.metrics().accuracy());
            assertFalse(java.util.Arrays.equals(float32.model().params(), fits.get(format).model().params()),
                    format + " rounds the standardised pixels, so its bits differ");
            assertEquals(2L * 784 * float32.trainRows() + labels, fits.get(format).cachedBytes(), format);
        }
        // one byte a value, plus offset and step per column (16 bytes) and the standardisation (8 bytes) per block
        assertEquals(784L * float32.trainRows() + labels + 2 * 24L * 784, fits.get("uint8").cachedBytes());
        assertTrue(float32.metrics().accuracy() > 0.85, "float32 accuracy " + float32.metrics().accuracy());
    }

    /** Spark's configured serializer (Kryo, registration required) carries every compact block whole. */
    @Test
    void compactBlocksCrossKryo() {
        float[] x = new float[40 * 3];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i * 37 % 256) / 255f + (i % 3 == 2 ? 0.001f * i : 0);
        }
        DataBlock raw = DataBlock.dense(40, 3, x, 1, new float[40]);
        Standardizer standardizer = Standardizer.fromMoments(Standardizer.moments(raw), true);
        org.apache.spark.serializer.SerializerInstance kryo = org.apache.spark.SparkEnv.get().serializer().newInstance();
        scala.reflect.ClassTag<DataBlock> tag = scala.reflect.ClassTag$.MODULE$.apply(DataBlock.class);
        for (CacheFormat format : new CacheFormat[] {CacheFormat.BFLOAT16, CacheFormat.FLOAT16, CacheFormat.UINT8}) {
            CompactFeatures.Uint8Columns columns = format == CacheFormat.UINT8
                    ? CompactFeatures.fitUint8(CompactFeatures.columnStats(raw)) : null;
            DataBlock block = DataBlock.compact(CompactFeatures.encode(x, 40, 3, format, columns, standardizer), 1, new float[40])
                    .withWeights(new float[40]);
            DataBlock back = kryo.deserialize(kryo.serialize(block, tag), tag);
            assertEquals(format, back.cacheFormat());
            assertEquals(block.sizeInBytes(), back.sizeInBytes());
            float[] a = new float[3];
            float[] b = new float[3];
            for (int r = 0; r < 40; r++) {
                block.compact().decodeRow(r, a, 0);
                back.compact().decodeRow(r, b, 0);
                assertArrayEquals(a, b, format + " row " + r);
            }
        }
    }

    @Test
    void aBadFormatNamesTheSettingAndTheChoices() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrainingConfig.builder().set(CACHE_FORMAT, "int4").build());
        assertTrue(e.getMessage().contains("data.cacheFormat") && e.getMessage().contains("uint8"), e.getMessage());
    }

    /** MNIST rows {@code [from, to)}: the pixels / 255 as the IDX reader gives them, a Vector column. */
    private static Dataset<Row> mnistFrame(Mnist mnist, int from, int to, int partitions) {
        List<Row> rows = new ArrayList<>();
        for (int i = from; i < to; i++) {
            double[] x = new double[784];
            for (int j = 0; j < 784; j++) {
                x[j] = mnist.images[i][j];
            }
            rows.add(RowFactory.create(Vectors.dense(x), (double) mnist.labels[i]));
        }
        StructType schema = new StructType().add("features", SQLDataTypes.VectorType()).add("label", DataTypes.DoubleType);
        return TestData.frame(spark, rows, schema, partitions);
    }
}
