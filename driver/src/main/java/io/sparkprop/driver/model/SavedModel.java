package io.sparkprop.driver.model;

import io.sparkprop.core.data.Standardizer;
import io.sparkprop.core.nn.NetworkSpec;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A trained model as stored on disk: the network, its parameters in the flat layout, and what a
 * reader needs to use it (feature names, standardisation statistics of the features and, for
 * regression, of the targets; label mapping) plus training metadata. Immutable apart from the
 * arrays, which callers must not modify.
 */
public final class SavedModel {
    /** What the labels are. */
    public enum Task { CLASSIFICATION, REGRESSION }

    private final NetworkSpec spec;
    private final float[] params;
    private final Task task;
    private final List<String> featureNames;
    private final List<String> classLabels;
    private final List<String> targetNames;
    private final float[] featureMean;
    private final float[] featureStd;
    private final float[] targetMean;
    private final float[] targetStd;
    private final Map<String, Object> training;
    private final String createdAt;
    private final String sparkpropVersion;

    /** A model without target standardisation (a classifier, or a regressor trained on raw targets). */
    public SavedModel(NetworkSpec spec, float[] params, Task task, List<String> featureNames, List<String> classLabels,
                      float[] featureMean, float[] featureStd, Map<String, Object> training,
                      String createdAt, String sparkpropVersion) {
        this(spec, params, task, featureNames, classLabels, featureMean, featureStd, null, null, training, createdAt,
                sparkpropVersion);
    }

    /** A model whose regression outputs have no recorded names (as models written before multi-output regression). */
    public SavedModel(NetworkSpec spec, float[] params, Task task, List<String> featureNames, List<String> classLabels,
                      float[] featureMean, float[] featureStd, float[] targetMean, float[] targetStd,
                      Map<String, Object> training, String createdAt, String sparkpropVersion) {
        this(spec, params, task, featureNames, classLabels, List.of(), featureMean, featureStd, targetMean, targetStd,
                training, createdAt, sparkpropVersion);
    }

    /**
     * @param featureNames  one name per input, or empty when unknown
     * @param classLabels   for classification, the label of each output index (e.g. "0".."9"); else empty
     * @param targetNames   for regression, the name of each output: the label column for one output, the
     *                      label columns for several ({@code y1, y2}), or {@code y[j]} for the entries of a
     *                      vector or array label column {@code y}; empty when unknown, and for classification
     * @param featureMean   standardisation: x' = (x - mean) / std, fitted on the training data; null for none
     * @param targetMean    regression only: the network predicts z = (y - mean) / std per output, so a
     *                      prediction is y = z * std + mean (std > 0); null for none (the identity)
     * @param training      free-form training metadata (data paths, configuration, seed, iterations, metrics)
     */
    /** A model fitted now by this version, with the standardisations its fit used (null: none). */
    public static SavedModel fitted(NetworkSpec spec, float[] params, Task task, List<String> featureNames, List<String> classLabels,
                                    List<String> targetNames, Standardizer features, Standardizer targets, Map<String, Object> training) {
        return new SavedModel(spec, params, task, featureNames, classLabels, targetNames, features == null ? null : features.mean(),
                features == null ? null : features.std(), targets == null ? null : targets.mean(),
                targets == null ? null : targets.std(), training, Instant.now().toString(), runningVersion());
    }

    public SavedModel(NetworkSpec spec, float[] params, Task task, List<String> featureNames, List<String> classLabels,
                      List<String> targetNames, float[] featureMean, float[] featureStd, float[] targetMean, float[] targetStd,
                      Map<String, Object> training, String createdAt, String sparkpropVersion) {
        spec.layout().checkLength(params, "params");
        if (!targetNames.isEmpty() && (task != Task.REGRESSION || targetNames.size() != spec.outputWidth())) {
            throw new IllegalArgumentException(targetNames.size() + " target names " + targetNames + " for a " + task
                    + " model of " + spec.outputWidth() + " outputs (expected one per output of a regressor)");
        }
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
        if ((targetMean == null) != (targetStd == null)) {
            throw new IllegalArgumentException("target standardisation needs both mean and std");
        }
        if (targetMean != null) {
            if (task != Task.REGRESSION) {
                throw new IllegalArgumentException("target standardisation is for regression, this model is a " + task);
            }
            if (targetMean.length != spec.outputWidth() || targetStd.length != spec.outputWidth()) {
                throw new IllegalArgumentException("target standardisation statistics have " + targetMean.length + "/"
                        + targetStd.length + " values, expected the output width " + spec.outputWidth());
            }
            for (int j = 0; j < targetStd.length; j++) {
                if (!(targetStd[j] > 0) || !Float.isFinite(targetStd[j]) || !Float.isFinite(targetMean[j])) {
                    throw new IllegalArgumentException("output " + j + ": target standardisation mean " + targetMean[j]
                            + ", std " + targetStd[j] + " (expected finite numbers, std > 0)");
                }
            }
        }
        this.spec = spec;
        this.params = params;
        this.task = task;
        this.featureNames = List.copyOf(featureNames);
        this.classLabels = List.copyOf(classLabels);
        this.targetNames = List.copyOf(targetNames);
        this.featureMean = featureMean;
        this.featureStd = featureStd;
        this.targetMean = targetMean;
        this.targetStd = targetStd;
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

    /** The regression outputs' names, one per output, or empty when unknown (see the constructor). */
    public List<String> targetNames() {
        return targetNames;
    }

    /**
     * True when the regression outputs came from named label columns, one per output ({@code y1, y2}),
     * rather than from one vector or array column ({@code y[0], y[1]}) or from unknown names.
     */
    public boolean targetsFromColumns() {
        return targetNames.size() > 1 && targetNames.stream().noneMatch(n -> n.endsWith("]") && n.contains("["));
    }

    /** A copy of this model with other training metadata. */
    public SavedModel withTraining(Map<String, Object> newTraining) {
        return new SavedModel(spec, params, task, featureNames, classLabels, targetNames, featureMean, featureStd,
                targetMean, targetStd, newTraining, createdAt, sparkpropVersion);
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

    /** The features' standardisation, or null when the model takes raw features. */
    public Standardizer featureStandardizer() {
        return featureMean == null ? null : new Standardizer(featureMean, featureStd);
    }

    /** Whether the network predicts standardised targets (see {@link #targetStandardizer()}). */
    public boolean targetStandardized() {
        return targetMean != null;
    }

    public float[] targetMean() {
        return targetMean;
    }

    public float[] targetStd() {
        return targetStd;
    }

    /** The targets' standardisation (a prediction is its {@link Standardizer#invert}), or null for none. */
    public Standardizer targetStandardizer() {
        return targetMean == null ? null : new Standardizer(targetMean, targetStd);
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
