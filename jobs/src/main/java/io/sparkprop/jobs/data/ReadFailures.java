package io.sparkprop.jobs.data;

import io.sparkprop.jobs.config.DataFormat;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkThrowable;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The user's side of Spark's file-source failures: what a raw Spark message such as
 * {@code [UNABLE_TO_INFER_SCHEMA] Unable to infer schema for CSV ... SQLSTATE: 42KD9} means for the
 * path given to --data, as one line naming the path and what was expected. Checked before Spark
 * reads (one listing of the path) where that is cheap, translated from Spark's exception otherwise.
 */
final class ReadFailures {
    /** File name extensions (after any compression suffix) and the --format they belong to. */
    private static final Map<String, DataFormat> FORMAT_OF_EXTENSION = Map.of("csv", DataFormat.CSV, "tsv", DataFormat.CSV,
            "parquet", DataFormat.PARQUET, "orc", DataFormat.ORC, "json", DataFormat.JSON, "jsonl", DataFormat.JSON,
            "libsvm", DataFormat.LIBSVM, "svm", DataFormat.LIBSVM);
    private static final Set<String> COMPRESSION = Set.of("gz", "bz2", "snappy", "zst", "lz4", "deflate", "xz");

    private ReadFailures() {
    }

    private static String noFiles(DataFormat format, String path, String detail) {
        return "no " + format.displayName() + " files in " + path + ": " + detail;
    }

    /**
     * Refuses, before Spark reads, a folder with no data files (Spark skips names starting with '_'
     * or '.') and data whose file names all say another known format.
     */
    static void check(FileSystem fs, Path path, DataFormat format, String given) throws IOException {
        FileStatus status;
        try {
            status = fs.getFileStatus(path);
        } catch (java.io.FileNotFoundException e) {
            return; // a glob: Spark expands it
        }
        if (!status.isDirectory()) {
            DataFormat other = formatOf(path.getName());
            if (other != null && other != format) {
                throw new IllegalArgumentException(given + " is a ." + extension(path.getName()) + " file, not "
                        + format.displayName() + " (use --format " + other + ")");
            }
            return;
        }
        boolean folders = false;
        int files = 0;
        Set<DataFormat> others = new TreeSet<>(Comparator.comparing(DataFormat::toString));
        boolean ours = false;
        for (FileStatus child : fs.listStatus(path)) {
            String name = child.getPath().getName();
            if (name.startsWith("_") || name.startsWith(".")) {
                continue;
            }
            if (child.isDirectory()) {
                folders = true;
                continue;
            }
            files++;
            DataFormat f = formatOf(name);
            if (f == null || f == format) {
                ours = true;
            } else {
                others.add(f);
            }
        }
        if (files == 0 && !folders) {
            throw new IllegalArgumentException(noFiles(format, given, "the folder holds no data files (names starting with '_'"
                    + " or '.' are skipped), expected at least one " + format.displayName() + " file"));
        }
        if (files > 0 && !ours && !folders) {
            String suggestion = String.join(" or --format ", others.stream().map(DataFormat::toString).toList());
            throw new IllegalArgumentException(noFiles(format, given, "it holds " + String.join(", ", others.stream()
                    .map(DataFormat::displayName).toList()) + " files, expected " + format.displayName() + " (use --format " + suggestion + ")"));
        }
    }

    /**
     * Spark's failure to read {@code given} as one line naming the path and what was expected, or
     * null when it is none of the failures known here.
     */
    static IllegalArgumentException translate(DataFormat format, String given, Throwable failure) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Throwable> pending = new ArrayDeque<>();
        pending.add(failure);
        String file = null;
        boolean footer = false;
        while (!pending.isEmpty()) {
            Throwable t = pending.poll();
            if (!seen.add(t)) {
                continue;
            }
            String message = String.valueOf(t.getMessage());
            String condition = t instanceof SparkThrowable ? String.valueOf(((SparkThrowable) t).getCondition()) : "";
            if (condition.equals("UNABLE_TO_INFER_SCHEMA")) {
                return new IllegalArgumentException(noFiles(format, given, "expected at least one " + format.displayName()
                        + " data file (names starting with '_' or '.' are skipped; use --format for other data)"), failure);
            }
            if (condition.startsWith("FAILED_READ_FILE") && file == null) {
                file = ((SparkThrowable) t).getMessageParameters().get("path");
                footer |= condition.endsWith("CANNOT_READ_FILE_FOOTER");
            }
            if (t instanceof AccessDeniedException || t.getClass().getName().equals("org.apache.hadoop.security.AccessControlException")
                    || message.contains("Permission denied")) {
                return new IllegalArgumentException("cannot read " + (file == null ? given : file) + ": "
                        + firstLine(message) + " (expected a readable " + format.displayName() + " file)", failure);
            }
            if (message.contains("is not a Parquet file") || message.contains("Malformed ORC file")
                    || t.getClass().getName().equals("org.apache.orc.FileFormatException")) {
                footer = true;
            }
            if (t.getCause() != null) {
                pending.add(t.getCause());
            }
            Collections.addAll(pending, t.getSuppressed());
        }
        if (footer && (format == DataFormat.PARQUET || format == DataFormat.ORC)) {
            String what = format.displayName();
            return new IllegalArgumentException((file == null ? given : file) + " is not " + (format == DataFormat.ORC ? "an " : "a ")
                    + what + " file: expected " + what + " data (use --format for other data)", failure);
        }
        return null;
    }

    private static String firstLine(String message) {
        int nl = message.indexOf('\n');
        return (nl < 0 ? message : message.substring(0, nl)).strip();
    }

    /** The format a file name says, or null: "part-0.snappy.parquet" is parquet, "a.csv.gz" csv. */
    private static DataFormat formatOf(String name) {
        return FORMAT_OF_EXTENSION.get(extension(name));
    }

    private static String extension(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        int dot = n.lastIndexOf('.');
        if (dot > 0 && COMPRESSION.contains(n.substring(dot + 1))) {
            n = n.substring(0, dot);
            dot = n.lastIndexOf('.');
        }
        return dot > 0 ? n.substring(dot + 1) : "";
    }
}
