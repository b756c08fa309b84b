package io.sparkprop.core.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdxReaderTest {
    /** Surefire runs in the module directory; the data lives at the repository root. */
    private static final Path MNIST = Path.of("..", "data", "mnist-10k");

    /** An IDX header: 00 00 type dims, then big-endian sizes. */
    private static byte[] idx(int type, int[] sizes, int... body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(0);
        out.write(type);
        out.write(sizes.length);
        for (int s : sizes) {
            out.write(s >>> 24);
            out.write(s >>> 16);
            out.write(s >>> 8);
            out.write(s);
        }
        for (int b : body) {
            out.write(b);
        }
        return out.toByteArray();
    }

    private static InputStream in(byte[] bytes) {
        return new ByteArrayInputStream(bytes);
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }

    private static void assertRejected(Executable call, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message '" + e.getMessage() + "' should contain '" + f + "'");
        }
    }

    @Test
    void readsHandBuiltImagesScaledToUnitInterval() {
        byte[] bytes = idx(0x08, new int[] {2, 2, 3}, 0, 255, 51, 102, 1, 254, 10, 20, 30, 40, 50, 60);
        IdxReader.Images im = IdxReader.readImages(in(bytes), "tiny");
        assertEquals(2, im.count());
        assertEquals(2, im.rows());
        assertEquals(3, im.cols());
        assertEquals(6, im.width());
        assertArrayEquals(new float[] {0f, 1f, 0.2f, 0.4f, 1 / 255f, 254 / 255f,
                10 / 255f, 20 / 255f, 30 / 255f, 40 / 255f, 50 / 255f, 60 / 255f}, im.pixels(), 1e-7f);
    }

    @Test
    void readsHandBuiltLabelsAsUnsignedBytes() {
        float[] labels = IdxReader.readLabels(in(idx(0x08, new int[] {4}, 7, 0, 9, 200)), "labels");
        assertArrayEquals(new float[] {7, 0, 9, 200}, labels);
    }

    @Test
    void gzipIsDetectedByItsMagic() throws IOException {
        byte[] bytes = idx(0x08, new int[] {3}, 1, 2, 3);
        assertArrayEquals(new float[] {1, 2, 3}, IdxReader.readLabels(in(gzip(bytes)), "labels.gz"));
    }

    @Test
    void badMagicNamesTheFileAndTheExpectedBytes() {
        byte[] bytes = idx(0x08, new int[] {1}, 5);
        bytes[1] = 0x01;
        assertRejected(() -> IdxReader.readLabels(in(bytes), "labels.idx"), "labels.idx", "bad IDX magic", "00 01 08 01",
                "expected 00 00 08 01");
    }

    @Test
    void wrongElementTypeIsRejected() {
        // 0x0d is the IDX type for float32
        byte[] bytes = idx(0x0d, new int[] {1, 1, 1}, 0, 0, 0, 0);
        assertRejected(() -> IdxReader.readImages(in(bytes), "floats.idx"), "floats.idx", "0x0d", "expected 0x08");
    }

    @Test
    void wrongDimensionCountIsRejected() {
        byte[] labelsAsImages = idx(0x08, new int[] {2}, 1, 2);
        assertRejected(() -> IdxReader.readImages(in(labelsAsImages), "t10k-labels"), "t10k-labels", "1 IDX dimensions",
                "expected 3");
        byte[] imagesAsLabels = idx(0x08, new int[] {1, 1, 1}, 9);
        assertRejected(() -> IdxReader.readLabels(in(imagesAsLabels), "t10k-images"), "t10k-images", "3 IDX dimensions",
                "expected 1");
    }

    @Test
    void truncatedHeaderOrDataIsRejected() {
        byte[] full = idx(0x08, new int[] {2, 2, 2}, 1, 2, 3, 4, 5, 6, 7, 8);
        assertRejected(() -> IdxReader.readImages(in(Arrays.copyOf(full, full.length - 3)), "cut.idx"),
                "cut.idx", "truncated", "expected 8 bytes", "got 5");
        assertRejected(() -> IdxReader.readImages(in(Arrays.copyOf(full, 9)), "cut.idx"),
                "cut.idx", "truncated IDX header", "12 bytes", "got 5");
        assertRejected(() -> IdxReader.readImages(in(new byte[] {0, 0}), "empty.idx"), "empty.idx", "truncated");
    }

    @Test
    void truncatedGzipDataIsRejected() throws IOException {
        byte[] full = idx(0x08, new int[] {1000}, new int[1000]);
        // keep the gzip stream intact but declare more labels than it holds
        byte[] more = idx(0x08, new int[] {1001}, new int[1000]);
        assertEquals(full.length, more.length);
        assertRejected(() -> IdxReader.readLabels(in(gzip(more)), "more.gz"), "more.gz", "expected 1001 bytes", "got 1000");
    }

    @Test
    void imageAndLabelCountsMustAgree() {
        byte[] images = idx(0x08, new int[] {3, 1, 2}, 1, 2, 3, 4, 5, 6);
        byte[] labels = idx(0x08, new int[] {2}, 0, 1);
        assertRejected(() -> IdxReader.readMnist(in(images), in(labels), "mini"), "mini", "3 images but 2 labels");
    }

    @Test
    void readMnistBuildsADenseClassIndexBlock() {
        byte[] images = idx(0x08, new int[] {2, 1, 2}, 0, 255, 255, 0);
        byte[] labels = idx(0x08, new int[] {2}, 4, 9);
        DataBlock block = IdxReader.readMnist(in(images), in(labels), "mini");
        assertEquals(2, block.rows());
        assertEquals(2, block.cols());
        assertEquals(1, block.targetWidth());
        assertArrayEquals(new float[] {0, 1, 1, 0}, block.dense());
        assertArrayEquals(new float[] {4, 9}, block.targets());
    }

    @Test
    void realMnistTestSet() {
        DataBlock block = IdxReader.readMnist(MNIST);
        assertEquals(10_000, block.rows());
        assertEquals(28 * 28, block.cols());
        float[] y = block.targets();
        assertEquals(7, y[0]);
        assertEquals(2, y[1]);
        assertEquals(1, y[2]);
        // the published class counts of the MNIST test set
        int[] expected = {980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009};
        int[] counts = new int[10];
        for (float label : y) {
            counts[(int) label]++;
        }
        assertArrayEquals(expected, counts);
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (float v : block.dense()) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertEquals(0f, min);
        assertEquals(1f, max);
        // MNIST digits are centred in the 28 x 28 frame: the corner pixel is blank in every image
        for (int r = 0; r < block.rows(); r++) {
            assertEquals(0f, block.dense()[r * 784]);
        }
    }

    @Test
    void gzippedAndPlainFilesReadTheSame() throws IOException {
        Path gz = MNIST.resolve("t10k-labels-idx1-ubyte.gz");
        byte[] plain;
        try (InputStream s = new GZIPInputStream(Files.newInputStream(gz))) {
            plain = s.readAllBytes();
        }
        assertEquals(8 + 10_000, plain.length);
        float[] fromPlain = IdxReader.readLabels(in(plain), "plain labels");
        float[] fromGzip;
        try (InputStream s = Files.newInputStream(gz)) {
            fromGzip = IdxReader.readLabels(s, gz.toString());
        }
        assertArrayEquals(fromPlain, fromGzip);
    }
}
