package io.sparkprop.driver.spark;

import com.esotericsoftware.kryo.Kryo;
import io.sparkprop.core.data.DataBlock;
import io.sparkprop.core.matrix.CsrMatrix;
import org.apache.spark.serializer.KryoRegistrator;

/**
 * Registers every class of ours that Spark's data serializer can meet: cached or shipped blocks,
 * broadcast parameters, per-partition results (gradients, statistics, summaries) and the shuffled
 * partial sums of tree aggregation. With {@code spark.kryo.registrationRequired=true} a class missing
 * here fails the tasks with "Class is not registered", which the local-cluster test catches.
 */
public final class SparkpropKryoRegistrator implements KryoRegistrator {
    @Override
    public void registerClasses(Kryo kryo) {
        kryo.register(DataBlock.class);
        kryo.register(DataBlock[].class);
        kryo.register(CsrMatrix.class);
        kryo.register(float[].class);
        kryo.register(float[][].class);
        kryo.register(double[].class);
        kryo.register(double[][].class);
        kryo.register(int[].class);
        kryo.register(int[][].class);
        kryo.register(long[].class);
        kryo.register(long[][].class);
        kryo.register(Object[].class);
        kryo.register(scala.Tuple2.class);
        kryo.register(scala.Tuple2[].class);
    }
}
