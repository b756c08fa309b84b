package io.sparkprop.jobs.data;

import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.classic.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.io.Serializable;
import java.util.Iterator;
import java.util.List;
import java.util.function.Function;

/**
 * Text columns read as doubles. The check for cells that are not numbers and the typing the trainer reads
 * ({@link #typedRows}) run row by row in plain code over Spark's internal rows, so their plans hold no
 * expression per column: expressions over every column (a coalesce of N conditions, N casts) took minutes to
 * plan and compile at a thousand columns. {@link #typed}, a projection of one cast per column, is kept where
 * a row must be traced to its file and line. A cell is read as Spark's own {@code try_cast(cell AS DOUBLE)}
 * reads it ({@link NumberText}): the same numbers and rejects as the cast in the projection.
 */
final class TextNumbers implements Serializable {
    private static final long serialVersionUID = 1L;
    private final int[] positions;

    /** The columns at {@code positions} of the rows hold text to read as numbers. */
    private TextNumbers(int[] positions) {
        this.positions = positions;
    }

    static TextNumbers of(Dataset<Row> data, List<String> columns) {
        int[] positions = new int[columns.size()];
        for (int i = 0; i < positions.length; i++) {
            positions[i] = data.schema().fieldIndex(columns.get(i));
        }
        return new TextNumbers(positions);
    }

    /** The index in the column list of the first column with a cell that is not a number; the list's size when none. */
    int firstBadColumn(Dataset<Row> data) {
        return rows(data).toJavaRDD().mapPartitions(new FirstBad(this)).fold(positions.length, Math::min);
    }

    /**
     * The data with the columns typed as nullable doubles (an empty cell stays null): a projection of
     * the file scan, so a bad value found later (a NaN, a label out of range) can still be traced to its
     * file and line through the scan's hidden {@code _metadata} columns ({@code BadRowSearch}).
     */
    Dataset<Row> typed(Dataset<Row> data) {
        String[] names = data.columns();
        Column[] projection = new Column[names.length];
        for (int j = 0; j < names.length; j++) {
            projection[j] = functions.col(DataSource.quote(names[j]));
        }
        for (int p : positions) {
            projection[p] = projection[p].try_cast(DataTypes.DoubleType).as(names[p]);
        }
        return data.select(projection);
    }

    /**
     * The rows of {@link #typed} computed in plain code over Spark's internal rows: no expression per
     * column to plan or compile, but no file scan left to trace a row to its file and line.
     */
    Dataset<Row> typedRows(Dataset<Row> data) {
        StructField[] fields = data.schema().fields().clone();
        for (int p : positions) {
            fields[p] = new StructField(fields[p].name(), DataTypes.DoubleType, true, Metadata.empty());
        }
        DataType[] types = new DataType[fields.length];
        for (int j = 0; j < types.length; j++) {
            types[j] = fields[j].dataType();
        }
        RDD<InternalRow> typed = rows(data).toJavaRDD().mapPartitions(new Typed(positions, types)).rdd();
        return ((SparkSession) data.sparkSession()).internalCreateDataFrame(typed, new StructType(fields), false);
    }

    static RDD<InternalRow> rows(Dataset<Row> data) {
        return ((org.apache.spark.sql.classic.Dataset<Row>) data).queryExecution().toRdd();
    }

    /** {@code rows} with {@code f} applied to each as it is read. */
    static <T, R> Iterator<R> map(Iterator<T> rows, Function<T, R> f) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return rows.hasNext();
            }

            @Override
            public R next() {
                return f.apply(rows.next());
            }
        };
    }

    /** One partition's parser: the number {@code try_cast(cell AS DOUBLE)} gives ({@link NumberText}). */
    static final class Parser {
        private final NumberText numbers = new NumberText();

        /** The cell's number, or null for a null cell or one that is not a number. */
        Object parse(InternalRow row, int position) {
            return !row.isNullAt(position) && numbers.read(row.getUTF8String(position)) ? numbers.value() : null;
        }

        boolean bad(InternalRow row, int position) {
            return !row.isNullAt(position) && parse(row, position) == null;
        }
    }

    private static final class FirstBad implements FlatMapFunction<Iterator<InternalRow>, Integer> {
        private static final long serialVersionUID = 1L;
        private final TextNumbers columns;

        FirstBad(TextNumbers columns) {
            this.columns = columns;
        }

        @Override
        public Iterator<Integer> call(Iterator<InternalRow> rows) {
            Parser parser = new Parser();
            int first = columns.positions.length;
            while (first > 0 && rows.hasNext()) {
                InternalRow row = rows.next();
                for (int i = 0; i < first; i++) {
                    if (parser.bad(row, columns.positions[i])) {
                        first = i;
                    }
                }
            }
            return List.of(first).iterator();
        }
    }

    private static final class Typed implements FlatMapFunction<Iterator<InternalRow>, InternalRow> {
        private static final long serialVersionUID = 1L;
        private final int[] positions;
        private final DataType[] types;

        Typed(int[] positions, DataType[] types) {
            this.positions = positions;
            this.types = types;
        }

        @Override
        public Iterator<InternalRow> call(Iterator<InternalRow> rows) {
            Parser parser = new Parser();
            return map(rows, in -> {
                // a copy: the scan reuses its row object, and the other cells are kept by reference
                InternalRow row = in.copy();
                Object[] values = new Object[types.length];
                for (int j = 0; j < types.length; j++) {
                    values[j] = row.isNullAt(j) ? null : row.get(j, types[j]);
                }
                for (int p : positions) {
                    values[p] = parser.parse(row, p);
                }
                return new GenericInternalRow(values);
            });
        }
    }
}
