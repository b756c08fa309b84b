package io.sparkprop.core.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads the IDX format of the MNIST files (http://yann.lecun.com/exdb/mnist/):
 * <pre>
 *   bytes 0-1  0x00 0x00
 *   byte  2    element type (only 0x08, unsigned byte, is accepted)
 *   byte  3    number of dimensions d
 *   then       d big-endian int32 sizes, then prod(sizes) elements, row-major
 * </pre>
 * Images are [n x rows x cols] (d = 3) and become {@code float[n * rows * cols]} scaled to [0, 1] by
 * /255; labels are [n] (d = 1) and become {@code float[n]} class indices. A gzip stream (magic
 * 0x1f 0x8b) is unpacked on the fly, so the .gz files can be read as they are. The name given with
 * each stream is only used in error messages.
 */
public final class IdxReader {
    private static final int UNSIGNED_BYTE = 0x08;

    private IdxReader() {
    }

    /** Images [count x rows x cols] flattened to {@code pixels[count * rows * cols]} in [0, 1]. */
    public record Images(int count, int rows, int cols, float[] pixels) {
        /** Features per image: rows * cols. */
        public int width() {
            return rows * cols;
        }
    }

    public static Images readImages(InputStream raw, String name) {
        return readRawImages(raw, name).scaled();
    }

    /** Images as stored: [count x rows x cols] unsigned bytes, checked as {@link #readImages} checks them. */
    public record RawImages(int count, int rows, int cols, byte[] pixels) {
        /** Features per image: rows * cols. */
        public int width() {
            return rows * cols;
        }

        /** The images as {@link #readImages} returns them: every byte / 255. */
        Images scaled() {
            float[] scaled = new float[pixels.length];
            for (int i = 0; i < pixels.length; i++) {
                scaled[i] = pixel(pixels[i]);
            }
            return new Images(count, rows, cols, scaled);
        }
    }

    /** An unsigned byte pixel scaled to [0, 1]: the one place that decides a pixel's float. */
    public static float pixel(byte stored) {
        return (stored & 0xff) / 255f;
    }

    public static RawImages readRawImages(InputStream raw, String name) {
        InputStream in = unpacked(raw, name);
        int[] dims = readHeader(in, name, 3, "images");
        long n = (long) dims[0] * dims[1] * dims[2];
        checkSize(n, dims, name);
        return new RawImages(dims[0], dims[1], dims[2], readBody(in, (int) n, name));
    }

    /** Labels [count] as class indices 0..255. */
    public static float[] readLabels(InputStream raw, String name) {
        byte[] data = readRawLabels(raw, name);
        float[] labels = new float[data.length];
        for (int i = 0; i < data.length; i++) {
            labels[i] = data[i] & 0xff;
        }
        return labels;
    }

    /** Labels [count] as stored: unsigned bytes, each a class index 0..255. */
    public static byte[] readRawLabels(InputStream raw, String name) {
        InputStream in = unpacked(raw, name);
        int[] dims = readHeader(in, name, 1, "labels");
        return readBody(in, dims[0], name);
    }

    /**
     * An MNIST-style dense block: features [n x rows*cols] in [0, 1] and one class index per row
     * (the targets of softmax cross-entropy). Throws if the counts differ.
     */
    public static DataBlock readMnist(InputStream images, InputStream labels, String name) {
        Images im = readImages(images, name + " images");
        float[] y = readLabels(labels, name + " labels");
        checkCounts(im.count(), y.length, name);
        return DataBlock.dense(im.count(), im.width(), im.pixels(), 1, y);
    }

    /**
     * An MNIST-style pair as stored, checked as {@link #readMnist} checks it: images [count x width] and
     * one class index per image, unsigned bytes (a quarter of readMnist's floats).
     */
    public record RawMnist(int count, int width, byte[] pixels, byte[] labels) {
    }

    public static RawMnist readRawMnist(InputStream images, InputStream labels, String name) {
        RawImages im = readRawImages(images, name + " images");
        byte[] y = readRawLabels(labels, name + " labels");
        checkCounts(im.count(), y.length, name);
        return new RawMnist(im.count(), im.width(), im.pixels(), y);
    }

    private static void checkCounts(int images, int labels, String name) {
        if (images != labels) {
            throw new IllegalArgumentException(name + ": " + images + " images but " + labels
                    + " labels, expected the same count");
        }
    }

    /**
     * Reads the one {@code *images-idx3-ubyte[.gz]} and {@code *labels-idx1-ubyte[.gz]} pair in
     * {@code dir}, e.g. {@code t10k-images-idx3-ubyte.gz} and {@code t10k-labels-idx1-ubyte.gz}.
     */
    public static DataBlock readMnist(Path dir) {
        Path images = findOne(dir, "images-idx3-ubyte");
        Path labels = findOne(dir, "labels-idx1-ubyte");
        try (InputStream im = Files.newInputStream(images); InputStream lb = Files.newInputStream(labels)) {
            return readMnist(im, lb, dir.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read MNIST files in " + dir, e);
        }
    }

    private static Path findOne(Path dir, String marker) {
        try (var files = Files.list(dir)) {
            var found = files.filter(p -> {
                String f = p.getFileName().toString();
                return f.endsWith(marker) || f.endsWith(marker + ".gz");
            }).sorted().toList();
            if (found.size() != 1) {
                throw new IllegalArgumentException("expected exactly one *" + marker + "[.gz] file in " + dir
                        + ", found " + found.size());
            }
            return found.get(0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    /** Peeks at the first two bytes and unpacks gzip when they are its magic 0x1f 0x8b. */
    private static InputStream unpacked(InputStream in, String name) {
        try {
            InputStream b = in.markSupported() ? in : new BufferedInputStream(in);
            b.mark(2);
            int b0 = b.read();
            int b1 = b.read();
            b.reset();
            return b0 == 0x1f && b1 == 0x8b ? new BufferedInputStream(new GZIPInputStream(b)) : b;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name, e);
        }
    }

    /** Reads and checks the header and returns the sizes; leaves the stream at the first element. */
    private static int[] readHeader(InputStream in, String name, int expectedDims, String what) {
        try {
            byte[] magic = in.readNBytes(4);
            if (magic.length < 4) {
                throw new IllegalArgumentException(name + ": truncated IDX header, expected 4 magic bytes, got " + magic.length);
            }
            if (magic[0] != 0 || magic[1] != 0) {
                throw new IllegalArgumentException(String.format(
                        "%s: bad IDX magic %02x %02x %02x %02x, expected 00 00 08 %02x (%s)",
                        name, magic[0], magic[1], magic[2], magic[3], expectedDims, what));
            }
            if ((magic[2] & 0xff) != UNSIGNED_BYTE) {
                throw new IllegalArgumentException(String.format(
                        "%s: IDX element type 0x%02x, expected 0x08 (unsigned byte)", name, magic[2]));
            }
            if (magic[3] != expectedDims) {
                throw new IllegalArgumentException(name + ": " + magic[3] + " IDX dimensions, expected "
                        + expectedDims + " for " + what);
            }
            byte[] sizeBytes = in.readNBytes(4 * expectedDims);
            if (sizeBytes.length < 4 * expectedDims) {
                throw new IllegalArgumentException(name + ": truncated IDX header, expected " + expectedDims
                        + " dimension sizes (" + 4 * expectedDims + " bytes), got " + sizeBytes.length + " bytes");
            }
            int[] dims = new int[expectedDims];
            for (int d = 0; d < expectedDims; d++) {
                int i = 4 * d;
                dims[d] = (sizeBytes[i] & 0xff) << 24 | (sizeBytes[i + 1] & 0xff) << 16
                        | (sizeBytes[i + 2] & 0xff) << 8 | (sizeBytes[i + 3] & 0xff);
                if (dims[d] < 0) {
                    throw new IllegalArgumentException(name + ": dimension " + d + " has size " + dims[d]
                            + ", expected a non-negative size");
                }
            }
            return dims;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name, e);
        }
    }

    private static void checkSize(long n, int[] dims, String name) {
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(name + ": " + dims[0] + " x " + dims[1] + " x " + dims[2]
                    + " elements do not fit one array");
        }
    }

    private static byte[] readBody(InputStream in, int n, String name) {
        try {
            byte[] data = in.readNBytes(n);
            if (data.length < n) {
                throw new IllegalArgumentException(name + ": truncated IDX data, expected " + n
                        + " bytes, got " + data.length);
            }
            return data;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name, e);
        }
    }
}
