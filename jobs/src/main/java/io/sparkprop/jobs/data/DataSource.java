package io.sparkprop.jobs.data;

import io.sparkprop.core.data.IdxReader;
import io.sparkprop.driver.data.BadInputException;
import io.sparkprop.driver.data.BadRowSearch;
import io.sparkprop.driver.data.ImageRows;
import io.sparkprop.driver.data.RowCheck;
import io.sparkprop.jobs.config.DataFormat;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Reads a dataset into a {@code Dataset<Row>} by format: any Spark source (parquet, csv with a header,
 * libsvm, orc, json) or IDX files (the MNIST family), from any Hadoop FileSystem URI. IDX data and
 * libsvm data come as columns {@code features} (an ML vector) and {@code label}.
 */
public final class DataSource {
    /** The prefix of data embedded in the job jar, e.g. {@code builtin:mnist-10k}. */
    public static final String BUILTIN = "builtin:";

    private static final Logger LOG = LoggerFactory.getLogger(DataSource.class);
    private final SparkSession spark;
    private Consumer<String> warnings = LOG::warn;
    /** The images of each IDX dataset this source read, by the dataset's identity. */
    private final Map<Dataset<Row>, ImageRows> idxImages = new IdentityHashMap<>();
    /** How each CSV dataset this source read was read, by the dataset's identity. */
    private final Map<Dataset<Row>, CsvRead> csvReads = new IdentityHashMap<>();

    /** A CSV input: the path as given, and the options it was read with. */
    record CsvRead(String path, boolean header, String delimiter) {
    }

    public DataSource(SparkSession spark) {
        this.spark = spark;
    }

    /** Where warnings about the data read go (a header that names a column twice), one line each; the log by default. */
    public DataSource warnings(Consumer<String> sink) {
        this.warnings = sink;
        return this;
    }

    /**
     * @param format     the data format
     * @param path       a path or URI; for idx a folder holding one images/labels pair, or a prefix
     *                   such as {@code dir/train} for {@code dir/train-images-idx3-ubyte.gz}
     * @param partitions number of partitions for idx data (other sources keep theirs)
     */
    public Dataset<Row> read(DataFormat format, String path, boolean csvHeader, String csvDelimiter, int partitions)
            throws IOException {
        switch (format) {
            case IDX:
                return readIdx(path, partitions);
            default:
                checkFiles(format, path);
                // Spark reads a file's first lines or footer here (schema inference, a Spark job for
                // Parquet and ORC): its failures become one line naming the path (ReadFailures)
                Dataset<Row> data;
                try {
                    data = format == DataFormat.CSV
                            ? spark.read().option("header", csvHeader).option("sep", csvDelimiter).option("inferSchema", "false").csv(path)
                            : spark.read().format(format.toString()).load(path);
                } catch (Exception e) { // AnalysisException is checked for Java, though Scala throws it undeclared
                    IllegalArgumentException translated = ReadFailures.translate(format, path, e);
                    if (translated != null) {
                        throw translated;
                    }
                    Optional<BadInputException> badLine = format == DataFormat.LIBSVM
                            ? LibsvmLines.firstBad(spark, path, rowNames(format, false)) : Optional.empty();
                    if (badLine.isPresent()) {
                        throw badLine.get();
                    }
                    throw e;
                }
                if (format == DataFormat.CSV) {
                    String renamed = CsvHeaders.check(spark.sparkContext().hadoopConfiguration(), data.inputFiles(), data.columns(),
                            csvHeader, csvDelimiter, path);
                    if (renamed != null) {
                        warnings.accept(renamed);
                    }
                    csvReads.put(data, new CsvRead(path, csvHeader, csvDelimiter));
                }
                return data;
        }
    }

    /** The path exists, and a folder holds data files of the format (see ReadFailures#check). */
    private void checkFiles(DataFormat format, String path) throws IOException {
        Path p = new Path(path);
        FileSystem fs;
        try {
            fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
        } catch (IOException | RuntimeException e) { // no file system for the scheme, or its class is missing
            throw new IllegalArgumentException("cannot open input path " + path + ": " + e.getMessage(), e);
        }
        if (!fs.exists(p)) {
            // a glob (Spark expands it) that matches nothing is a path that does not exist too
            FileStatus[] matches = fs.globStatus(p);
            if (matches == null || matches.length == 0) {
                throw new IllegalArgumentException("input path " + path + " does not exist");
            }
        }
        ReadFailures.check(fs, p, format, path);
    }

