package io.sparkprop.driver.model;

import io.sparkprop.core.data.Standardizer;
import io.sparkprop.core.nn.Batch;
import io.sparkprop.core.nn.Network;
import io.sparkprop.core.nn.NetworkSpec;
import io.sparkprop.core.nn.Workspace;
import io.sparkprop.driver.data.RowFeatures;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Scores a dataset with a saved model: appends {@code prediction} (the class index with the highest
 * probability, or the regression output) and, for classifiers, {@code probability} (the softmax
 * output) and {@code rawPrediction} (the logits), as Spark ML classifiers do. Features come from one
 * vector or array column, or from scalar columns, and are standardised with the model's statistics;
 * a regressor trained on standardised targets has its output inverted to the label's units
 * ({@code y = z * std + mean}). Rows keep their order within each partition.
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
        String[] columns = featureColumns.toArray(new String[0]);
        boolean columnList = columns.length > 1 || data.schema().apply(columns[0]).dataType() instanceof NumericType;
        RowFeatures features = RowFeatures.of(data.schema(), columns, columnList, model.spec().inputWidth());
        boolean classifier = model.task() == SavedModel.Task.CLASSIFICATION;
        StructType schema = data.schema().add(predictionCol, DataTypes.DoubleType, false);
        if (classifier) {
            schema = schema.add(rawPredictionCol, SQLDataTypes.VectorType(), false)
                    .add(probabilityCol, SQLDataTypes.VectorType(), false);
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(data.sparkSession().sparkContext());
        Broadcast<float[]> params = jsc.broadcast(model.params());
        return data.mapPartitions(new ScorePartition(model.spec(), params, model.featureStandardizer(), model.targetStandardizer(),
                features, classifier), Encoders.row(schema));
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

        ScorePartition(NetworkSpec spec, Broadcast<float[]> params, Standardizer standardizer, Standardizer targets,
                       RowFeatures features, boolean classifier) {
            this.spec = spec;
            this.params = params;
            this.standardizer = standardizer;
            this.targets = targets;
            this.features = features;
            this.classifier = classifier;
        }

        @Override
        public Iterator<Row> call(Iterator<Row> input) {
            Network network = new Network(spec);
            Workspace ws = network.newWorkspace(BATCH);
            float[] p = params.value();
            int width = spec.inputWidth();
            int outputs = spec.outputWidth();
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
                            float z = out[r * outputs];
                            values[row.length()] = (double) (targets == null ? z : targets.invert(z, 0));
                        }
                        ready.add(RowFactory.create(values));
                    }
                }
            };
        }
    }
}
