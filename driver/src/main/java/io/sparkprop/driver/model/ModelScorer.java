package io.sparkprop.driver.model;

import io.sparkprop.core.data.Standardizer;
import io.sparkprop.core.nn.Batch;
import io.sparkprop.core.nn.Network;
import io.sparkprop.core.nn.NetworkSpec;
import io.sparkprop.core.nn.Workspace;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * Scores a dataset with a saved model: appends {@code prediction} (the class index with the highest
 * probability, or the regression output) and, for classifiers, {@code probability} (the softmax
 * output) and {@code rawPrediction} (the logits), as Spark ML classifiers do. Features come from one
 * vector or array column, or from scalar columns, and are standardised with the model's statistics.
 * Rows keep their order within each partition.
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
        List<String> available = Arrays.asList(data.columns());
        int[] indices = new int[featureColumns.size()];
        for (int i = 0; i < indices.length; i++) {
            if (!available.contains(featureColumns.get(i))) {
                throw new IllegalArgumentException("feature column '" + featureColumns.get(i) + "' is missing; the data has columns " + available);
            }
            indices[i] = data.schema().fieldIndex(featureColumns.get(i));
        }
        if (indices.length > 1 && indices.length != model.spec().inputWidth()) {
            throw new IllegalArgumentException(indices.length + " feature columns given, the model expects " + model.spec().inputWidth());
        }
        boolean classifier = model.task() == SavedModel.Task.CLASSIFICATION;
        StructType schema = data.schema().add(predictionCol, DataTypes.DoubleType, false);
        if (classifier) {
            schema = schema.add(rawPredictionCol, SQLDataTypes.VectorType(), false)
                    .add(probabilityCol, SQLDataTypes.VectorType(), false);
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(data.sparkSession().sparkContext());
        Broadcast<float[]> params = jsc.broadcast(model.params());
        Standardizer standardizer = model.standardized() ? new Standardizer(model.featureMean(), model.featureStd()) : null;
        return data.mapPartitions(new ScorePartition(model.spec(), params, standardizer, indices, classifier), Encoders.row(schema));
    }

    /** Runs on the executors: batches rows, one forward pass per batch, rows out in order. */
    private static final class ScorePartition implements MapPartitionsFunction<Row, Row> {
        private static final long serialVersionUID = 1L;
        private final NetworkSpec spec;
        private final Broadcast<float[]> params;
        private final Standardizer standardizer;
        private final int[] featureIndices;
        private final boolean classifier;

        ScorePartition(NetworkSpec spec, Broadcast<float[]> params, Standardizer standardizer, int[] featureIndices, boolean classifier) {
            this.spec = spec;
            this.params = params;
            this.standardizer = standardizer;
            this.featureIndices = featureIndices;
            this.classifier = classifier;
        }

        @Override
        public Iterator<Row> call(Iterator<Row> input) {
            Network network = new Network(spec);
            Workspace ws = network.newWorkspace(BATCH);
            float[] p = params.value();
            int width = spec.inputWidth();
            int outputs = spec.outputWidth();
            return new Iterator<>() {
                private final List<Row> pending = new ArrayList<>(BATCH);
                private final List<Row> ready = new ArrayList<>(BATCH);
                private int next;
                private long rowNumber;

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
                        features(row, x, pending.size() * width, width, rowNumber++);
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
                        Object[] values = new Object[row.length() + (classifier ? 3 : 1)];
                        for (int i = 0; i < row.length(); i++) {
                            values[i] = row.get(i);
                        }
                        if (classifier) {
                            double[] prob = new double[outputs];
                            double[] raw = new double[outputs];
                            int best = 0;
                            for (int k = 0; k < outputs; k++) {
                                prob[k] = out[r * outputs + k];
                                raw[k] = logits[r * outputs + k];
                                if (prob[k] > prob[best]) {
                                    best = k;
                                }
                            }
                            values[row.length()] = (double) best;
                            values[row.length() + 1] = Vectors.dense(raw);
                            values[row.length() + 2] = Vectors.dense(prob);
                        } else {
                            values[row.length()] = (double) out[r * outputs];
                        }
                        ready.add(RowFactory.create(values));
                    }
                }
            };
        }

        /** Writes the row's features to {@code x[off .. off + width)}, checking width and values. */
        private void features(Row row, float[] x, int off, int width, long rowNumber) {
            if (featureIndices.length == 1) {
                Object v = row.get(featureIndices[0]);
                if (v instanceof Vector) {
                    Vector vec = (Vector) v;
                    checkWidth(vec.size(), width, rowNumber);
                    if (vec instanceof SparseVector) {
                        SparseVector sv = (SparseVector) vec;
                        Arrays.fill(x, off, off + width, 0f);
                        for (int k = 0; k < sv.indices().length; k++) {
                            x[off + sv.indices()[k]] = checked(sv.values()[k], sv.indices()[k], rowNumber);
                        }
                    } else {
                        double[] values = vec.toArray();
                        for (int i = 0; i < width; i++) {
                            x[off + i] = checked(values[i], i, rowNumber);
                        }
                    }
                    return;
                }
                if (v instanceof scala.collection.Seq) {
                    scala.collection.Seq<?> seq = (scala.collection.Seq<?>) v;
                    checkWidth(seq.size(), width, rowNumber);
                    for (int i = 0; i < width; i++) {
                        x[off + i] = checked(((Number) seq.apply(i)).doubleValue(), i, rowNumber);
                    }
                    return;
                }
                if (width != 1 || !(v instanceof Number)) {
                    throw new IllegalArgumentException("row " + rowNumber + ": feature column holds "
                            + (v == null ? "null" : v.getClass().getSimpleName()) + ", expected a vector or array of " + width + " numbers");
                }
            }
            for (int i = 0; i < featureIndices.length; i++) {
                Object v = row.get(featureIndices[i]);
                if (!(v instanceof Number)) {
                    throw new IllegalArgumentException("row " + rowNumber + ", feature " + i + ": " + v + " is not a number");
                }
                x[off + i] = checked(((Number) v).doubleValue(), i, rowNumber);
            }
        }

        private static void checkWidth(int actual, int expected, long rowNumber) {
            if (actual != expected) {
                throw new IllegalArgumentException("row " + rowNumber + " has " + actual + " features, the model expects " + expected);
            }
        }

        private static float checked(double value, int feature, long rowNumber) {
            if (!Double.isFinite(value)) {
                throw new IllegalArgumentException("row " + rowNumber + ", feature " + feature + " is " + value + ", expected a finite number");
            }
            return (float) value;
        }
    }
}