    /**
     * Up to {@code max}: the rows of {@code data}. Known without a Spark job for IDX data this source
     * read (the driver counted them); else one Spark job that reads up to {@code max} rows: of no column
     * for CSV (Spark counts its rows without splitting a line, nor planning a query of every column).
     */
    public long rowsUpTo(Dataset<Row> data, int max) {
        ImageRows known = idxImages.get(data);
        return known != null ? Math.min(known.count(), max)
                : (csvReads.containsKey(data) ? data.select() : data).limit(max).count();
    }

    /** The images of {@code data} as the driver holds them, row i image i, when this source read it from IDX files; else null. */
    public ImageRows images(Dataset<Row> data) {
        return idxImages.get(data);
    }

    /**
     * IDX data as rows (features vector, label). The driver reads and checks the files once (they are
     * small: the MNIST family) and broadcasts their bytes; the rows are a projection of the row index
     * (partition p of S holds rows [p n / S, (p + 1) n / S), in file order), each made from the executor's
     * copy when a query reads it. No task carries data (a parallelised collection would ship its rows
     * with every task of every training iteration), reading the rows again unpacks no file, and a query
     * of the labels alone (the class count) makes no feature vector.
     */
    private Dataset<Row> readIdx(String path, int partitions) throws IOException {
        String images;
        String labels;
        if (path.startsWith(BUILTIN)) {
            String name = path.substring(BUILTIN.length());
            images = BUILTIN + "/builtin/" + name + "/t10k-images-idx3-ubyte.gz";
            labels = BUILTIN + "/builtin/" + name + "/t10k-labels-idx1-ubyte.gz";
            if (DataSource.class.getResource(images.substring(BUILTIN.length())) == null) {
                throw new IllegalArgumentException("no built-in dataset '" + name + "'; the built-in one is builtin:mnist-10k");
            }
        } else {
            images = findIdx(path, "images-idx3-ubyte").toString();
            labels = findIdx(path, "labels-idx1-ubyte").toString();
        }
        IdxReader.RawMnist pair;
        try (InputStream im = open(images); InputStream lb = open(labels)) {
            pair = IdxReader.readRawMnist(im, lb, path);
        }
        int slices = partitions > 0 ? partitions : spark.sparkContext().defaultParallelism();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        ImageRows held = new ImageRows(pair.count(), pair.width(), pair.labels(), jsc.broadcast(pair.pixels()),
                jsc.broadcast(pair.labels()));
        Column row = functions.col("id");
        Dataset<Row> rows = spark.range(0, pair.count(), 1, slices).select(
                functions.udf(new IdxPixels(held.pixels(), pair.width()), SQLDataTypes.VectorType()).apply(row)
                        // the width declared in the column's ML metadata, as VectorAssembler's: no Spark job to learn it
                        .as("features", new AttributeGroup("features", pair.width()).toMetadata()),
                functions.udf(new IdxLabel(held.shared()), DataTypes.DoubleType).asNonNullable().apply(row)
                        .as("label"));
        idxImages.put(rows, held);
        return rows;
    }

    /** A {@code builtin:} location is a jar resource, any other a Hadoop path. */
    private InputStream open(String location) throws IOException {
        if (location.startsWith(BUILTIN)) {
            return DataSource.class.getResourceAsStream(location.substring(BUILTIN.length()));
        }
        Path path = new Path(location);
        return path.getFileSystem(spark.sparkContext().hadoopConfiguration()).open(path);
    }

    /** On an executor: image r of the broadcast IDX pair, its pixels / 255 as IdxReader#readMnist's floats. */
    private static final class IdxPixels implements UDF1<Long, Vector> {
        private static final long serialVersionUID = 1L;
        private final Broadcast<byte[]> pixels;
        private final int width;

        IdxPixels(Broadcast<byte[]> pixels, int width) {
            this.pixels = pixels;
            this.width = width;
        }

        @Override
        public Vector call(Long r) {
            byte[] x = pixels.value();
            int from = (int) (r * width);
            double[] v = new double[width];
            for (int c = 0; c < width; c++) {
                v[c] = IdxReader.pixel(x[from + c]);
            }
            return Vectors.dense(v);
        }
    }

    /** On an executor: the class index of image r of the broadcast IDX pair. */
    private static final class IdxLabel implements UDF1<Long, Double> {
        private static final long serialVersionUID = 1L;
        private final Broadcast<byte[]> labels;

        IdxLabel(Broadcast<byte[]> labels) {
            this.labels = labels;
        }

        @Override
        public Double call(Long r) {
            return (double) (labels.value()[(int) (long) r] & 0xff);
        }
    }

