package io.sparkprop.driver.model;

import java.util.List;

/**
 * A warm start's data against its base model: the feature width, the feature names (where known), at
 * most the base's classes, and a regressor's outputs (their count, and their names where the base
 * model recorded them). The first difference is an error naming both sides.
 */
public final class BaseModelCheck {
    private BaseModelCheck() {
    }

    /**
     * @param base     the model the fit starts from, named {@code baseName}
     * @param labels   the new data's label columns
     * @param outputs  the new data's classes (classification) or targets per row (regression)
     */
    public static void check(SavedModel base, String baseName, int width, List<String> featureNames, List<String> labels,
                             int outputs, List<String> targetNames) {
        if (width != base.spec().inputWidth()) {
            throw new IllegalArgumentException("the new data has " + width + " features, " + baseName + " expects "
                    + base.spec().inputWidth());
        }
        List<String> expected = base.featureNames();
        if (!expected.isEmpty() && !expected.equals(featureNames)) {
            for (int i = 0; i < width; i++) {
                if (!expected.get(i).equals(featureNames.get(i))) {
                    throw new IllegalArgumentException("the new data's feature " + (i + 1) + " is '" + featureNames.get(i)
                            + "', " + baseName + " expects '" + expected.get(i) + "'");
                }
            }
        }
        int known = base.spec().outputWidth();
        if (base.task() == SavedModel.Task.CLASSIFICATION && outputs > known) {
            throw new IllegalArgumentException("the new data has class index " + (outputs - 1) + " in column '" + labels.get(0)
                    + "'; " + baseName + " knows classes 0.." + (known - 1));
        }
        if (base.task() == SavedModel.Task.REGRESSION && outputs != known) {
            throw new IllegalArgumentException("the new data's label " + String.join(",", labels) + " has " + outputs
                    + " target" + (outputs == 1 ? "" : "s") + " per row, " + baseName + " has " + known + " outputs"
                    + (base.targetNames().isEmpty() ? "" : " (" + String.join(", ", base.targetNames()) + ")"));
        }
        if (base.task() == SavedModel.Task.REGRESSION && !base.targetNames().isEmpty() && !base.targetNames().equals(targetNames)) {
            throw new IllegalArgumentException("the new data's targets are " + targetNames + ", " + baseName + " predicts "
                    + base.targetNames() + " (set data.label to those columns, in that order)");
        }
    }
}
