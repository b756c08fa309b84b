package io.sparkprop.driver.model;

import io.sparkprop.core.data.Standardizer;
import io.sparkprop.core.nn.Network;
import io.sparkprop.core.nn.NetworkSpec;
import io.sparkprop.core.nn.Workspace;
import io.sparkprop.driver.data.BadInputException;
import io.sparkprop.driver.data.BadRowSearch;
import io.sparkprop.driver.data.Columns;
import io.sparkprop.driver.data.RowCheck;
import io.sparkprop.driver.data.RowFeatures;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Scores a dataset with a saved model: appends {@code prediction} (the class index with the highest
 * probability, or the regression output) and, for classifiers, {@code probability} (the softmax
 * output) and {@code rawPrediction} (the logits), as Spark ML classifiers do. Features come from one
 * vector or array column, or from scalar columns, and are standardised with the model's statistics.
 * A regressor trained on standardised targets has its output inverted to the label's units
 * ({@code y_j = z_j * std_j + mean_j}). Rows keep their order within each partition.
 *
 * <p>A regressor of one output gives {@code prediction} as a double; of k > 1 outputs as a dense ML
 * Vector of k values in output order (Spark ML's type for several numbers per row, as probability),
 * and, when asked ({@link Outputs#outputColumns()}), also one double column per output.
 *
 * <p>Two classes: rawPrediction is the logits centred, [-m/2, m/2] with m = z_1 - z_0 the log-odds
 * (softmax is unchanged by the shift), so rawPrediction[1] is a score monotone in P(class 1) and
 * comparable between models: the score BinaryClassificationEvaluator and OneVsRest read. A network
 * with one sigmoid output (p = sigmoid(z)) is the same two-class model with m = z.
 *
 * <p>Thresholds (Spark's rule): the prediction is argmax_k p_k / t_k, a zero threshold counting as
 * infinity; without them, argmax_k p_k (the first on ties).
 */
public final class ModelScorer {
    /** Rows scored per forward pass. */
    static final int BATCH = 256;

    private final SavedModel model;

    public ModelScorer(SavedModel model) {
        this.model = model;
    }

    /**
     * @param featureColumns one vector/array column, or the scalar feature columns in model order
     */
    public Dataset<Row> transform(Dataset<Row> data, List<String> featureColumns, String predictionCol,
                                  String probabilityCol, String rawPredictionCol) {
        return transform(data, featureColumns, new Outputs(predictionCol, rawPredictionCol, probabilityCol, null));
    }

    /**
     * Which columns to append and how to predict: a null or empty name is a column not produced;
     * {@code thresholds} (one per class, or null) as Spark defines them; {@code outputColumns} (a
     * regressor of k > 1 outputs: k names, or null for none) a double column per output beside the
     * prediction vector.
     */
    public record Outputs(String prediction, String rawPrediction, String probability, double[] thresholds,
                          List<String> outputColumns) implements Serializable {
        public Outputs(String prediction, String rawPrediction, String probability, double[] thresholds) {
            this(prediction, rawPrediction, probability, thresholds, null);
        }

        boolean has(String column) {
            return column != null && !column.isEmpty();
        }
    }

    /**
     * The per-output column names a multi-output regressor whose targets were named columns gets
     * beside {@code prediction}: {@code prediction_<target>} ({@code prediction_y1, prediction_y2}); null
     * when there are none (one output, a vector label, unknown names).
     */
    public List<String> outputColumns(String prediction) {
        if (!model.targetsFromColumns()) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (String name : model.targetNames()) {
            out.add(prediction + "_" + name);
        }
        return out;
    }

    /** Appends the {@code outputs} columns (classifier columns only for a classifier). */
    public Dataset<Row> transform(Dataset<Row> data, List<String> featureColumns, Outputs outputs) {
        RowFeatures features = features(data, featureColumns);
        Scoring scoring = scoring(JavaSparkContext.fromSparkContext(data.sparkSession().sparkContext()), outputs);
        return data.mapPartitions(new ScorePartition(scoring, features), Encoders.row(scoring.append(data.schema())));
    }

    /**
     * What {@link #transform} appends, for a caller that reads its own rows on the executors (Spark's
     * internal rows, say): the same columns and numbers, bit for bit.
     */
    public Scoring scoring(JavaSparkContext jsc, Outputs outputs) {
        boolean classifier = model.task() == SavedModel.Task.CLASSIFICATION;
        int k = model.spec().outputWidth();
        if (!classifier) {
            List<String> perOutput = k > 1 ? outputs.outputColumns() : null;
            if (perOutput != null && perOutput.size() != k) {
                throw new IllegalArgumentException(perOutput.size() + " per-output columns " + perOutput + " for a regressor of "
                        + k + " outputs");
            }
            outputs = new Outputs(outputs.prediction(), null, null, null, perOutput);
        } else {
            outputs = new Outputs(outputs.prediction(), outputs.rawPrediction(), outputs.probability(), outputs.thresholds(), null);
        }
        if (outputs.thresholds() != null && outputs.thresholds().length != classes()) {
            throw new IllegalArgumentException(outputs.thresholds().length + " thresholds for a model of " + classes() + " classes");
        }
        return new Scoring(model.spec(), jsc.broadcast(model.params()), standardizer(), model.targetStandardizer(), classifier,
                outputs);
    }

    private RowFeatures features(Dataset<Row> data, List<String> featureColumns) {
        String[] columns = featureColumns.toArray(new String[0]);
        boolean columnList = columns.length > 1 || data.schema().apply(columns[0]).dataType() instanceof NumericType;
        return RowFeatures.of(data.schema(), columns, columnList, model.spec().inputWidth());
    }

    /**
     * After scoring {@code data} failed with {@code failure}: the same error at the place of the first
     * row of {@code data} (the rows as read) whose features are bad, its file rows named by
     * {@code names} ({@link BadRowSearch}); {@code failure} itself when no such row is found.
     */
    public BadInputException locateBadRow(Dataset<Row> data, List<String> featureColumns, BadInputException failure,
                                          BadRowSearch.RowNames names) {
        RowFeatures features = features(data, featureColumns);
        int width = model.spec().inputWidth();
        RowCheck check = row -> features.dense(row, new float[width], 0, -1, 0);
        Column[] all = java.util.Arrays.stream(data.columns()).map(Columns::col)
                .toArray(Column[]::new);
        return BadRowSearch.find(data, all, check, names).orElse(failure);
    }

    /** K, the classes of a classifier: its outputs, or 2 for one sigmoid output. */
    public int classes() {
        return classes(model.spec());
    }

    private static int classes(NetworkSpec spec) {
        return spec.outputWidth() == 1 ? 2 : spec.outputWidth();
    }

    /**
     * The raw prediction of one row of a classifier (a vector of K, as in {@link #transform}); a
     * single-row forward pass, for callers that score rows one by one.
     */
    public double[] rawPrediction(double[] x) {
        Workspace ws = forwardOne(x);
        double[] raw = new double[classes()];
        double[] probability = new double[raw.length];
        classOutputs(ws.outputLogits(), ws.output(), 0, model.spec().outputWidth(), raw, probability);
        return raw;
    }

    /** The regression output of one row (single-row forward pass) of a regressor of one output. */
    public double predict(double[] x) {
        int k = model.spec().outputWidth();
        if (k != 1) {
            throw new IllegalArgumentException("this regressor has " + k + " outputs; predictAll gives them (one double"
                    + " is the prediction of a single-output regressor)");
        }
        return predictAll(x)[0];
    }

    /** The k regression outputs of one row in the label's units (single-row forward pass). */
    public double[] predictAll(double[] x) {
        float[] z = forwardOne(x).output();
        Standardizer targets = model.targetStandardizer();
        double[] y = new double[model.spec().outputWidth()];
        for (int j = 0; j < y.length; j++) {
            y[j] = inLabelUnits(targets, z[j], j);
        }
        return y;
    }

    /** Output j of the network, z, in the label's units: {@code y = z * std_j + mean_j} in float32 (targets null: z itself). */
    static double inLabelUnits(Standardizer targets, float z, int j) {
        return targets == null ? z : targets.invert(z, j);
    }

    private Workspace forwardOne(double[] x) {
        NetworkSpec spec = model.spec();
        if (x.length != spec.inputWidth()) {
            throw new IllegalArgumentException(x.length + " features, expected " + spec.inputWidth() + " (the network's input width)");
        }
        Network network = new Network(spec);
        Workspace ws = network.newWorkspace(1);
        float[] in = ws.batch().dense();
        for (int j = 0; j < x.length; j++) {
            in[j] = (float) x[j];
        }
        Standardizer standardizer = standardizer();
        if (standardizer != null) {
            standardizer.apply(in, 0);
        }
        ws.batch().setDense(1);
        network.forward(model.params(), ws);
        return ws;
    }

    private Standardizer standardizer() {
        return model.featureStandardizer();
    }

    /**
     * Row r's raw prediction and probability (vectors of K) from the output layer's logits z and
     * activations a, [rows x outputs]: K outputs as they are, except the two-class centring above.
     */
    static void classOutputs(float[] z, float[] a, int r, int outputs, double[] raw, double[] probability) {
        if (outputs == 1) {
            double m = z[r];
            raw[0] = -m / 2;
            raw[1] = m / 2;
            probability[0] = 1 - (double) a[r];
            probability[1] = a[r];
            return;
        }
        for (int k = 0; k < outputs; k++) {
            raw[k] = z[r * outputs + k];
            probability[k] = a[r * outputs + k];
        }
        if (outputs == 2) {
            double m = raw[1] - raw[0];
            raw[0] = -m / 2;
            raw[1] = m / 2;
        }
    }

    /** argmax_k p_k / t_k (t_k = 0: infinity), or argmax_k p_k without thresholds; the first on ties. */
    static int predictedClass(double[] probability, double[] thresholds) {
        int best = 0;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < probability.length; k++) {
            double score = thresholds == null ? probability[k]
                    : thresholds[k] == 0 ? Double.POSITIVE_INFINITY : probability[k] / thresholds[k];
            if (score > bestScore) {
                best = k;
                bestScore = score;
            }
        }
        return best;
    }

    /**
     * The model's outputs as columns appended to rows: the schema they add, and on the executors a
     * {@link BatchScores} that scores rows given as float features.
     */
    public static final class Scoring implements Serializable {
        private static final long serialVersionUID = 1L;
        private static final VectorUDT VECTOR = new VectorUDT();
        private final NetworkSpec spec;
        private final Broadcast<float[]> params;
        private final Standardizer standardizer;
        private final Standardizer targets;
        private final boolean classifier;
        private final Outputs columns;

        private Scoring(NetworkSpec spec, Broadcast<float[]> params, Standardizer standardizer, Standardizer targets,
                        boolean classifier, Outputs columns) {
            this.spec = spec;
            this.params = params;
            this.standardizer = standardizer;
            this.targets = targets;
            this.classifier = classifier;
            this.columns = columns;
        }

        /** {@code schema} with the appended columns after its own. */
        public StructType append(StructType schema) {
            int k = spec.outputWidth();
            if (columns.has(columns.prediction())) {
                schema = schema.add(columns.prediction(), classifier || k == 1 ? DataTypes.DoubleType : SQLDataTypes.VectorType(), false);
            }
            if (columns.outputColumns() != null) {
                for (String c : columns.outputColumns()) {
                    if (java.util.Arrays.asList(schema.fieldNames()).contains(c)) {
                        throw new IllegalArgumentException("output column '" + c + "' already exists in the data");
                    }
                    schema = schema.add(c, DataTypes.DoubleType, false);
                }
            }
            if (columns.has(columns.rawPrediction())) {
                schema = schema.add(columns.rawPrediction(), SQLDataTypes.VectorType(), false);
            }
            if (columns.has(columns.probability())) {
                schema = schema.add(columns.probability(), SQLDataTypes.VectorType(), false);
            }
            return schema;
        }

        /** The network's input width: the features of a row. */
        public int width() {
            return spec.inputWidth();
        }

        /** How many columns {@link #append} adds. */
        public int appended() {
            int perOutput = columns.outputColumns() == null ? 0 : columns.outputColumns().size();
            return (columns.has(columns.prediction()) ? 1 : 0) + (columns.has(columns.rawPrediction()) ? 1 : 0)
                    + (columns.has(columns.probability()) ? 1 : 0) + perOutput;
        }

        /** On an executor: one partition's network and buffers. */
        public BatchScores batch() {
            return new BatchScores(this);
        }
    }

    /**
     * One partition's scoring: up to {@link #rows()} rows' features written to {@link #features()} (row r at
     * {@code r * width}), one forward pass, then each row's appended values.
     */
    public static final class BatchScores {
        private final Scoring scoring;
        private final Network network;
        private final Workspace ws;
        private final float[] p;
        private final int classes;

        private BatchScores(Scoring scoring) {
            this.scoring = scoring;
            this.network = new Network(scoring.spec);
            this.ws = network.newWorkspace(BATCH);
            this.p = scoring.params.value();
            this.classes = classes(scoring.spec);
        }

        /** The most rows of one forward pass. */
        public int rows() {
            return BATCH;
        }

        /** The network's input width. */
        public int width() {
            return scoring.spec.inputWidth();
        }

        /** The input rows [rows x width], as read (the model's standardisation is applied by {@link #forward}). */
        public float[] features() {
            return ws.batch().dense();
        }

        /** Standardises the first {@code rows} rows of {@link #features()} in place and runs the network on them. */
        public void forward(int rows) {
            float[] x = ws.batch().dense();
            if (scoring.standardizer != null) {
                for (int r = 0; r < rows; r++) {
                    scoring.standardizer.apply(x, r * width());
                }
            }
            ws.batch().setDense(rows);
            network.forward(p, ws);
        }

        /**
         * Row r's appended values into {@code values} from {@code at}, in {@link Scoring#append}'s order; vectors as
         * ML Vectors, or in Spark's internal form when {@code internal}.
         */
        public void outputs(int r, Object[] values, int at, boolean internal) {
            Outputs columns = scoring.columns;
            int outputs = scoring.spec.outputWidth();
            float[] out = ws.output();
            if (scoring.classifier) {
                double[] raw = new double[classes];
                double[] prob = new double[classes];
                classOutputs(ws.outputLogits(), out, r, outputs, raw, prob);
                if (columns.has(columns.prediction())) {
                    values[at++] = (double) predictedClass(prob, columns.thresholds());
                }
                if (columns.has(columns.rawPrediction())) {
                    values[at++] = vector(raw, internal);
                }
                if (columns.has(columns.probability())) {
                    values[at] = vector(prob, internal);
                }
            } else if (outputs == 1) {
                if (columns.has(columns.prediction())) {
                    values[at] = inLabelUnits(scoring.targets, out[r], 0);
                }
            } else {
                // y_j = z_j * std_j + mean_j in float32, as the one-output case, then widened
                double[] y = new double[outputs];
                for (int j = 0; j < outputs; j++) {
                    y[j] = inLabelUnits(scoring.targets, out[r * outputs + j], j);
                }
                if (columns.has(columns.prediction())) {
                    values[at++] = vector(y, internal);
                }
                for (int j = 0; columns.outputColumns() != null && j < columns.outputColumns().size(); j++) {
                    values[at++] = y[j];
                }
            }
        }

        private static Object vector(double[] v, boolean internal) {
            return internal ? Scoring.VECTOR.serialize(Vectors.dense(v)) : Vectors.dense(v);
        }

        /**
         * {@code input}'s rows scored a batch at a time, in order: {@code reader} writes row r's features (the r-th of the
         * partition) at {@code x[at ..]}, {@code output} makes its row out from its scores ({@link #outputs}, row
         * {@code b} of the batch).
         */
        public <T, R> Iterator<R> scored(Iterator<T> input, Features<T> reader, Output<T, R> output) {
            int width = width();
            return new Iterator<>() {
                private final List<T> pending = new ArrayList<>(BATCH);
                private final List<R> ready = new ArrayList<>(BATCH);
                private int next;
                private int rowNumber;

                @Override
                public boolean hasNext() {
                    if (next < ready.size()) {
                        return true;
                    }
                    fill();
                    return next < ready.size();
                }

                @Override
                public R next() {
                    if (!hasNext()) {
                        throw new java.util.NoSuchElementException();
                    }
                    return ready.get(next++);
                }

                private void fill() {
                    ready.clear();
                    pending.clear();
                    next = 0;
                    float[] x = features();
                    while (pending.size() < BATCH && input.hasNext()) {
                        T row = input.next();
                        reader.write(row, x, pending.size() * width, rowNumber++);
                        pending.add(row);
                    }
                    if (pending.isEmpty()) {
                        return;
                    }
                    forward(pending.size());
                    for (int b = 0; b < pending.size(); b++) {
                        ready.add(output.make(pending.get(b), b));
                    }
                }
            };
        }
    }

    /** Writes the features of a partition's r-th row to {@code x[at .. at + width)}, checked. */
    public interface Features<T> {
        void write(T row, float[] x, int at, int r);
    }

    /** The row out for an input row, row {@code b} of the batch just scored. */
    public interface Output<T, R> {
        R make(T row, int b);
    }

    /** Runs on the executors: batches rows, one forward pass per batch, rows out in order. */
    private static final class ScorePartition implements MapPartitionsFunction<Row, Row> {
        private static final long serialVersionUID = 1L;
        private final Scoring scoring;
        private final RowFeatures features;

        ScorePartition(Scoring scoring, RowFeatures features) {
            this.scoring = scoring;
            this.features = features;
        }

        @Override
        public Iterator<Row> call(Iterator<Row> input) {
            BatchScores batch = scoring.batch();
            int appended = scoring.appended();
            int partition = TaskContext.getPartitionId();
            return batch.scored(input, (row, x, at, r) -> features.dense(row, x, at, partition, r), (row, b) -> {
                Object[] values = new Object[row.length() + appended];
                for (int i = 0; i < row.length(); i++) {
                    values[i] = row.get(i);
                }
                batch.outputs(b, values, row.length(), false);
                return RowFactory.create(values);
            });
        }
    }
}
