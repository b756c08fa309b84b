package io.sparkprop.driver.model;

import io.sparkprop.core.data.Standardizer;
import io.sparkprop.core.nn.Batch;
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
        StructType schema = data.schema();
        if (outputs.has(outputs.prediction())) {
            schema = schema.add(outputs.prediction(), classifier || k == 1 ? DataTypes.DoubleType : SQLDataTypes.VectorType(), false);
        }
        if (outputs.outputColumns() != null) {
            for (String c : outputs.outputColumns()) {
                if (java.util.Arrays.asList(schema.fieldNames()).contains(c)) {
                    throw new IllegalArgumentException("output column '" + c + "' already exists in the data");
                }
                schema = schema.add(c, DataTypes.DoubleType, false);
            }
        }
        if (outputs.has(outputs.rawPrediction())) {
            schema = schema.add(outputs.rawPrediction(), SQLDataTypes.VectorType(), false);
        }
        if (outputs.has(outputs.probability())) {
            schema = schema.add(outputs.probability(), SQLDataTypes.VectorType(), false);
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(data.sparkSession().sparkContext());
        Broadcast<float[]> params = jsc.broadcast(model.params());
        return data.mapPartitions(new ScorePartition(model.spec(), params, standardizer(), model.targetStandardizer(),
                features, classifier, outputs),
                Encoders.row(schema));
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

    /** Runs on the executors: batches rows, one forward pass per batch, rows out in order. */
    private static final class ScorePartition implements MapPartitionsFunction<Row, Row> {
        private static final long serialVersionUID = 1L;
        private final NetworkSpec spec;
        private final Broadcast<float[]> params;
        private final Standardizer standardizer;
        private final Standardizer targets;
        private final RowFeatures features;
        private final boolean classifier;
        private final Outputs columns;

        ScorePartition(NetworkSpec spec, Broadcast<float[]> params, Standardizer standardizer, Standardizer targets,
                       RowFeatures features, boolean classifier, Outputs columns) {
            this.spec = spec;
            this.params = params;
            this.standardizer = standardizer;
            this.targets = targets;
            this.features = features;
            this.classifier = classifier;
            this.columns = columns;
        }

        @Override
        public Iterator<Row> call(Iterator<Row> input) {
            Network network = new Network(spec);
            Workspace ws = network.newWorkspace(BATCH);
            float[] p = params.value();
            int width = spec.inputWidth();
            int outputs = spec.outputWidth();
            int classes = classes(spec);
            boolean prediction = columns.has(columns.prediction());
            boolean rawPrediction = columns.has(columns.rawPrediction());
            boolean probability = columns.has(columns.probability());
            int perOutput = columns.outputColumns() == null ? 0 : columns.outputColumns().size();
            int appended = (prediction ? 1 : 0) + (rawPrediction ? 1 : 0) + (probability ? 1 : 0) + perOutput;
            double[] thresholds = columns.thresholds();
            int partition = TaskContext.getPartitionId();
            return new Iterator<>() {
                private final List<Row> pending = new ArrayList<>(BATCH);
                private final List<Row> ready = new ArrayList<>(BATCH);
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
                public Row next() {
                    if (!hasNext()) {
                        throw new java.util.NoSuchElementException();
                    }
                    return ready.get(next++);
                }

                private void fill() {
                    ready.clear();
                    pending.clear();
                    next = 0;
                    Batch batch = ws.batch();
                    float[] x = batch.dense();
                    while (pending.size() < BATCH && input.hasNext()) {
                        Row row = input.next();
                        features.dense(row, x, pending.size() * width, partition, rowNumber++);
                        if (standardizer != null) {
                            standardizer.apply(x, pending.size() * width);
                        }
                        pending.add(row);
                    }
                    if (pending.isEmpty()) {
                        return;
                    }
                    batch.setDense(pending.size());
                    network.forward(p, ws);
                    float[] out = ws.output();
                    float[] logits = ws.outputLogits();
                    for (int r = 0; r < pending.size(); r++) {
                        Row row = pending.get(r);
                        Object[] values = new Object[row.length() + appended];
                        for (int i = 0; i < row.length(); i++) {
                            values[i] = row.get(i);
                        }
                        int at = row.length();
                        if (classifier) {
                            double[] raw = new double[classes];
                            double[] prob = new double[classes];
                            classOutputs(logits, out, r, outputs, raw, prob);
                            if (prediction) {
                                values[at++] = (double) predictedClass(prob, thresholds);
                            }
                            if (rawPrediction) {
                                values[at++] = Vectors.dense(raw);
                            }
                            if (probability) {
                                values[at] = Vectors.dense(prob);
                            }
                        } else if (outputs == 1) {
                            if (prediction) {
                                float z = out[r * outputs];
                                values[at] = inLabelUnits(targets, z, 0);
                            }
                        } else {
                            // y_j = z_j * std_j + mean_j in float32, as the one-output case, then widened
                            double[] y = new double[outputs];
                            for (int j = 0; j < outputs; j++) {
                                float z = out[r * outputs + j];
                                y[j] = inLabelUnits(targets, z, j);
                            }
                            if (prediction) {
                                values[at++] = Vectors.dense(y);
                            }
                            for (int j = 0; j < perOutput; j++) {
                                values[at++] = y[j];
                            }
                        }
                        ready.add(RowFactory.create(values));
                    }
                }
            };
        }
    }
}
