package io.sparkprop.driver;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** The MNIST-10k test set from the repository's data folder (big-endian IDX, gzip), pixels / 255. */
public final class Mnist {
    public final float[][] images;
    public final int[] labels;

    private Mnist(float[][] images, int[] labels) {
        this.images = images;
        this.labels = labels;
    }

    public static Mnist load() throws IOException {
        Path dir = Path.of("..", "data", "mnist-10k");
        float[][] images;
        try (DataInputStream in = open(dir.resolve("t10k-images-idx3-ubyte.gz"), 0x803)) {
            int n = in.readInt();
            int pixels = in.readInt() * in.readInt();
            byte[] raw = new byte[n * pixels];
            in.readFully(raw);
            images = new float[n][pixels];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < pixels; j++) {
                    images[i][j] = (raw[i * pixels + j] & 0xFF) / 255f;
                }
            }
        }
        int[] labels;
        try (DataInputStream in = open(dir.resolve("t10k-labels-idx1-ubyte.gz"), 0x801)) {
            labels = new int[in.readInt()];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = in.readUnsignedByte();
            }
        }
        return new Mnist(images, labels);
    }

    private static DataInputStream open(Path file, int magic) throws IOException {
        InputStream raw = new GZIPInputStream(Files.newInputStream(file), 1 << 16);
        DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(raw, 1 << 16));
        int m = in.readInt();
        if (m != magic) {
            in.close();
            throw new IOException(file + ": IDX magic " + Integer.toHexString(m) + ", expected " + Integer.toHexString(magic));
        }
        return in;
    }
}
