package io.sparkprop.driver.io;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.util.UUID;

/**
 * Replaces an output (a directory, or one file) only by a complete one: the writer fills a hidden
 * temporary sibling ({@code .<name>.tmp-<uuid>}), which is then renamed into place (an existing target is first moved
 * aside and deleted after the swap). A writer that fails leaves the target exactly as it was and no
 * temporary behind. Used for models, predictions and exported ONNX files.
 */
public final class OutputSwap {
    /** Writes the whole output at {@code path} (a directory or a file), which does not exist yet. */
    public interface Writer {
        void write(Path path) throws IOException;
    }

    private OutputSwap() {
    }

    /**
     * Checks, before any work, that the directory {@code target} may be written: refused when it
     * exists and {@code overwrite} is false, when it is a file, or when its parent cannot hold a new
     * entry (the message names the user's path, not the temporary one).
     */
    public static Path check(FileSystem fs, Path target, boolean overwrite) throws IOException {
        return check(fs, target, overwrite, true);
    }

    private static Path check(FileSystem fs, Path target, boolean overwrite, boolean directory) throws IOException {
        // through the String form, which drops a trailing '/' (a URI's keeps it, and its siblings would land inside it)
        Path t = fs.makeQualified(new Path(target.toString()));
        if (fs.exists(t)) {
            if (!overwrite) {
                throw new IllegalArgumentException("output path " + t + " already exists; pass --overwrite to replace it");
            }
            if (fs.getFileStatus(t).isFile() == directory) {
                throw new IllegalArgumentException("output path " + t + " is a " + (directory ? "file" : "directory")
                        + ", expected a " + (directory ? "directory" : "file"));
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

    /** {@link #check}s the directory {@code target}, has {@code writer} write it beside it and swaps it in. */
    public static void replace(FileSystem fs, Path target, boolean overwrite, Writer writer) throws IOException {
        replace(fs, target, overwrite, true, writer);
    }

    /** As {@link #replace(FileSystem, Path, boolean, Writer)} for a single file. */
    public static void replaceFile(FileSystem fs, Path target, boolean overwrite, Writer writer) throws IOException {
        replace(fs, target, overwrite, false, writer);
    }

    private static void replace(FileSystem fs, Path target, boolean overwrite, boolean directory, Writer writer) throws IOException {
        Path t = check(fs, target, overwrite, directory);
        Path tmp = sibling(t, "tmp");
        try {
            writer.write(tmp);
            if (fs.exists(t)) {
                if (!overwrite) {
                    throw new IllegalArgumentException("output path " + t + " appeared while writing; pass --overwrite to replace it");
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

    private static Path sibling(Path target, String kind) {
        return new Path(target.getParent(), "." + target.getName() + "." + kind + "-" + UUID.randomUUID());
    }

    private static void rename(FileSystem fs, Path from, Path to) throws IOException {
        if (!fs.rename(from, to)) {
            throw new IOException("could not rename " + from + " to " + to);
        }
    }
}
