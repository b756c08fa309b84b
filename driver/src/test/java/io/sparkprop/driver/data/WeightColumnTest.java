package io.sparkprop.driver.data;

import io.sparkprop.core.nn.NetworkSpec;
import io.sparkprop.driver.TestData;
import io.sparkprop.driver.TestSpark;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
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

/** Bad row weights, one at a time: one line naming the column, the row and the value, before training. */
class WeightColumnTest {
    private static final NetworkSpec SPEC = NetworkSpec.input(2).dense(3, "softmax").loss("softmax_cross_entropy");
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = TestSpark.start("local[2]");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static StructType schema(DataType weightType) {
        return new StructType().add("features", SQLDataTypes.VectorType()).add("label", DataTypes.DoubleType)
                .add("w", weightType, true);
    }

    /** 10 rows in 2 partitions (rows 0-4, 5-9), weight 1 except row 7 (partition 1, row 2). */
    private static Dataset<Row> frame(Object row7Weight) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            rows.add(RowFactory.create(Vectors.dense(i, 1), (double) (i % 3), i == 7 ? row7Weight : (Object) 1.0));
        }
        return TestData.frame(spark, rows, schema(DataTypes.DoubleType), 2);
    }

    private static String failure(Dataset<Row> df) {
        return assertThrows(IllegalArgumentException.class, () -> BlockBuilder.forNetwork(SPEC).weight("w").build(df)).getMessage();
    }

    @Test
    void goodWeightsAreSummed() {
        DataBlocks blocks = BlockBuilder.forNetwork(SPEC).weight("w").build(frame(2.5));
        assertTrue(blocks.weighted());
        assertEquals(11.5, blocks.weightSum(), 0);
        blocks.unpersist();
        DataBlocks plain = BlockBuilder.forNetwork(SPEC).build(frame(2.5));
        assertEquals(false, plain.weighted());
        assertEquals(10, plain.weightSum(), 0);
        plain.unpersist();
    }

    @Test
    void negativeNaNInfiniteAndNullWeightsNameTheRow() {
        assertEquals("column 'w', partition 1, row 2: weight is -1.0, expected a finite float32 number >= 0", failure(frame(-1.0)));
        assertEquals("column 'w', partition 1, row 2: weight is NaN, expected a finite float32 number >= 0",
                failure(frame(Double.NaN)));
        assertEquals("column 'w', partition 1, row 2: weight is Infinity, expected a finite float32 number >= 0",
                failure(frame(Double.POSITIVE_INFINITY)));
        assertEquals("column 'w', partition 1, row 2: weight is 1.0E300, expected a finite float32 number >= 0",
                failure(frame(1e300)));
        assertEquals("column 'w', partition 1, row 2: weight is null, expected a finite float32 number >= 0",
                failure(frame(null)));
    }

    @Test
    void allZeroWeightsAreRejected() {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            rows.add(RowFactory.create(Vectors.dense(i, 1), (double) (i % 3), 0.0));
        }
        assertEquals("weight column 'w': every one of the 6 rows has weight 0, expected at least one row with a positive weight",
                failure(TestData.frame(spark, rows, schema(DataTypes.DoubleType), 2)));
    }

    @Test
    void aMissingOrNonNumericWeightColumnIsNamed() {
        String m = assertThrows(IllegalArgumentException.class, () -> BlockBuilder.forNetwork(SPEC).weight("weight")
                .build(frame(1.0))).getMessage();
        assertEquals("weight column 'weight' not found; available columns: [features, label, w]", m);
        List<Row> rows = List.of(RowFactory.create(Vectors.dense(0, 1), 0.0, "heavy"));
        assertEquals("weight column 'w' has type string, expected a number >= 0 per row",
                failure(TestData.frame(spark, rows, schema(DataTypes.StringType), 1)));
    }
}
