package io.sparkprop.jobs.data;

import io.sparkprop.driver.model.SavedModel;
import io.sparkprop.jobs.config.DataFormat;
import io.sparkprop.jobs.config.JobConfig;
import io.sparkprop.jobs.config.JobSettings;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Data to score or evaluate with a saved model: read by the configuration's data.* keys, with the
 * feature columns the model was trained on (its stored feature names: {@code col[i]} means the
 * vector column {@code col}, anything else a scalar column), text columns cast to numbers.
 * <p>
 * Text columns are read as {@link DataSource#numericCsvRows} types them, in plain code, so that a wide CSV's
 * plan holds no cast per column; a bad row found while scoring is looked for in {@link #locate()}, the same
 * rows as a projection of the files that names its file and line.
 */
public final class ModelInput {
    private final Dataset<Row> data;
    private final Dataset<Row> locate;
    private final List<String> featureColumns;

    private ModelInput(Dataset<Row> data, Dataset<Row> locate, List<String> featureColumns) {
        this.data = data;
        this.locate = locate;
        this.featureColumns = featureColumns;
    }

    /**
     * @param withLabel also check the label columns (data.label: one, or one per output of a regressor) and
     *                  cast them and the weight column (data.weight) when they are text
     */
    public static ModelInput read(DataSource source, JobConfig config, SavedModel model, boolean withLabel) throws IOException {
        DataFormat format = config.dataFormat();
        boolean header = config.get(JobSettings.CSV_HEADER);
        String delimiter = config.get(JobSettings.CSV_DELIMITER);
        Dataset<Row> data = source.read(format, config.get(JobSettings.DATA_TRAIN), header, delimiter, config.get(JobSettings.DATA_PARTITIONS));
        List<String> columns = featureColumns(model, data);
        List<String> text = new ArrayList<>();
        for (String c : columns) {
            if (data.schema().apply(c).dataType() instanceof org.apache.spark.sql.types.StringType) {
                text.add(c);
            }
        }
        List<String> labels = FeatureColumns.labelColumns(config.get(JobSettings.DATA_LABEL));
        if (withLabel) {
            String modelTargets = model.targetNames().isEmpty() ? "" : "; the model predicts "
                    + String.join(",", model.targetNames());
            for (String label : labels) {
                if (!Arrays.asList(data.columns()).contains(label)) {
                    throw new IllegalArgumentException("label column '" + label + "' is missing; the data has columns "
                            + Arrays.asList(data.columns()) + " (set --label" + modelTargets + ")");
                }
                if (data.schema().apply(label).dataType() instanceof org.apache.spark.sql.types.StringType) {
                    text.add(label);
                }
            }
            int outputs = model.spec().outputWidth();
            if (model.task() == SavedModel.Task.REGRESSION && labels.size() > 1 && labels.size() != outputs) {
                throw new IllegalArgumentException("data.label names " + labels.size() + " columns " + String.join(",", labels)
                        + ", the model has " + outputs + " output" + (outputs == 1 ? "" : "s") + modelTargets);
            }
            String weight = config.optional(JobSettings.DATA_WEIGHT);
            if (weight != null && Arrays.asList(data.columns()).contains(weight)
                    && data.schema().apply(weight).dataType() instanceof org.apache.spark.sql.types.StringType) {
                text.add(weight);
            }
        }
        if (text.isEmpty()) {
            return new ModelInput(data, data, columns);
        }
        Dataset<Row> locate = source.numericCsvColumns(data, text, header, format);
        return new ModelInput(source.numericCsvRows(data, text), locate, columns);
    }

    static List<String> featureColumns(SavedModel model, Dataset<Row> data) {
        List<String> names = model.featureNames();
        List<String> available = Arrays.asList(data.columns());
        if (names.isEmpty() || names.get(0).endsWith("[0]")) {
            String column = names.isEmpty() ? "features" : names.get(0).substring(0, names.get(0).length() - 3);
            if (!available.contains(column)) {
                throw new IllegalArgumentException("feature column '" + column + "' (the model's features) is missing; the data has columns " + available);
            }
            return List.of(column);
        }
        for (String n : names) {
            if (!available.contains(n)) {
                throw new IllegalArgumentException("feature column '" + n + "' (one of the model's " + names.size()
                        + " features) is missing; the data has columns " + available);
            }
        }
        return names;
    }

    public Dataset<Row> data() {
        return data;
    }

    /** {@link #data()}'s rows where a bad row is traced to its file and line ({@code BadRowSearch}). */
    public Dataset<Row> locate() {
        return locate;
    }

    public List<String> featureColumns() {
        return featureColumns;
    }
}
