package io.sparkprop.driver;

import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Small seeded datasets whose partitioning does not depend on the master (parallelize slices by position). */
public final class TestData {
    public static final StructType VECTOR_SCHEMA = new StructType()
            .add("features", SQLDataTypes.VectorType())
            .add("label", DataTypes.DoubleType);

    private TestData() {
    }

    /**
     * Rows in {@code partitions} contiguous slices, in list order. Row indices are parallelized and
     * the rows travel in the closure (Java serialization): Kryo with registration required would
     * reject Spark's GenericRow in parallelized data, which is test scaffolding, not training traffic.
     */
    public static Dataset<Row> frame(SparkSession spark, List<Row> rows, StructType schema, int partitions) {
        List<Integer> indices = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            indices.add(i);
        }
        List<Row> copy = new ArrayList<>(rows);
        return spark.createDataFrame(TestSpark.jsc(spark).parallelize(indices, partitions).map(copy::get), schema);
    }

    /**
     * {@code rows} examples of {@code features} features, about {@code density} of them non-zero, and a
     * class in [0, classes) given by the sign pattern of two fixed projections (learnable, not trivial).
     */
    public static List<Row> classification(int rows, int features, int classes, double density, boolean sparse, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<Row> out = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            double[] x = new double[features];
            double score = 0;
            for (int j = 0; j < features; j++) {
                if (rng.nextDouble() < density) {
                    x[j] = rng.nextDouble() * 2 - 1;
                }
                score += x[j] * ((j % 3) - 1);
            }
            int label = (int) Math.floorMod((long) Math.floor(score * 2), (long) classes);
            Vector v = Vectors.dense(x);
            out.add(RowFactory.create(sparse ? v.toSparse() : v, (double) label));
        }
        return out;
    }

    /** y = sum_j w_j x_j + noise, one output. */
    public static List<Row> regression(int rows, int features, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<Row> out = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            double[] x = new double[features];
            double y = 0;
            for (int j = 0; j < features; j++) {
                x[j] = rng.nextDouble() * 2 - 1;
                y += x[j] * (j + 1) * 0.5;
            }
            out.add(RowFactory.create(Vectors.dense(x), y + 0.01 * (rng.nextDouble() - 0.5)));
        }
        return out;
    }
}
