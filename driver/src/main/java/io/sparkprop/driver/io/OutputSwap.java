package io.sparkprop.driver.io;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Replaces an output (a directory, or one file) only by a complete one: the writer fills a hidden
 * temporary sibling ({@code .<name>.tmp-<uuid>}), which is then renamed into place (an existing target is first moved
 * aside and deleted after the swap). A writer that fails leaves the target exactly as it was and no
 * temporary behind. Used for models, predictions and exported ONNX files.
 * <p>
 * Only an output of the writer's {@link Kind} that sparkprop wrote (or an empty folder) is ever
 * replaced, whatever {@code overwrite} says: anything else at the path is refused, naming what is
 * there. Hidden siblings left by a writer that was killed ({@code .<name>.probe-*}, {@code .tmp-*},
 * and {@code .old-*} once the target is back) and older than this JVM are removed at the next write.
 */
public final class OutputSwap {
    /** Writes the whole output at {@code path} (a directory or a file), which does not exist yet. */
    public interface Writer {
        void write(Path path) throws IOException;
    }

    /** Whether an existing output is one sparkprop wrote. */
    public interface Recognizer {
        boolean wrote(FileSystem fs, FileStatus existing) throws IOException;
    }

    /**
     * What a writer produces: {@code noun} names it in messages ("a model folder (with model.json)"),
     * {@code directory} whether it is a folder or one file, {@code recognizer} tells one sparkprop wrote.
     */
    public record Kind(String noun, boolean directory, Recognizer recognizer) {
        /** A folder that sparkprop wrote when it holds the file {@code signature} (model.json, a marker). */
        public static Kind folderWith(String what, String signature) {
            return new Kind(what + " (with " + signature + ")", true,
                    (fs, existing) -> fs.exists(new Path(existing.getPath(), signature)));
        }
    }

    /** Leftovers of this JVM's own writes are never touched: only those older than its start. */
    private static final long JOB_START = ManagementFactory.getRuntimeMXBean().getStartTime();
    private static final Pattern LEFTOVER = Pattern.compile("\\.(probe|tmp|old)-[0-9a-f-]{36}");
    private static final int NAMED_ENTRIES = 3;

    private OutputSwap() {
    }

    /**
     * The file system to write {@code path} with: for local files the raw one, since Hadoop's checksum
     * layer would leave a hidden {@code .NAME.crc} beside every output and reject a file edited by hand.
     */
    public static FileSystem fileSystem(Path path, Configuration conf) throws IOException {
        FileSystem fs = path.getFileSystem(conf);
        return fs instanceof ChecksumFileSystem ? ((ChecksumFileSystem) fs).getRawFileSystem() : fs;
    }

    /**
     * Checks, before any work, that the directory or file {@code target} may be written: refused when
     * something sparkprop did not write is there, when an output of {@code kind} is there and
     * {@code overwrite} is false, or when its parent cannot hold a new entry (the message names the
     * user's path, not the temporary one). Returns the qualified target.
     */
    public static Path check(FileSystem fs, Path target, boolean overwrite, Kind kind) throws IOException {
        // through the String form, which drops a trailing '/' (a URI's keeps it, and its siblings would land inside it)
        Path t = fs.makeQualified(new Path(target.toString()));
        if (t.toUri().getPath().contains(":")) {
            throw new IllegalArgumentException("output path " + target + " has a ':' in a file or folder name, which Hadoop"
                    + " paths cannot hold; choose a name without ':'");
        }
        FileStatus existing = status(fs, t);
        if (existing != null) {
            String foreign = foreign(fs, existing, kind);
            if (foreign != null) {
                throw new IllegalArgumentException("output path " + t + " " + foreign + ", not " + kind.noun()
                        + " that sparkprop wrote, so it is never replaced: choose another output path, or move it away yourself");
            }
            if (!overwrite) {
                throw new IllegalArgumentException("output path " + t + " already exists; pass --overwrite to replace it");
            }
        }
        Path probe = sibling(t, "probe");
        try {
            if (!fs.mkdirs(probe)) {
                throw new IOException("mkdirs returned false");
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write to output path " + t + ": its folder " + t.getParent()
                    + " is not writable (" + e.getMessage() + ")", e);
        } finally {
            fs.delete(probe, true);
        }
        return t;
    }

