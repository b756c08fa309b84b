package io.sparkprop.driver.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * Checkpoints in a directory, through the Hadoop FileSystem API (file://, hdfs://, s3a://, ...).
 * Checkpoint t is two files:
 * <pre>
 *   ckpt-&lt;t, 12 digits&gt;.bin    little-endian binary:
 *       magic "SPCK" | int32 format version | int32 array count | per array: int32 length, float32[length]
 *       | int64 CRC32 of every byte before it
 *       arrays: params, the optimizer state arrays, then the best parameters if early stopping keeps any
 *   ckpt-&lt;t&gt;.json   metadata (position, seed, counts, the CRC, the training configuration)
 * </pre>
 * Each file is written under a temporary name starting with '_' in the same directory and then
 * renamed, the JSON last: a checkpoint exists only once its JSON does, and a half-written temporary
 * file is never read. The newest {@code keep} checkpoints are kept. No Java serialisation.
 */
public final class CheckpointStore implements Closeable {
    static final int MAGIC = 0x4B435053; // "SPCK" read as a little-endian int32
    static final int FORMAT_VERSION = 1;
    private static final Pattern NAME = Pattern.compile("ckpt-(\\d{12})\\.json");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final FileSystem fs;
    private final int keep;

    public CheckpointStore(String dirUri, Configuration hadoopConf, int keep) {
        if (keep < 1) {
            throw new IllegalArgumentException("checkpoints kept must be >= 1, got " + keep);
        }
        this.dir = new Path(dirUri);
        this.keep = keep;
        try {
            // A private instance: our own CRC replaces the checksum side files (.crc) of the local
            // file system, and switching those off must not affect the cached, shared instance.
            this.fs = FileSystem.newInstance(URI.create(dir.toUri().toString()), hadoopConf);
            fs.setWriteChecksum(false);
            fs.setVerifyChecksum(false);
            fs.mkdirs(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open checkpoint directory " + dirUri, e);
        }
    }

    /** Writes checkpoint {@code c} atomically, drops the oldest beyond {@code keep}; returns its JSON path. */
    public String save(Checkpoint c) {
        String base = String.format(Locale.ROOT, "ckpt-%012d", c.iteration());
        byte[] bin = encode(c);
        long crc = ByteBuffer.wrap(bin, bin.length - 8, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("format_version", FORMAT_VERSION);
        meta.put("iteration", c.iteration());
        meta.put("epoch", c.epoch());
        meta.put("position_in_epoch", c.positionInEpoch());
        meta.put("seed", c.seed());
        meta.put("parameters", c.params().length);
        meta.put("optimizer_arrays", c.optimizerState().length);
        meta.put("has_best_params", c.bestParams() != null);
        meta.put("best_validation_loss", Double.isNaN(c.bestLoss()) ? null : c.bestLoss());
        meta.put("epochs_without_improvement", c.epochsWithoutImprovement());
        meta.put("data_file", base + ".bin");
        meta.put("crc32", crc);
        meta.put("config", c.config());
        try {
            writeAtomically(new Path(dir, base + ".bin"), bin);
            writeAtomically(new Path(dir, base + ".json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(meta));
            prune();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + base + " to " + dir, e);
        }
        return new Path(dir, base + ".json").toString();
    }

    /** The newest complete checkpoint, if any. A corrupt newest checkpoint is an error, not skipped. */
    public Optional<Checkpoint> latest() {
        List<Long> all = list();
        return all.isEmpty() ? Optional.empty() : Optional.of(load(all.get(all.size() - 1)));
    }

    /** Iterations of the complete checkpoints present, oldest first. */
    public List<Long> list() {
        List<Long> found = new ArrayList<>();
        try {
            if (!fs.exists(dir)) {
                return found;
            }
            for (FileStatus st : fs.listStatus(dir)) {
                Matcher m = NAME.matcher(st.getPath().getName());
                if (m.matches()) {
                    found.add(Long.parseLong(m.group(1)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list checkpoint directory " + dir, e);
        }
        found.sort(null);
        return found;
    }

    /** Reads checkpoint {@code iteration}, verifying magic, version, lengths and CRC32. */
    @SuppressWarnings("unchecked")
    public Checkpoint load(long iteration) {
        String base = String.format(Locale.ROOT, "ckpt-%012d", iteration);
        Path binPath = new Path(dir, base + ".bin");
        try {
            Map<String, Object> meta = JSON.readValue(read(new Path(dir, base + ".json")), Map.class);
            byte[] bin = read(binPath);
            float[][] arrays = decode(bin, binPath, ((Number) meta.get("crc32")).longValue());
            int optimizerArrays = ((Number) meta.get("optimizer_arrays")).intValue();
            boolean hasBest = Boolean.TRUE.equals(meta.get("has_best_params"));
            if (arrays.length != 1 + optimizerArrays + (hasBest ? 1 : 0)) {
                throw new IllegalStateException("checkpoint " + binPath + " holds " + arrays.length
                        + " arrays, its metadata expects " + (1 + optimizerArrays + (hasBest ? 1 : 0)));
            }
            float[][] state = new float[optimizerArrays][];
            System.arraycopy(arrays, 1, state, 0, optimizerArrays);
            Object best = meta.get("best_validation_loss");
            return new Checkpoint(((Number) meta.get("iteration")).longValue(), ((Number) meta.get("epoch")).longValue(),
                    ((Number) meta.get("position_in_epoch")).intValue(), ((Number) meta.get("seed")).longValue(),
                    arrays[0], state, hasBest ? arrays[arrays.length - 1] : null,
                    best == null ? Double.NaN : ((Number) best).doubleValue(),
                    ((Number) meta.get("epochs_without_improvement")).intValue(), (Map<String, Object>) meta.get("config"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read checkpoint " + base + " in " + dir, e);
        }
    }

    @Override
    public void close() {
        try {
            fs.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] encode(Checkpoint c) {
        List<float[]> arrays = new ArrayList<>();
        arrays.add(c.params());
        for (float[] s : c.optimizerState()) {
            arrays.add(s);
        }
        if (c.bestParams() != null) {
            arrays.add(c.bestParams());
        }
        long size = 12 + 8;
        for (float[] a : arrays) {
            size += 4 + 4L * a.length;
        }
        if (size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("checkpoint of " + size + " bytes exceeds 2 GiB");
        }
        ByteBuffer buf = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
        buf.putInt(MAGIC).putInt(FORMAT_VERSION).putInt(arrays.size());
        for (float[] a : arrays) {
            buf.putInt(a.length);
            buf.asFloatBuffer().put(a);
            buf.position(buf.position() + 4 * a.length);
        }
        CRC32 crc = new CRC32();
        crc.update(buf.array(), 0, buf.position());
        buf.putLong(crc.getValue());
        return buf.array();
    }

    static float[][] decode(byte[] bin, Path where, long expectedCrc) {
        if (bin.length < 20) {
            throw new IllegalStateException("checkpoint " + where + " is truncated: " + bin.length + " bytes");
        }
        ByteBuffer buf = ByteBuffer.wrap(bin).order(ByteOrder.LITTLE_ENDIAN);
        CRC32 crc = new CRC32();
        crc.update(bin, 0, bin.length - 8);
        long stored = buf.getLong(bin.length - 8);
        if (crc.getValue() != stored || stored != expectedCrc) {
            throw new IllegalStateException("checkpoint " + where + " is corrupt: CRC32 of its contents is "
                    + Long.toHexString(crc.getValue()) + ", the file records " + Long.toHexString(stored)
                    + " and its metadata " + Long.toHexString(expectedCrc) + "; restore it or resume from an older checkpoint");
        }
        int magic = buf.getInt();
        int version = buf.getInt();
        if (magic != MAGIC) {
            throw new IllegalStateException("checkpoint " + where + " is not a sparkprop checkpoint (magic " + Integer.toHexString(magic) + ")");
        }
        if (version != FORMAT_VERSION) {
            throw new IllegalStateException("checkpoint " + where + " has format version " + version
                    + ", this build reads version " + FORMAT_VERSION);
        }
        float[][] arrays = new float[buf.getInt()][];
        for (int i = 0; i < arrays.length; i++) {
            arrays[i] = new float[buf.getInt()];
            buf.asFloatBuffer().get(arrays[i]);
            buf.position(buf.position() + 4 * arrays[i].length);
        }
        return arrays;
    }

    private void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path tmp = new Path(dir, "_" + target.getName() + "." + UUID.randomUUID() + ".tmp");
        try (FSDataOutputStream out = fs.create(tmp, false)) {
            out.write(bytes);
        }
        if (fs.exists(target)) {
            fs.delete(target, false);
        }
        if (!fs.rename(tmp, target)) {
            fs.delete(tmp, false);
            throw new IOException("could not rename " + tmp + " to " + target);
        }
    }

    private byte[] read(Path p) throws IOException {
        try (FSDataInputStream in = fs.open(p)) {
            return readAll(in);
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] chunk = new byte[1 << 16];
        for (int n; (n = in.read(chunk)) > 0; ) {
            out.write(chunk, 0, n);
        }
        return out.toByteArray();
    }

    /** Deletes all but the newest {@code keep} checkpoints (JSON first, so none is ever half-present). */
    private void prune() throws IOException {
        List<Long> all = list();
        for (int i = 0; i < all.size() - keep; i++) {
            String base = String.format(Locale.ROOT, "ckpt-%012d", all.get(i));
            fs.delete(new Path(dir, base + ".json"), false);
            fs.delete(new Path(dir, base + ".bin"), false);
        }
    }

    @Override
    public String toString() {
        return dir.toString();
    }

}
