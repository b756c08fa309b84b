package io.sparkprop.jobs.data;

import io.sparkprop.driver.data.BadRowSearch;
import io.sparkprop.jobs.config.DataFormat;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * Names a row of an input file as the user finds it: "FILE line N" (1-based) for CSV, JSON lines and
 * LIBSVM, "FILE row N (0-based)" for Parquet and ORC, from the row's index among the rows Spark read
 * from the file ({@link BadRowSearch}). Only a bad row is ever named, so reading a text file's lines
 * up to it (through the Hadoop FileSystem, decompressing as Spark does) costs nothing on the happy path.
 * <p>
 * Spark reads one row per line of these text formats (CSV without multiLine, JSON lines), but skips
 * some lines, so the row index is counted by the same rules: CSV skips lines that are empty or white
 * space and, with a header, the first such line of every file; JSON lines skips white-space lines;
 * LIBSVM also skips comment lines ({@code #}). Lines end at \n, \r or \r\n, as Hadoop's line reader
 * has them. A file that has fewer rows than the index (changed since it was read) is named by row.
 */
final class FileRowNames implements BadRowSearch.RowNames {
    private final Configuration hadoop;
    private final DataFormat format;
    private final boolean csvHeader;

    FileRowNames(Configuration hadoop, DataFormat format, boolean csvHeader) {
        this.hadoop = hadoop;
        this.format = format;
        this.csvHeader = csvHeader;
    }

    @Override
    public String name(String file, long row) {
        if (format == DataFormat.CSV || format == DataFormat.JSON || format == DataFormat.LIBSVM) {
            try {
                long line = lineOf(file, row);
                if (line > 0) {
                    return BadRowSearch.displayPath(file) + " line " + line;
                }
            } catch (IOException | RuntimeException e) { // the row index is still right: name it by that
                return BadRowSearch.ROW_INDEX.name(file, row);
            }
        }
        return BadRowSearch.ROW_INDEX.name(file, row);
    }

    /** The 1-based line of row {@code row} of {@code file}, or -1 when the file has no such row. */
    private long lineOf(String file, long row) throws IOException {
        Path path = new Path(URI.create(file));
        CompressionCodec codec = new CompressionCodecFactory(hadoop).getCodec(path);
        InputStream raw = path.getFileSystem(hadoop).open(path);
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(codec == null ? raw : codec.createInputStream(raw),
                StandardCharsets.UTF_8))) {
            boolean headerPending = format == DataFormat.CSV && csvHeader;
            long rows = 0;
            long lineNumber = 0;
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                lineNumber++;
                String text = line.trim();
                if (text.isEmpty() || (format == DataFormat.LIBSVM && text.startsWith("#"))) {
                    continue;
                }
                if (headerPending) {
                    headerPending = false;
                    continue;
                }
                if (rows++ == row) {
                    return lineNumber;
                }
            }
        }
        return -1;
    }
}
