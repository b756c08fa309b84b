package io.sparkprop.driver.spark;

import org.apache.spark.SparkConf;

/** The serializer settings sparkprop is tested with. */
public final class KryoSettings {
    private KryoSettings() {
    }

    /**
     * Kryo with our registrator; {@code registrationRequired} makes an unregistered class an error
     * instead of a silent fallback that writes full class names with every object.
     */
    public static SparkConf apply(SparkConf conf, boolean registrationRequired) {
        return conf.set("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                .set("spark.kryo.registrator", SparkpropKryoRegistrator.class.getName())
                .set("spark.kryo.registrationRequired", Boolean.toString(registrationRequired));
    }
}
