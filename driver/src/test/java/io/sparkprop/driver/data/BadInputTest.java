package io.sparkprop.driver.data;

import io.sparkprop.core.nn.NetworkSpec;
import io.sparkprop.driver.TestData;
import io.sparkprop.driver.TestSpark;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each kind of bad input, one at a time: the message names column, partition, row and value. */
class BadInputTest {
    private static final NetworkSpec SPEC = NetworkSpec.input(4).dense(3, "softmax").loss("softmax_cross_entropy");
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = TestSpark.start("local[2]");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /** 10 good rows in 2 partitions (rows 0-4, 5-9); row 7 is partition 1, row 2. */
    private static List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            rows.add(RowFactory.create(Vectors.dense(i, 1, 2, 3), (double) (i % 3)));
        }
        return rows;
    }

    private static String failure(List<Row> rows) {
        Dataset<Row> df = TestData.frame(spark, rows, TestData.VECTOR_SCHEMA, 2);
        return assertThrows(IllegalArgumentException.class, () -> BlockBuilder.forNetwork(SPEC).build(df)).getMessage();
    }

    @Test
    void goodRowsBuildOneBlockPerPartition() {
        DataBlocks blocks = BlockBuilder.forNetwork(SPEC).build(TestData.frame(spark, rows(), TestData.VECTOR_SCHEMA, 2));
        assertEquals(2, blocks.partitions());
        assertEquals(10, blocks.rows());
        assertEquals(5, blocks.partitionRows()[1]);
        blocks.unpersist();
    }

    @Test
    void nanFeature() {
        List<Row> rows = rows();
        rows.set(7, RowFactory.create(Vectors.dense(1, Double.NaN, 2, 3), 0.0));
        assertEquals("column 'features', partition 1, row 2: feature 1 is NaN, expected a finite float32 number", failure(rows));
    }

    @Test
    void infiniteFeatureInASparseVector() {
        List<Row> rows = rows();
        rows.set(3, RowFactory.create(Vectors.sparse(4, new int[] {2}, new double[] {Double.POSITIVE_INFINITY}), 0.0));
        assertEquals("column 'features', partition 0, row 3: feature 2 is Infinity, expected a finite float32 number",
                failure(rows));
    }

    @Test
    void wrongFeatureCount() {
        List<Row> rows = rows();
        rows.set(9, RowFactory.create(Vectors.dense(1, 2, 3), 0.0));
        assertEquals("column 'features', partition 1, row 4: 3 features, expected 4 (the network's input width)", failure(rows));
    }

    @Test
    void labelOutsideTheClasses() {
        List<Row> rows = rows();
        rows.set(0, RowFactory.create(Vectors.dense(1, 2, 3, 4), 3.0));
        assertEquals("column 'label', partition 0, row 0: label 3.0 is not an integer class index in [0, 3)", failure(rows));
    }

    @Test
    void nonIntegerLabel() {
        List<Row> rows = rows();
        rows.set(6, RowFactory.create(Vectors.dense(1, 2, 3, 4), 1.5));
        assertEquals("column 'label', partition 1, row 1: label 1.5 is not an integer class index in [0, 3)", failure(rows));
    }

    @Test
    void nanInOneOfSeveralNumericColumns() {
        StructType schema = new StructType().add("a", DataTypes.DoubleType).add("b", DataTypes.DoubleType)
                .add("c", DataTypes.FloatType).add("d", DataTypes.IntegerType).add("y", DataTypes.IntegerType);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            rows.add(RowFactory.create(1.0, i == 4 ? Double.NaN : 2.0, 3f, 4, 1));
        }
        Dataset<Row> df = TestData.frame(spark, rows, schema, 2);
        String m = assertThrows(IllegalArgumentException.class,
                () -> BlockBuilder.forNetwork(SPEC).featureColumns("a", "b", "c", "d").label("y").build(df)).getMessage();
        assertEquals("column 'b', partition 1, row 1: value is NaN, expected a finite float32 number", m);
    }

    @Test
    void emptyDataset() {
        String m = failure(new ArrayList<>());
        assertTrue(m.startsWith("the dataset is empty"), m);
    }

    @Test
    void emptyPartition() {
        Dataset<Row> df = TestData.frame(spark, rows().subList(0, 3), TestData.VECTOR_SCHEMA, 4);
        String m = assertThrows(IllegalArgumentException.class, () -> BlockBuilder.forNetwork(SPEC).build(df)).getMessage();
        assertTrue(m.startsWith("partition 0 of 4 is empty") && m.contains("repartition"), m);
    }

    @Test
    void missingColumn() {
        Dataset<Row> df = TestData.frame(spark, rows(), TestData.VECTOR_SCHEMA, 2);
        String m = assertThrows(IllegalArgumentException.class,
                () -> BlockBuilder.forNetwork(SPEC).label("target").build(df)).getMessage();
        assertEquals("column 'target' not found; available columns: [features, label]", m);
    }
}
