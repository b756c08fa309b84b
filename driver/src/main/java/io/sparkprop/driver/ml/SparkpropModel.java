package io.sparkprop.driver.ml;

import io.sparkprop.driver.model.OnnxExporter;
import io.sparkprop.driver.model.SavedModel;
import org.apache.hadoop.conf.Configuration;

import java.io.IOException;

/**
 * What the two fitted models share: a {@link SavedModel} (the same model the command line writes and
 * reads), the summary of the fit that produced it, and ONNX export. Scoring is batched through
 * {@link io.sparkprop.driver.model.ModelScorer} ({@link BatchTransform}); persistence is
 * {@link StageWriter}'s: Spark's stage metadata plus, in {@code model/}, the sparkprop model format.
 */
public interface SparkpropModel {
    /** The trained network, its parameters, standardisation and labels. */
    SavedModel savedModel();

    boolean hasSummary();

    /** The training summary of the fit that produced this model; not available after loading. */
    TrainingSummary summary();

    /** The model as an ONNX graph (see {@link OnnxExporter}). */
    default byte[] toOnnx() {
        return OnnxExporter.toBytes(savedModel());
    }

    /** Writes the ONNX model to a file (local path or any Hadoop file system URI). */
    default void saveOnnx(String file, boolean overwrite) throws IOException {
        OnnxExporter.write(savedModel(), file, overwrite, new Configuration());
    }
}
