package io.sparkprop.driver.data;

import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where the first bad row is in the input as the user has it: its file and line (or Parquet/ORC row),
 * before any validation split, repartition or shuffle. Runs only after a check has already failed
 * (building the blocks, scoring), so the rows that train are read exactly as before and give the
 * same bits: one more Spark job, over the input, on the error path alone.
 * <p>
 * Spark's file sources give every row the hidden columns {@code _metadata.file_path} and
 * {@code _metadata.file_block_start} (the byte offset of the file split it was read from); they stay
 * resolvable through projections, casts and splits of the relation. Each task runs the check over
 * its rows in the order the file holds them and reports, per (file, split), the rows it read and the
 * first that failed. On the driver, the row's index in its file is the rows of the file's earlier
 * splits plus its index in its own split; {@link RowNames} turns that into what the user can find
 * (the line of a text file, the row of a Parquet file). Data that does not come from files (an
 * in-memory DataFrame, a union of several inputs) is named by its partition and row, as the caller's
 * Dataset holds them before any split.
 * <p>
 * The first bad row is the one in the first file (by path), at the smallest offset; it need not be the
 * one the failed task met, which may have come later in the input.
 */
public final class BadRowSearch {
    private static final Logger LOG = LoggerFactory.getLogger(BadRowSearch.class);
    private static final String METADATA = "_metadata";

    private BadRowSearch() {
    }

    /** How a row of a file is named in a message, from the file (as Spark names it: a URI) and its 0-based row index. */
    @FunctionalInterface
    public interface RowNames {
        String name(String file, long row);
    }

    /** "/data/part-0.parquet row 41 (0-based)": right for Parquet and ORC; for text files, the rows Spark read from it. */
    public static final RowNames ROW_INDEX = (file, row) -> displayPath(file) + " row " + row + " (0-based)";

    /**
     * The first row of {@code input} that fails {@code check}, as a {@link BadInputException} naming
     * its place (file and row by {@code names}, else partition and row) and the check's column and
     * problem; empty when none fails or the search itself fails (the caller keeps its own error).
     *
     * @param columns what the check reads, first in the row and in this order
     */
    public static Optional<BadInputException> find(Dataset<Row> input, Column[] columns, RowCheck check, RowNames names) {
        try {
            boolean files = false;
            Dataset<Row> scan = input.select(columns);
            if (!Arrays.asList(input.columns()).contains(METADATA)) {
                try {
                    Column[] located = Arrays.copyOf(columns, columns.length + 2);
                    located[columns.length] = functions.col(METADATA + ".file_path");
                    located[columns.length + 1] = functions.col(METADATA + ".file_block_start");
                    scan = input.select(located);
                    files = true;
                } catch (Exception e) { // AnalysisException: the input does not come from files
                    LOG.debug("no file metadata to locate bad rows in: {}", e.getMessage());
                }
            }
            List<Segment> segments = scan.toJavaRDD().mapPartitionsWithIndex(new FirstBadRows(check, columns.length, files), true)
                    .collect();
            return files ? inFiles(segments, names) : inPartitions(segments);
        } catch (Exception e) { // the search must never hide the error it was asked to locate
            LOG.warn("could not locate the bad row in the input: {}", e.toString());
            return Optional.empty();
        }
    }

    private static Optional<BadInputException> inFiles(List<Segment> segments, RowNames names) {
        Optional<Segment> first = segments.stream().filter(s -> s.badRow >= 0)
                .min(Comparator.<Segment, String>comparing(s -> s.file).thenComparingLong(s -> s.start));
        if (first.isEmpty()) {
            return Optional.empty();
        }
        Segment bad = first.get();
        // a split is read by one task, but one task may read several splits: count each split once
        Map<Long, Long> rowsBefore = new LinkedHashMap<>();
        for (Segment s : segments) {
            if (s.file.equals(bad.file) && s.start < bad.start) {
                rowsBefore.merge(s.start, s.rows, Long::sum);
            }
        }
        long row = bad.badRow + rowsBefore.values().stream().mapToLong(Long::longValue).sum();
        return Optional.of(BadInputException.at(names.name(bad.file, row), bad.column, bad.problem));
    }

    private static Optional<BadInputException> inPartitions(List<Segment> segments) {
        return segments.stream().filter(s -> s.badRow >= 0)
                .min(Comparator.comparingInt((Segment s) -> s.partition))
                .map(s -> new BadInputException(s.column, s.partition, (int) s.badRow, s.problem));
    }

    /** A file URI as the user wrote it: the path alone for local files, else the decoded URI. */
    public static String displayPath(String file) {
        try {
            URI uri = new URI(file);
            if ("file".equals(uri.getScheme())) {
                return uri.getPath();
            }
            return new Path(uri).toString();
        } catch (URISyntaxException | IllegalArgumentException e) {
            return file;
        }
    }

    /**
     * What one task read of one file split (or, without files, of one partition): its rows and its
     * first bad row, if any. Public for the Kryo registrator: it travels in task results.
     */
    public static final class Segment implements Serializable {
        private static final long serialVersionUID = 1L;
        String file;
        long start;
        int partition;
        long rows;
        long badRow = -1;
        String column;
        String problem;
    }

    /** Runs on the executors: the check over a partition's rows, counted per file split. */
    private static final class FirstBadRows implements Function2<Integer, Iterator<Row>, Iterator<Segment>> {
        private static final long serialVersionUID = 1L;
        private final RowCheck check;
        private final int fileColumn;
        private final boolean files;

        FirstBadRows(RowCheck check, int fileColumn, boolean files) {
            this.check = check;
            this.fileColumn = fileColumn;
            this.files = files;
        }

        @Override
        public Iterator<Segment> call(Integer partition, Iterator<Row> rows) {
            List<Segment> out = new ArrayList<>();
            Segment current = null;
            while (rows.hasNext()) {
                Row row = rows.next();
                String file = files ? row.getString(fileColumn) : null;
                long start = files ? row.getLong(fileColumn + 1) : 0;
                if (current == null || (files && (start != current.start || !file.equals(current.file)))) {
                    current = new Segment();
                    current.file = file;
                    current.start = start;
                    current.partition = partition;
                    out.add(current);
                }
                if (current.badRow < 0) {
                    try {
                        check.check(row);
                    } catch (BadInputException e) {
                        current.badRow = current.rows;
                        current.column = e.column();
                        current.problem = e.problem() != null ? e.problem() : e.getMessage();
                    }
                }
                current.rows++;
            }
            return out.iterator();
        }
    }
}
