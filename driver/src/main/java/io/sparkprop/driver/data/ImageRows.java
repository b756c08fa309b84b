package io.sparkprop.driver.data;

import io.sparkprop.core.data.DataBlock;
import io.sparkprop.core.data.IdxReader;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;

import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Images with a class label each that the driver read (the IDX files of the MNIST family: {@code count}
 * images of {@code width} unsigned-byte pixels, one unsigned-byte label each) and broadcast once, row i
 * being image i: rows a fit reads without Spark SQL. The labels' counts are known on the driver (the
 * class count needs no Spark job), and S balanced blocks are built where they are cached, block s from
 * the executor's copy of the bytes:
 * <pre>
 *   block s of S:  rows i = s, s + S, s + 2 S, ... &lt; count, in increasing i
 *   features       IdxReader.pixel(pixels[i * width + c])   (float32, as the rows' vectors hold them)
 *   target         labels[i]                                (a class index)
 *   weight         classWeights[labels[i]]                  (none without class weights)
 * </pre>
 * exactly the blocks {@link BlockBuilder} deals the same rows into (one pass, no shuffle, no plan to compile).
 *
 * @param count  the images (rows)
 * @param width  the pixels of one image (features per row)
 * @param labels the labels on the driver [count]
 * @param pixels the pixels, broadcast [count * width]
 * @param shared the labels, broadcast [count]
 */
public record ImageRows(int count, int width, byte[] labels, Broadcast<byte[]> pixels, Broadcast<byte[]> shared) {

    /** The rows of each label value 0..255. */
    public long[] labelCounts() {
        long[] counts = new long[256];
        for (byte b : labels) {
            counts[b & 0xff]++;
        }
        return counts;
    }

    /** The rows of each class k in [0, classes) (labels at or above it are not counted). */
    long[] classRows(int classes) {
        long[] all = labelCounts();
        long[] counts = new long[classes];
        System.arraycopy(all, 0, counts, 0, Math.min(classes, all.length));
        return counts;
    }

    /** The largest label. */
    int maxLabel() {
        int max = 0;
        for (byte b : labels) {
            max = Math.max(max, b & 0xff);
        }
        return max;
    }

    /**
     * The rows dealt into {@code slots} blocks as the class comment says ({@code classWeights} null for none),
     * persisted: the first job that reads them builds and caches them, none runs to learn their rows or
     * their weight sum (added up on the driver in the order a cache's summary adds them: the same bits).
     */
    DataBlocks blocks(JavaSparkContext sc, int slots, float[] classWeights) {
        List<Integer> blockIndices = IntStream.range(0, slots).boxed().toList();
        JavaRDD<DataBlock> rdd = sc.parallelize(blockIndices, slots).mapPartitionsWithIndex(new Block(this.count, width, slots,
                pixels, shared, classWeights), true);
        long[] rows = new long[slots];
        double weightSum = 0;
        for (int s = 0; s < slots; s++) {
            rows[s] = (count - s + slots - 1) / slots;
            double blockSum = 0;
            for (int i = s; classWeights != null && i < count; i += slots) {
                blockSum += classWeights[labels[i] & 0xff];
            }
            weightSum += blockSum;
        }
        return DataBlocks.persisted(rdd, rows, width, 1, classWeights != null, weightSum);
    }

    /** On an executor: block s of S from the broadcast bytes. */
    private static final class Block implements Function2<Integer, Iterator<Integer>, Iterator<DataBlock>> {
        private static final long serialVersionUID = 1L;
        private final int count;
        private final int width;
        private final int slots;
        private final Broadcast<byte[]> pixels;
        private final Broadcast<byte[]> labels;
        private final float[] classWeights;

        Block(int count, int width, int slots, Broadcast<byte[]> pixels, Broadcast<byte[]> labels, float[] classWeights) {
            this.count = count;
            this.width = width;
            this.slots = slots;
            this.pixels = pixels;
            this.labels = labels;
            this.classWeights = classWeights;
        }

        @Override
        public Iterator<DataBlock> call(Integer s, Iterator<Integer> ignored) {
            byte[] p = pixels.value();
            byte[] y = labels.value();
            int n = (count - s + slots - 1) / slots;
            float[] x = new float[n * width];
            float[] t = new float[n];
            float[] w = classWeights == null ? null : new float[n];
            for (int r = 0; r < n; r++) {
                int i = s + r * slots;
                int from = i * width;
                for (int c = 0; c < width; c++) {
                    x[r * width + c] = IdxReader.pixel(p[from + c]);
                }
                int label = y[i] & 0xff;
                t[r] = label;
                if (w != null) {
                    w[r] = classWeights[label];
                }
            }
            return Collections.singletonList(DataBlock.dense(n, width, x, 1, t).withWeights(w)).iterator();
        }
    }
}
