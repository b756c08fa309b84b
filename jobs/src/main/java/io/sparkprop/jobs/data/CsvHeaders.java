package io.sparkprop.jobs.data;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The first lines of a CSV input's files, compared before Spark reads them: Spark takes the column
 * names from one file and reads every other file by position, so a file whose header lists the same
 * columns in another order would train on swapped features. Files whose headers differ (order or
 * set), or without a header whose first rows differ in their number of fields, are refused with one
 * line naming the first file that differs from the first one, and how. A header that names a column
 * twice is read (Spark appends each one's position to its name) with one warning saying so, in place
 * of Spark's block of lines per file and task (conf/log4j2.properties quiets that one).
 */
final class CsvHeaders {
    private CsvHeaders() {
    }

    /**
     * @param files   the files Spark reads (Dataset#inputFiles), as URIs
     * @param columns the column names Spark gave the data
     * @param given   the path as the user gave it
     * @return a warning when the header repeats a name (Spark renames each by its position), else null
     */
    static String check(Configuration conf, String[] files, String[] columns, boolean header, String delimiter, String given)
            throws IOException {
        if (files.length < 2 && !header) {
            return null;
        }
        String[] sorted = files.clone();
        Arrays.sort(sorted);
        String firstFile = null;
        List<String> first = null;
        for (String file : sorted) {
            List<String> fields = firstLine(conf, file, delimiter);
            if (fields == null) {
                continue; // an empty file: no rows, nothing read by position
            }
            if (first == null) {
                firstFile = file;
                first = fields;
            } else if (header ? !fields.equals(first) : fields.size() != first.size()) {
                String what = header ? show(firstFile) + " has " + brief(first) + " and " + show(file) + " has "
                        + brief(fields) + " (" + difference(first, fields) + ")"
                        : "the first row of " + show(firstFile) + " has " + first.size() + " fields and that of " + show(file)
                        + " " + fields.size();
                throw new IllegalArgumentException("the CSV files of " + given + " differ: " + what + "; Spark would read the"
                        + " columns of one by the position they have in the other (give every file the same "
                        + (header ? "header" : "columns") + ")");
            }
        }
        return header && first != null ? renamed(first, columns, show(firstFile)) : null;
    }

    /** "F names x1 more than once: Spark reads them as x10, x12", or null when Spark kept every name. */
    private static String renamed(List<String> header, String[] columns, String file) {
        List<String> as = new ArrayList<>();
        Set<String> names = new java.util.TreeSet<>();
        for (int i = 0; i < Math.min(header.size(), columns.length); i++) {
            if (!header.get(i).equals(columns[i])) {
                names.add(header.get(i));
                as.add(columns[i]);
            }
        }
        return as.isEmpty() ? null : "the header of " + file + " names " + String.join(",", names) + " more than once: its"
                + " columns are read as " + brief(as) + " (by position)";
    }

    /** How header {@code other} differs from {@code first}: "the same columns in another order", "lacks c, adds d". */
    static String difference(List<String> first, List<String> other) {
        Set<String> a = new HashSet<>(first);
        Set<String> b = new HashSet<>(other);
        if (a.equals(b)) {
            return first.size() == other.size() ? "the same columns in another order" : "a column repeated";
        }
        List<String> missing = new ArrayList<>(first);
        missing.removeAll(b);
        missing = missing.size() > 8 ? List.of(brief(missing)) : missing;
        List<String> extra = new ArrayList<>(other);
        extra.removeAll(a);
        extra = extra.size() > 8 ? List.of(brief(extra)) : extra;
        List<String> parts = new ArrayList<>();
        if (!missing.isEmpty()) {
            parts.add("lacks " + String.join(",", missing));
        }
        if (!extra.isEmpty()) {
            parts.add("adds " + String.join(",", extra));
        }
        return String.join(", ", parts);
    }

    /** "a,b,c", or the first columns and the count of a wide header: "c0,c1,...,c7, ... (5000 columns)". */
    private static String brief(List<String> columns) {
        int shown = 8;
        return columns.size() <= shown ? String.join(",", columns)
                : String.join(",", columns.subList(0, shown)) + ", ... (" + columns.size() + " columns)";
    }

    /** The first line's fields (quotes removed), or null for an empty file. */
    private static List<String> firstLine(Configuration conf, String file, String delimiter) throws IOException {
        Path path = new Path(URI.create(file)); // Spark's input files are URIs: "a%3Fb" is the file a?b
        FileSystem fs = path.getFileSystem(conf);
        CompressionCodec codec = new CompressionCodecFactory(conf).getCodec(path);
        try (InputStream raw = fs.open(path);
             InputStream in = codec == null ? raw : codec.createInputStream(raw);
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line = reader.readLine();
            if (line == null) {
                return null;
            }
            return fields(line.startsWith("\uFEFF") ? line.substring(1) : line, delimiter);
        }
    }

    /** Splits a CSV line at the delimiter outside double quotes; "" inside quotes is one quote. */
    static List<String> fields(String line, String delimiter) {
        List<String> out = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (ch == '"') {
                if (quoted && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else {
                    quoted = !quoted;
                }
            } else if (!quoted && line.startsWith(delimiter, i)) {
                out.add(field.toString());
                field.setLength(0);
                i += delimiter.length() - 1;
            } else {
                field.append(ch);
            }
        }
        out.add(field.toString());
        return out;
    }

    private static String show(String file) {
        return io.sparkprop.driver.data.BadRowSearch.displayPath(file);
    }
}
