package io.sparkprop.driver.model;

import io.sparkprop.core.nn.NetworkSpec;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A trained model as stored on disk: the network, its parameters in the flat layout, and what a
 * reader needs to use it (feature names, standardisation statistics, label mapping) plus training
 * metadata. Immutable apart from the arrays, which callers must not modify.
 */
public final class SavedModel {
    /** What the labels are. */
    public enum Task { CLASSIFICATION, REGRESSION }

    private final NetworkSpec spec;
    private final float[] params;
    private final Task task;
    private final List<String> featureNames;
    private final List<String> classLabels;
    private final float[] featureMean;
    private final float[] featureStd;
    private final Map<String, Object> training;
    private final String createdAt;
    private final String sparkpropVersion;

    /**
     * @param featureNames  one name per input, or empty when unknown
     * @param classLabels   for classification, the label of each output index (e.g. "0".."9"); else empty
     * @param featureMean   standardisation: x' = (x - mean) / std, fitted on the training data; null for none
     * @param training      free-form training metadata (data paths, configuration, seed, iterations, metrics)
     */
    public SavedModel(NetworkSpec spec, float[] params, Task task, List<String> featureNames, List<String> classLabels,
                      float[] featureMean, float[] featureStd, Map<String, Object> training,
                      String createdAt, String sparkpropVersion) {
        spec.layout().checkLength(params, "params");
        if (!featureNames.isEmpty() && featureNames.size() != spec.inputWidth()) {
            throw new IllegalArgumentException(featureNames.size() + " feature names for an input width of " + spec.inputWidth());
        }
        if ((featureMean == null) != (featureStd == null)) {
            throw new IllegalArgumentException("standardisation needs both mean and std");
        }
        if (featureMean != null && (featureMean.length != spec.inputWidth() || featureStd.length != spec.inputWidth())) {
            throw new IllegalArgumentException("standardisation statistics have " + featureMean.length + "/" + featureStd.length
                    + " values, expected the input width " + spec.inputWidth());
        }
        this.spec = spec;
        this.params = params;
        this.task = task;
        this.featureNames = List.copyOf(featureNames);
        this.classLabels = List.copyOf(classLabels);
        this.featureMean = featureMean;
        this.featureStd = featureStd;
        this.training = Collections.unmodifiableMap(new LinkedHashMap<>(training));
        this.createdAt = createdAt;
        this.sparkpropVersion = sparkpropVersion;
    }

    /** The running sparkprop's version, as the jar's manifest records it ("dev" outside a jar). */
    public static String runningVersion() {
        String v = SavedModel.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    public NetworkSpec spec() {
        return spec;
    }

    public float[] params() {
        return params;
    }

    public Task task() {
        return task;
    }

    public List<String> featureNames() {
        return featureNames;
    }

    public List<String> classLabels() {
        return classLabels;
    }

    public boolean standardized() {
        return featureMean != null;
    }

    public float[] featureMean() {
        return featureMean;
    }

    public float[] featureStd() {
        return featureStd;
    }

    public Map<String, Object> training() {
        return training;
    }

    public String createdAt() {
        return createdAt;
    }

    public String sparkpropVersion() {
        return sparkpropVersion;
    }
}
