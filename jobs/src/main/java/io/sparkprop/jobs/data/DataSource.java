package io.sparkprop.jobs.data;

import io.sparkprop.core.data.DataBlock;
import io.sparkprop.core.data.IdxReader;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * Reads a dataset into a {@code Dataset<Row>} by format: any Spark source (parquet, csv with a header,
 * libsvm, orc, json) or IDX files (the MNIST family), from any Hadoop FileSystem URI. IDX data and
 * libsvm data come as columns {@code features} (an ML vector) and {@code label}.
 */
public final class DataSource {
    /** The prefix of data embedded in the job jar, e.g. {@code builtin:mnist-10k}. */
    public static final String BUILTIN = "builtin:";

    private final SparkSession spark;

    public DataSource(SparkSession spark) {
        this.spark = spark;
    }

    /**
     * @param format     idx, parquet, csv, libsvm, orc or json
     * @param path       a path or URI; for idx a folder holding one images/labels pair, or a prefix
     *                   such as {@code dir/train} for {@code dir/train-images-idx3-ubyte.gz}
     * @param partitions number of partitions for idx data (other sources keep theirs)
     */
    public Dataset<Row> read(String format, String path, boolean csvHeader, String csvDelimiter, int partitions)
            throws IOException {
        switch (format.toLowerCase(Locale.ROOT)) {
            case "idx":
                return readIdx(path, partitions);
            case "csv":
                checkExists(path);
                return spark.read().option("header", csvHeader).option("sep", csvDelimiter)
                        .option("inferSchema", "false").csv(path);
            case "parquet":
            case "libsvm":
            case "orc":
            case "json":
                checkExists(path);
                return spark.read().format(format).load(path);
            default:
                throw new IllegalArgumentException("data format '" + format + "' is not one of idx, parquet, csv, libsvm, orc, json");
        }
    }

    private void checkExists(String path) throws IOException {
        Path p = new Path(path);
        FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
        if (!fs.exists(p) && fs.globStatus(p) == null) {
            throw new IllegalArgumentException("input path " + path + " does not exist");
        }
    }

    private Dataset<Row> readIdx(String path, int partitions) throws IOException {
        DataBlock block;
        if (path.startsWith(BUILTIN)) {
            String name = path.substring(BUILTIN.length());
            String base = "/builtin/" + name + "/";
            try (InputStream images = DataSource.class.getResourceAsStream(base + "t10k-images-idx3-ubyte.gz");
                 InputStream labels = DataSource.class.getResourceAsStream(base + "t10k-labels-idx1-ubyte.gz")) {
                if (images == null || labels == null) {
                    throw new IllegalArgumentException("no built-in dataset '" + name + "'; the built-in one is builtin:mnist-10k");
                }
                block = IdxReader.readMnist(images, labels, path);
            }
        } else {
            Path images = findIdx(path, "images-idx3-ubyte");
            Path labels = findIdx(path, "labels-idx1-ubyte");
            FileSystem fs = images.getFileSystem(spark.sparkContext().hadoopConfiguration());
            try (InputStream im = fs.open(images); InputStream lb = fs.open(labels)) {
                block = IdxReader.readMnist(im, lb, path);
            }
        }
        // Split on the driver into contiguous row ranges (registered DataBlocks travel to the
        // executors), and turn them into rows there.
        int slices = partitions > 0 ? partitions : spark.sparkContext().defaultParallelism();
        List<DataBlock> parts = new ArrayList<>(slices);
        for (int p = 0; p < slices; p++) {
            int from = (int) ((long) p * block.rows() / slices);
            int to = (int) ((long) (p + 1) * block.rows() / slices);
            parts.add(DataBlock.dense(to - from, block.cols(),
                    Arrays.copyOfRange(block.dense(), from * block.cols(), to * block.cols()), 1,
                    Arrays.copyOfRange(block.targets(), from, to)));
        }
        StructType schema = new StructType()
                .add("features", SQLDataTypes.VectorType(), false)
                .add("label", DataTypes.DoubleType, false);
        return spark.createDataFrame(JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(parts, slices)
                .flatMap(DataSource::rows), schema);
    }

    /** A dense block's rows as (features vector, label). */
    private static Iterator<Row> rows(DataBlock b) {
        List<Row> rows = new ArrayList<>(b.rows());
        for (int r = 0; r < b.rows(); r++) {
            double[] v = new double[b.cols()];
            for (int c = 0; c < b.cols(); c++) {
                v[c] = b.dense()[r * b.cols() + c];
            }
            rows.add(RowFactory.create(Vectors.dense(v), (double) b.targets()[r]));
        }
        return rows.iterator();
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
     * Casts the named columns of a CSV dataset (read as text) to double. A cell that is not a number
     * is an error naming the file, the line and the column.
     */
    public Dataset<Row> numericCsvColumns(Dataset<Row> csv, List<String> columns, boolean header, String delimiter)
            throws IOException {
        Dataset<Row> out = csv;
        for (String c : columns) {
            Column raw = functions.col(quote(c));
            Column cast = raw.try_cast(DataTypes.DoubleType);
            List<Row> bad = csv.withColumn("__file", functions.input_file_name())
                    .filter(raw.isNotNull().and(cast.isNull()))
                    .select(functions.col("__file"), raw).limit(1).collectAsList();
            if (!bad.isEmpty()) {
                String file = bad.get(0).getString(0);
                String value = bad.get(0).getString(1);
                throw new IllegalArgumentException(file + " line " + lineOf(file, c, value, header, delimiter) + ", column "
                        + c + ": '" + value + "' is not a number");
            }
            out = out.withColumn(c, cast);
        }
        return out;
    }

    /** The 1-based line of the first row whose column {@code column} holds {@code value} (error path only). */
    private String lineOf(String file, String column, String value, boolean header, String delimiter) throws IOException {
        Path p = new Path(file);
        FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
        try (BufferedReader r = new BufferedReader(new InputStreamReader(fs.open(p), StandardCharsets.UTF_8))) {
            String line;
            int lineNo = 0;
            int index = -1;
            while ((line = r.readLine()) != null) {
                lineNo++;
                List<String> fields = Arrays.asList(line.split(java.util.regex.Pattern.quote(delimiter), -1));
                if (index < 0) {
                    index = header ? fields.stream().map(String::trim).toList().indexOf(column) : Integer.parseInt(column.replace("_c", ""));
                    if (header) {
                        continue;
                    }
                }
                if (index >= 0 && index < fields.size() && fields.get(index).trim().equals(value.trim())) {
                    return String.valueOf(lineNo);
                }
            }
        } catch (RuntimeException e) {
            return "?";
        }
        return "?";
    }

    /** Backquotes a column name so dots and spaces in CSV headers are taken literally. */
    public static String quote(String column) {
        return "`" + column.replace("`", "``") + "`";
    }
}
