package io.sparkprop.driver.spark;

import com.esotericsoftware.kryo.Kryo;
import io.sparkprop.core.data.DataBlock;
import io.sparkprop.core.matrix.CsrMatrix;
import org.apache.spark.serializer.KryoRegistrator;

/**
 * Registers every class of ours that Spark's data serializer can meet: cached or shipped blocks,
 * broadcast parameters, per-partition results (gradients, statistics, summaries) and the shuffled
 * slices of sharded aggregation. With {@code spark.kryo.registrationRequired=true} a class missing
 * here fails the tasks with "Class is not registered", which the local-cluster test catches.
 */
public final class SparkpropKryoRegistrator implements KryoRegistrator {
    @Override
    public void registerClasses(Kryo kryo) {
        kryo.register(DataBlock.class);
        kryo.register(DataBlock[].class);
        kryo.register(CsrMatrix.class);
        kryo.register(io.sparkprop.core.data.CompactFeatures.class);
        kryo.register(io.sparkprop.core.data.CompactFeatures.Uint8Columns.class);
        kryo.register(io.sparkprop.core.data.CacheFormat.class);
        kryo.register(io.sparkprop.core.data.Standardizer.class);
        kryo.register(short[].class);
        kryo.register(byte[].class);
        kryo.register(float[].class);
        kryo.register(float[][].class);
        kryo.register(double[].class);
        kryo.register(double[][].class);
        kryo.register(int[].class);
        kryo.register(int[][].class);
        kryo.register(long[].class);
        kryo.register(long[][].class);
        kryo.register(Object[].class);
        kryo.register(io.sparkprop.driver.train.PartialSum.class);
        kryo.register(io.sparkprop.driver.train.SliceSum.class);
        // what task 0 of a barrier job of synchronous steps returns
        kryo.register(io.sparkprop.driver.train.StepsResult.class);
        kryo.register(io.sparkprop.driver.train.StepsResult[].class);
        kryo.register(scala.Tuple2.class);
        kryo.register(scala.Tuple2[].class);
        // where a bad row is in the input: the per-split results of the search that runs after a check failed
        kryo.register(io.sparkprop.driver.data.BadRowSearch.Segment.class);
        // Schemas travel in task results (Parquet footer reads): Spark registers StructType but not
        // ML's vector type, nor the column metadata ML stages write (VectorAssembler's ml_attr),
        // which holds nested Metadata in small Scala maps.
        kryo.register(org.apache.spark.ml.linalg.VectorUDT.class);
        kryo.register(org.apache.spark.sql.types.Metadata.class);
        kryo.register(org.apache.spark.sql.types.Metadata[].class);
        for (String map : new String[] {"Map$EmptyMap$", "Map$Map1", "Map$Map2", "Map$Map3", "Map$Map4", "HashMap"}) {
            try {
                kryo.register(Class.forName("scala.collection.immutable." + map));
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("Scala's " + map + " is missing", e);
            }
        }
        // BinaryClassificationEvaluator (areaUnderROC/PR on a classifier's rawPrediction) shuffles
        // per-score label counts; Spark does not register them.
        kryo.register(org.apache.spark.mllib.evaluation.binary.BinaryLabelCounter.class);
        kryo.register(org.apache.spark.mllib.evaluation.binary.BinaryLabelCounter[].class);
    }
}
