package io.sparkprop.jobs.data;

import io.sparkprop.driver.model.ModelScorer;
import io.sparkprop.driver.model.SavedModel;
import io.sparkprop.jobs.config.DataFormat;
import io.sparkprop.jobs.config.JobConfig;
import io.sparkprop.jobs.config.JobSettings;
import org.apache.spark.api.java.JavaSparkContext;
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
 * CSV text, when every column read is text and the features are a list of columns, is read once in plain code
 * ({@link #scored}: {@link ScoredRows}; {@link #assembled}: {@link AssembledRows}), each line split once however
 * many columns it has. Other text columns are typed as {@link DataSource#numericCsvRows} types them, after a check of
 * every cell. A bad row found while scoring is looked for in {@link #locate()}, the same rows as a projection of the
 * files that names its file and line.
 */
public final class ModelInput {
    private final DataSource source;
    private final Dataset<Row> raw;
    private final List<String> text;
    private final List<String> featureColumns;
    /** The label columns, then the weight column when the data has it; empty unless read with labels. */
    private final List<String> scalars;
    private final boolean readOnce;
    private final boolean header;
    private final DataFormat format;
    private Dataset<Row> data;
    private Dataset<Row> locate;

    private ModelInput(DataSource source, Dataset<Row> raw, List<String> text, List<String> featureColumns,
                       List<String> scalars, boolean readOnce, boolean header, DataFormat format) {
        this.source = source;
        this.raw = raw;
        this.text = text;
        this.featureColumns = featureColumns;
        this.scalars = scalars;
        this.readOnce = readOnce;
        this.header = header;
        this.format = format;
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
        List<String> scalars = new ArrayList<>();
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
                scalars.add(label);
            }
            int outputs = model.spec().outputWidth();
            if (model.task() == SavedModel.Task.REGRESSION && labels.size() > 1 && labels.size() != outputs) {
                throw new IllegalArgumentException("data.label names " + labels.size() + " columns " + String.join(",", labels)
                        + ", the model has " + outputs + " output" + (outputs == 1 ? "" : "s") + modelTargets);
            }
            String weight = config.optional(JobSettings.DATA_WEIGHT);
            if (weight != null && Arrays.asList(data.columns()).contains(weight)) {
                if (data.schema().apply(weight).dataType() instanceof org.apache.spark.sql.types.StringType) {
                    text.add(weight);
                }
                scalars.add(weight);
            }
        }
        boolean readOnce = source.csvRead(data) != null && columns.size() == model.spec().inputWidth()
                && text.size() == columns.size() + scalars.size();
        ModelInput input = new ModelInput(source, data, text, columns, scalars, readOnce, header, format);
        if (!readOnce) {
            input.data = text.isEmpty() ? data : source.numericCsvRows(data, text);
            input.locate = text.isEmpty() ? data : source.numericCsvColumns(data, text, header, format);
        }
        return input;
    }

    /**
     * The rows with the model's outputs appended ({@link ModelScorer#transform}); a bad row makes the query fail
     * with a {@code BadInputException}, to be traced to its line in {@link #locate()}.
     */
    public Dataset<Row> scored(ModelScorer scorer, ModelScorer.Outputs outputs) {
        if (!readOnce) {
            return scorer.transform(data, featureColumns, outputs);
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(raw.sparkSession().sparkContext());
        return ScoredRows.of(source, raw, featureColumns, scorer.scoring(jsc, outputs));
    }

    /** Whether the rows are read once as text ({@link #assembled}); else {@link #data()} gives them. */
    public boolean readOnce() {
        return readOnce;
    }

    /**
     * When {@link #readOnce()}: the rows an evaluation reads, read, checked and typed in one pass: the features as
     * one column, the labels and the weight as doubles; to be released once read.
     */
    public AssembledRows.Fit assembled() throws IOException {
        return AssembledRows.fit(source, raw, null, text, featureColumns, scalars, 0, 0);
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

    /** The rows with their text columns typed (unless {@link #readOnce()}). */
    public Dataset<Row> data() {
        return data;
    }

    /**
     * {@link #data()}'s rows where a bad row is traced to its file and line ({@code BadRowSearch}). Read once, the
     * cells are checked first (a cell that is not a number is an error naming its file, line and column).
     */
    public Dataset<Row> locate() throws IOException {
        if (locate == null) {
            locate = source.numericCsvColumns(raw, text, header, format);
        }
        return locate;
    }

    public List<String> featureColumns() {
        return featureColumns;
    }
}
