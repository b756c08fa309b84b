package io.sparkprop.jobs.config;

import io.sparkprop.driver.config.Choice;

/** data.format: how the training data is read. */
public enum DataFormat {
    /** The MNIST family: a folder holding *-images-idx3-ubyte[.gz] and *-labels-idx1-ubyte[.gz]. */
    IDX,
    PARQUET,
    CSV,
    LIBSVM,
    ORC,
    JSON;

    /** Whether the reader names the features column itself ("features"), so data.features does not apply. */
    public boolean namesFeatures() {
        return this == IDX || this == LIBSVM;
    }

    /** The name as users know it, for messages: CSV, Parquet, LIBSVM. */
    public String displayName() {
        return switch (this) {
            case PARQUET -> "Parquet";
            case LIBSVM -> "LIBSVM";
            default -> name();
        };
    }

    /** The setting's value, which is also Spark's name of the source: the name in lower case. */
    @Override
    public String toString() {
        return Choice.name(this);
    }
}
