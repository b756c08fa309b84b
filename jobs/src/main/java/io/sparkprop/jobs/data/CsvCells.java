package io.sparkprop.jobs.data;

import com.univocity.parsers.csv.CsvParser;
import org.apache.spark.sql.catalyst.csv.CSVOptions;
import org.apache.spark.unsafe.Platform;
import org.apache.spark.unsafe.types.UTF8String;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;

/**
 * The cells of one CSV line as Spark's CSV reader makes them (multiLine off, the options {@link DataSource}
 * reads CSV with): split at the delimiter, an empty cell null, cells past the header's count dropped and
 * missing ones null. A line of plain ASCII without quote, escape or NUL characters is split here, in place
 * (a cell is a slice of the line's bytes); any other line (quoted cells, a BOM, non-ASCII text) is given to
 * the parser Spark itself builds from the same options (univocity's, {@link CSVOptions#asParserSettings}),
 * so every line reads as Spark reads it.
 */
final class CsvCells implements Serializable {
    private static final long serialVersionUID = 1L;
    private final String delimiterOption;
    /** The delimiter as Spark resolves the option, in UTF-8; null when it is not plain ASCII (every line to the parser). */
    private final byte[] delimiter;
    private final char quote;
    private final char escape;

    CsvCells(String delimiterOption) {
        CSVOptions options = options(delimiterOption);
        this.delimiterOption = delimiterOption;
        byte[] bytes = options.delimiter().getBytes(StandardCharsets.UTF_8);
        boolean plain = bytes.length > 0;
        for (byte b : bytes) {
            plain &= b > 0 && b != options.quote() && b != options.escape();
        }
        this.delimiter = plain ? bytes : null;
        this.quote = options.quote();
        this.escape = options.escape();
    }

    private static CSVOptions options(String delimiter) {
        scala.collection.immutable.Map<String, String> given = scala.collection.immutable.Map$.MODULE$.<String, String>empty()
                .updated("sep", delimiter);
        return new CSVOptions(given, true, "UTC");
    }

    /** One task's reader of lines of {@code columns} cells (the header's count), reused line after line. */
    Line line(int columns) {
        return new Line(columns);
    }

    /** Whether the line holds only white space (Spark skips it: {@code line.trim.isEmpty}). */
    static boolean blank(UTF8String line) {
        for (int i = 0; i < line.numBytes(); i++) {
            if ((line.getByte(i) & 0xff) > ' ') {
                return false;
            }
        }
        return true;
    }

    /** The cells of the last line split: cell j is {@code lengths[j]} bytes at {@code offsets[j]} of {@code bases[j]}, -1 for null. */
    final class Line {
        private final Object[] bases;
        private final long[] offsets;
        private final int[] lengths;
        private CsvParser parser;

        private Line(int columns) {
            bases = new Object[columns];
            offsets = new long[columns];
            lengths = new int[columns];
        }

        void split(UTF8String line) {
            if (delimiter == null || !splitPlain(line)) {
                splitByParser(line.toString());
            }
        }

        boolean isNull(int j) {
            return lengths[j] < 0;
        }

        /** Whether cell j (not null) is a number, into {@code numbers}' value. */
        boolean number(int j, NumberText numbers) {
            return numbers.read(bases[j], offsets[j], lengths[j]);
        }

        /** Cell j as a string of its own (a copy), or null. */
        UTF8String text(int j) {
            return isNull(j) ? null : UTF8String.fromAddress(bases[j], offsets[j], lengths[j]).clone();
        }

        /** Splits a plain line in place; false, having split nothing usable, when the line is not plain. */
        private boolean splitPlain(UTF8String line) {
            Object base = line.getBaseObject();
            long offset = line.getBaseOffset();
            int n = line.numBytes();
            byte first = delimiter[0];
            int cell = 0;
            int start = 0;
            for (int i = 0; i < n; i++) {
                byte b = Platform.getByte(base, offset + i);
                if (b == first && (delimiter.length == 1 || atDelimiter(base, offset, i, n))) {
                    set(cell++, base, offset + start, i - start);
                    i += delimiter.length - 1;
                    start = i + 1;
                } else if (b <= 0 || b == quote || b == escape) {
                    return false;
                }
            }
            set(cell++, base, offset + start, n - start);
            for (; cell < lengths.length; cell++) {
                lengths[cell] = -1;
            }
            return true;
        }

        private boolean atDelimiter(Object base, long offset, int i, int n) {
            if (i + delimiter.length > n) {
                return false;
            }
            for (int k = 0; k < delimiter.length; k++) {
                if (Platform.getByte(base, offset + i + k) != delimiter[k]) {
                    return false;
                }
            }
            return true;
        }

        private void splitByParser(String line) {
            if (parser == null) {
                parser = new CsvParser(options(delimiterOption).asParserSettings());
            }
            String[] tokens = parser.parseLine(line);
            for (int j = 0; j < lengths.length; j++) {
                String token = tokens != null && j < tokens.length ? tokens[j] : null;
                byte[] bytes = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
                set(j, bytes, Platform.BYTE_ARRAY_OFFSET, bytes == null ? 0 : bytes.length);
            }
        }

        /** Cell j: empty reads as null, as Spark's nullValue "" has it. */
        private void set(int j, Object base, long offset, int length) {
            if (j < lengths.length) {
                bases[j] = base;
                offsets[j] = offset;
                lengths[j] = length == 0 ? -1 : length;
            }
        }
    }
}
