package io.sparkprop.jobs.data;

import io.sparkprop.core.data.DataBlock;
import io.sparkprop.core.data.IdxReader;
import io.sparkprop.driver.data.ImageRows;
import io.sparkprop.jobs.config.DataFormat;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * IDX data through DataSource: the rows are the files' as IdxReader reads them (pixels / 255, class
 * indices), in file order, in contiguous partitions; their count is known without a Spark job.
 */
class IdxSourceTest {
    private static final String IMAGES = "/builtin/mnist-10k/t10k-images-idx3-ubyte.gz";
    private static final String LABELS = "/builtin/mnist-10k/t10k-labels-idx1-ubyte.gz";

    @Test
    void rowsAreTheFilesInOrderAndTheirCountIsKnownWithoutAJob() throws Exception {
        DataBlock expected;
        try (InputStream im = DataSource.class.getResourceAsStream(IMAGES); InputStream lb = DataSource.class.getResourceAsStream(LABELS)) {
            expected = IdxReader.readMnist(im, lb, "mnist-10k");
        }
        try (SparkSession spark = SparkSession.builder().master("local[2]").config("spark.ui.enabled", "false").getOrCreate()) {
            AtomicInteger jobs = new AtomicInteger();
            spark.sparkContext().addSparkListener(new SparkListener() {
                @Override
                public void onJobStart(SparkListenerJobStart start) {
                    jobs.incrementAndGet();
                }
            });
            DataSource source = new DataSource(spark);
            Dataset<Row> rows = source.read(DataFormat.IDX, "builtin:mnist-10k", false, ",", 3);
            assertEquals(2, source.rowsUpTo(rows, 2));
            assertEquals(1, source.rowsUpTo(rows, 1));
            spark.sparkContext().listenerBus().waitUntilEmpty();
            assertEquals(0, jobs.get(), "Spark jobs to read IDX data and count up to two rows");

            // the images as the driver holds them (a fit builds its blocks from them): row i is image i
            ImageRows images = source.images(rows);
            assertEquals(expected.rows(), images.count());
            assertEquals(expected.cols(), images.width());
            byte[] pixels = images.pixels().value();
            for (int i = 0; i < images.count(); i++) {
                assertEquals(expected.targets()[i], images.labels()[i] & 0xff, "image " + i + " label");
                for (int c = 0; c < images.width(); c++) {
                    if (IdxReader.pixel(pixels[i * images.width() + c]) != expected.dense()[i * images.width() + c]) {
                        assertEquals(expected.dense()[i * images.width() + c], IdxReader.pixel(pixels[i * images.width() + c]),
                                "image " + i + " pixel " + c);
                    }
                }
            }
            assertArrayEquals(images.labels(), images.shared().value());
            assertNull(source.images(rows.limit(5)), "rows derived from the IDX rows are not the images");

            // partition p of 3 holds rows [p n / 3, (p + 1) n / 3)
            assertEquals(List.of(3333, 3333, 3334), rows.javaRDD().glom().map(List::size).collect());
            List<Row> all = rows.collectAsList();
            assertEquals(expected.rows(), all.size());
            int cols = expected.cols();
            for (int r = 0; r < all.size(); r++) {
                Vector x = (Vector) all.get(r).get(0);
                assertEquals(cols, x.size());
                for (int c = 0; c < cols; c++) {
                    if (x.apply(c) != expected.dense()[r * cols + c]) {
                        assertEquals(expected.dense()[r * cols + c], x.apply(c), "row " + r + " pixel " + c);
                    }
                }
                assertEquals(expected.targets()[r], all.get(r).getDouble(1), "row " + r + " label");
            }
        }
    }
}