    /**
     * What is at {@code existing} when it may not be replaced ("is a file", "holds a.txt, b/"), or
     * null for an output of {@code kind} that sparkprop wrote or an empty folder (nothing to lose).
     */
    private static String foreign(FileSystem fs, FileStatus existing, Kind kind) throws IOException {
        if (existing.isDirectory() != kind.directory()) {
            return existing.isDirectory() ? "is a folder" : "is a file";
        }
        if (kind.recognizer().wrote(fs, existing)) {
            return null;
        }
        if (!existing.isDirectory()) {
            return "is a file";
        }
        FileStatus[] children = fs.listStatus(existing.getPath());
        if (children.length == 0) {
            return null;
        }
        String named = Arrays.stream(children).limit(NAMED_ENTRIES)
                .map(c -> c.getPath().getName() + (c.isDirectory() ? "/" : "")).collect(Collectors.joining(", "));
        return "holds " + named + (children.length > NAMED_ENTRIES ? " and " + (children.length - NAMED_ENTRIES) + " more" : "");
    }

    /** {@link #check}s {@code target}, has {@code writer} write it beside it and swaps it in. */
    public static void replace(FileSystem fs, Path target, boolean overwrite, Kind kind, Writer writer) throws IOException {
        Path t = check(fs, target, overwrite, kind);
        removeLeftovers(fs, t);
        Path tmp = sibling(t, "tmp");
        try {
            writer.write(tmp);
            FileStatus existing = status(fs, t);
            if (existing != null) {
                if (!overwrite || foreign(fs, existing, kind) != null) {
                    throw new IllegalArgumentException("output path " + t + " appeared while writing; nothing was replaced");
                }
                Path old = sibling(t, "old");
                rename(fs, t, old);
                rename(fs, tmp, t);
                fs.delete(old, true);
            } else {
                rename(fs, tmp, t);
            }
        } finally {
            if (fs.exists(tmp)) {
                fs.delete(tmp, true);
            }
        }
    }

    /**
     * Deletes the hidden siblings of {@code target} that a killed writer left: probes and temporaries,
     * and a moved-aside old output once the target is in place again (before that it is the only
     * copy). Only entries older than this JVM: a writer of this JVM is never disturbed.
     */
    private static void removeLeftovers(FileSystem fs, Path target) throws IOException {
        String prefix = "." + target.getName();
        FileStatus[] siblings;
        try {
            siblings = fs.listStatus(target.getParent(), p -> p.getName().startsWith(prefix)
                    && LEFTOVER.matcher(p.getName().substring(prefix.length())).matches());
        } catch (FileNotFoundException e) {
            return;
        }
        boolean targetPresent = fs.exists(target);
        for (FileStatus s : siblings) {
            boolean old = s.getPath().getName().startsWith(prefix + ".old-");
            if (s.getModificationTime() < JOB_START && (!old || targetPresent)) {
                fs.delete(s.getPath(), true);
            }
        }
    }

    /** The hidden sibling {@code .<name>.<kind>-<uuid>} of {@code target}. */
    private static Path sibling(Path target, String kind) {
        return hiddenSibling(target, "." + target.getName() + "." + kind + "-" + UUID.randomUUID());
    }

    /**
     * {@code name} in {@code target}'s folder, built from the folder's path rather than parsed from a
     * string: a ':' in a relative child name would read as a URI scheme.
     */
    public static Path hiddenSibling(Path target, String name) {
        Path parent = target.getParent();
        return new Path(parent.toUri().getScheme(), parent.toUri().getAuthority(),
                parent.toUri().getPath().replaceAll("/+$", "") + "/" + name);
    }

    private static FileStatus status(FileSystem fs, Path p) throws IOException {
        try {
            return fs.getFileStatus(p);
        } catch (FileNotFoundException e) {
            return null;
        }
    }

    private static void rename(FileSystem fs, Path from, Path to) throws IOException {
        if (!fs.rename(from, to)) {
            throw new IOException("could not rename " + from + " to " + to);
        }
    }
}