    /** The IDX file for {@code marker}: in the folder {@code path}, or named {@code path-marker[.gz]}. */
    private Path findIdx(String path, String marker) throws IOException {
        Path p = new Path(path);
        FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
        List<Path> found = new ArrayList<>();
        if (fs.exists(p) && fs.getFileStatus(p).isDirectory()) {
            for (FileStatus st : fs.listStatus(p)) {
                String n = st.getPath().getName();
                if (n.endsWith(marker) || n.endsWith(marker + ".gz")) {
                    found.add(st.getPath());
                }
            }
            if (found.size() != 1) {
                throw new IllegalArgumentException("expected exactly one *-" + marker + "[.gz] file in " + path + ", found "
                        + found.size() + (found.size() > 1 ? " (name one set with a prefix, e.g. " + path + "/train)" : ""));
            }
            return found.get(0);
        }
        for (String suffix : new String[] {"-" + marker + ".gz", "-" + marker}) {
            Path candidate = new Path(path + suffix);
            if (fs.exists(candidate)) {
                return candidate;
            }
        }
        throw new IllegalArgumentException("input path " + path + " does not exist (expected an IDX folder or a prefix of "
                + path + "-" + marker + "[.gz])");
    }

    /**
     * How a bad row of this source's files is named in a message: by line for the text formats, by
     * row index for Parquet and ORC ({@link FileRowNames}).
     */
    public BadRowSearch.RowNames rowNames(DataFormat format, boolean csvHeader) {
        return new FileRowNames(spark.sparkContext().hadoopConfiguration(), format, csvHeader);
    }

    /**
     * Casts the named text columns of a dataset (CSV, or JSON cells written as strings) to double. A
     * cell that is not a number is an error naming the file, the line and the column: the first
     * column in {@code columns}' order that holds one, at its first such row.
     * <p>
     * The check reads the cells row by row in plain code ({@link TextNumbers}): no expression per column
     * to plan. The result is a projection of one cast per column over the files, where a bad row is traced
     * to its line; {@link #numericCsvRows} gives the same rows cheaper to plan, for training.
     */
    public Dataset<Row> numericCsvColumns(Dataset<Row> csv, List<String> columns, boolean header, DataFormat format)
            throws IOException {
        TextNumbers numbers = TextNumbers.of(csv, columns);
        int bad = numbers.firstBadColumn(csv);
        if (bad < columns.size()) {
            String c = columns.get(bad);
            Column raw = functions.col(quote(c));
            Column[] pair = {raw, raw.try_cast(DataTypes.DoubleType)};
            String value = csv.filter(pair[0].isNotNull().and(pair[1].isNull())).select(raw).limit(1).collectAsList()
                    .get(0).getString(0);
            throw BadRowSearch.find(csv, pair, new NotANumber(c), rowNames(format, header))
                    .orElse(new BadInputException("column '" + c + "': '" + value + "' is not a number"));
        }
        return numbers.typed(csv);
    }

    /**
     * The rows {@link #numericCsvColumns} returns, after it has checked them, typed in plain code outside
     * the query plan: cheap to plan and compile however many columns there are, but a bad value found
     * later is traced to its file and line only through numericCsvColumns' result.
     */
    public Dataset<Row> numericCsvRows(Dataset<Row> csv, List<String> columns) {
        return TextNumbers.of(csv, columns).typedRows(csv);
    }

    /** How {@code csv} was read, when this source read it as CSV; else null. */
    CsvRead csvRead(Dataset<Row> csv) {
        return csvReads.get(csv);
    }

    /**
     * The lines of the files of {@code csv} (read by this source) with the file split each comes from:
     * {@code value, file_path, file_block_start}, in the file splits and order Spark's CSV reader reads them
     * (both are text scans of the same files), for {@link CsvParse}. A plan of three columns, however many
     * the CSV has.
     */
    Dataset<Row> csvLines(Dataset<Row> csv) {
        return spark.read().text(csvReads.get(csv).path()).select(functions.col("value"), functions.col("_metadata.file_path"),
                functions.col("_metadata.file_block_start"));
    }

    /** A text cell (column 0) that the cast to double (column 1) turned into null. */
    private static final class NotANumber implements RowCheck {
        private static final long serialVersionUID = 1L;
        private final String column;

        NotANumber(String column) {
            this.column = column;
        }

        @Override
        public void check(Row row) {
            if (!row.isNullAt(0) && row.isNullAt(1)) {
                throw new BadInputException(column, -1, 0, "'" + row.getString(0) + "' is not a number");
            }
        }
    }

    /** Backquotes a column name so dots and spaces in CSV headers are taken literally. */
    public static String quote(String column) {
        return "`" + column.replace("`", "``") + "`";
    }
}
