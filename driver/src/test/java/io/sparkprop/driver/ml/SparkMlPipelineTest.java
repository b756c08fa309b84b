package io.sparkprop.driver.ml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkprop.core.nn.Network;
import io.sparkprop.core.nn.Workspace;
import io.sparkprop.driver.TestData;
import io.sparkprop.driver.model.SavedModel;
import io.sparkprop.driver.TestSpark;
import org.apache.spark.SparkException;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Spark ML stages in local[2]: pipelines, persistence, cross-validation, and bad input. */
class SparkMlPipelineTest {
    private static final StructType TABLE = new StructType()
            .add("x1", DataTypes.DoubleType).add("x2", DataTypes.DoubleType)
            .add("x3", DataTypes.DoubleType).add("x4", DataTypes.DoubleType)
            .add("label", DataTypes.DoubleType);
    private static SparkSession spark;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        spark = TestSpark.start("local[2]");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /**
     * Three classes from two projections of four features: class 0 when x1 + x2 < 0, else 1 or 2
     * by the sign of x3 - x4. x4 is also scaled by 10 so standardisation matters.
     */
    private static Dataset<Row> table(int rows, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<Row> out = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            double x1 = rng.nextDouble() * 2 - 1;
            double x2 = rng.nextDouble() * 2 - 1;
            double x3 = rng.nextDouble() * 2 - 1;
            double x4 = rng.nextDouble() * 2 - 1;
            double label = x1 + x2 < 0 ? 0 : x3 - x4 < 0 ? 1 : 2;
            out.add(RowFactory.create(x1, x2, x3, 10 * x4, label));
        }
        return TestData.frame(spark, out, TABLE, 2);
    }

    private static VectorAssembler assembler() {
        return new VectorAssembler().setInputCols(new String[] {"x1", "x2", "x3", "x4"}).setOutputCol("features");
    }

    @Test
    void pipelineFitsSavesLoadsAndScoresTheSame() throws IOException {
        Dataset<Row> train = table(600, 1);
        Dataset<Row> test = table(200, 2);
        SparkpropClassifier classifier = new SparkpropClassifier()
                .setLayers(16).setActivation("tanh").setMaxIter(15).setStepSize(0.01).setBatchSize(32)
                .setValidationFraction(0.2).setSeed(7);
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {assembler(), classifier});
        PipelineModel fitted = pipeline.fit(train);

        SparkpropClassificationModel model = (SparkpropClassificationModel) fitted.stages()[1];
        assertEquals(3, model.numClasses());
        assertEquals(4, model.numFeatures());
        TrainingSummary summary = model.summary();
        assertEquals(15, summary.lossHistory().length);
        assertTrue(summary.lossHistory()[14] < summary.lossHistory()[0], "loss fell: " + java.util.Arrays.toString(summary.lossHistory()));
        assertTrue(summary.hasValidation());
        assertEquals(15, summary.validationLossHistory().length);
        assertTrue(summary.validationMetrics().accuracy() > 0.8, "validation " + summary.validationMetrics());

        Dataset<Row> scored = fitted.transform(test);
        assertTrue(List.of(scored.columns()).containsAll(List.of("features", "prediction", "rawPrediction", "probability")));
        double accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(scored);
        assertTrue(accuracy > 0.8, "test accuracy " + accuracy);

        String dir = tmp.resolve("pipeline-model").toString();
        fitted.write().overwrite().save(dir);
        assertTrue(Files.exists(tmp.resolve("pipeline-model").resolve("stages")));
        PipelineModel loaded = PipelineModel.load(dir);
        SparkpropClassificationModel loadedModel = (SparkpropClassificationModel) loaded.stages()[1];
        assertEquals(model.uid(), loadedModel.uid());
        assertFalse(loadedModel.hasSummary());
        assertArrayEquals(model.savedModel().params(), loadedModel.savedModel().params());
        List<Row> before = scored.select("prediction", "probability").collectAsList();
        List<Row> after = loaded.transform(test).select("prediction", "probability").collectAsList();
        assertEquals(before, after);

        // the unfitted pipeline (with the estimator's parameters) round-trips as well
        String estimatorDir = tmp.resolve("pipeline").toString();
        pipeline.write().overwrite().save(estimatorDir);
        SparkpropClassifier reloaded = (SparkpropClassifier) Pipeline.load(estimatorDir).getStages()[1];
        assertArrayEquals(new int[] {16}, reloaded.getLayers());
        assertEquals("tanh", reloaded.getActivation());
        assertEquals(0.01, reloaded.getStepSize());
        assertEquals(classifier.uid(), reloaded.uid());
    }

    @Test
    void crossValidatorPicksAModelFromAGrid() {
        Dataset<Row> data = assembler().transform(table(400, 3)).cache();
        SparkpropClassifier classifier = new SparkpropClassifier().setMaxIter(4).setBatchSize(32).setSeed(3).setLogInterval(0);
        ParamMap[] grid = new ParamGridBuilder()
                .addGrid(classifier.stepSize(), new double[] {1e-4, 0.02})
                .addGrid(classifier.layers(), scala.jdk.javaapi.CollectionConverters.asScala(List.of(new int[] {4}, new int[] {16})))
                .build();
        CrossValidator cv = new CrossValidator().setEstimator(classifier).setEstimatorParamMaps(grid)
                .setEvaluator(new MulticlassClassificationEvaluator().setMetricName("accuracy")).setNumFolds(2).setSeed(5);
        CrossValidatorModel best = cv.fit(data);
        assertEquals(4, best.avgMetrics().length);
        int bestIndex = 0;
        for (int i = 1; i < 4; i++) {
            bestIndex = best.avgMetrics()[i] > best.avgMetrics()[bestIndex] ? i : bestIndex;
        }
        // a step size of 1e-4 barely moves the weights in 4 epochs; 0.02 learns
        assertEquals(0.02, (Double) grid[bestIndex].apply(classifier.stepSize()), "metrics " + java.util.Arrays.toString(best.avgMetrics()));
        SparkpropClassificationModel model = (SparkpropClassificationModel) best.bestModel();
        assertTrue(model.transform(data).filter("prediction = label").count() > 0.7 * 400);
        data.unpersist();
    }

    @Test
    void regressorFitsAndRoundTrips() throws IOException {
        Dataset<Row> data = assembler().transform(table(300, 4)).withColumn("y",
                org.apache.spark.sql.functions.expr("2 * x1 - x2 + 0.1 * x4"));
        SparkpropRegressor regressor = new SparkpropRegressor().setLabelCol("y").setLayers().setMaxIter(40)
                .setStepSize(0.05).setBatchSize(32).setValidationFraction(0.25).setLogInterval(0);
        SparkpropRegressionModel model = regressor.fit(data);
        assertTrue(model.summary().validationMetrics().r2() > 0.95, "validation " + model.summary().validationMetrics());
        String dir = tmp.resolve("regressor").toString();
        model.write().overwrite().save(dir);
        SparkpropRegressionModel loaded = SparkpropRegressionModel.load(dir);
        assertEquals("y", regressor.getLabelCol());
        assertEquals(model.transform(data).select("prediction").collectAsList(), loaded.transform(data).select("prediction").collectAsList());
        assertTrue(Files.exists(tmp.resolve("regressor").resolve("model").resolve("model.json")), "the sparkprop model inside the stage");
    }

    /**
     * Dropout is for training only: a model trained with dropout 0.5 scores with the plain network.
     * Transforming twice gives the same rows, each row's logits are those of a plain forward pass of
     * the saved parameters (a dropped unit, or the 1 / (1 - p) = 2 scaling, would move them by far
     * more than the 1e-5 allowed for a different batch size), and model.json records the rate under
     * training.configuration while its network is the plain one.
     */
    @Test
    void aDropoutTrainedModelScoresWithThePlainNetwork() throws IOException {
        Dataset<Row> train = assembler().transform(table(400, 3));
        SparkpropClassificationModel model = new SparkpropClassifier().setLayers(16, 8).setActivation("relu").setDropout(0.5)
                .setStandardization(false).setMaxIter(3).setStepSize(0.01).setBatchSize(32).setValidationFraction(0.2)
                .setSeed(7).fit(train);
        Dataset<Row> test = assembler().transform(table(60, 4));
        List<Row> first = model.transform(test).select("features", "rawPrediction").collectAsList();
        assertEquals(first, model.transform(test).select("features", "rawPrediction").collectAsList(), "scoring is deterministic");
        SavedModel saved = model.savedModel();
        Network plain = new Network(saved.spec());
        Workspace ws = plain.newWorkspace(1);
        for (Row r : first) {
            double[] x = ((Vector) r.get(0)).toArray();
            for (int j = 0; j < x.length; j++) {
                ws.batch().dense()[j] = (float) x[j];
            }
            ws.batch().setDense(1);
            plain.forward(saved.params(), ws);
            double[] logits = ((Vector) r.get(1)).toArray();
            for (int k = 0; k < logits.length; k++) {
                assertEquals(ws.outputLogits()[k], logits[k], 1e-5 * Math.max(1, Math.abs(logits[k])), "logit " + k + " of " + r);
            }
        }
        String dir = tmp.resolve("dropout-model").toString();
        model.write().overwrite().save(dir);
        JsonNode json = new ObjectMapper().readTree(tmp.resolve("dropout-model").resolve("model").resolve("model.json").toFile());
        assertEquals(0.5, json.at("/training/configuration/model.dropout").asDouble(-1), json.toString());
        assertFalse(json.at("/network").toString().contains("dropout"), "the saved network is the plain one: " + json.at("/network"));
        assertEquals(saved.spec(), SparkpropClassificationModel.load(dir).savedModel().spec());
    }

    @Test
    void invalidParameterValuesFailWhenSetAndNameTheRange() {
        SparkpropClassifier c = new SparkpropClassifier();
        assertMessage(() -> c.setStepSize(-0.1), "stepSize = -0.1", "a number > 0");
        assertMessage(() -> c.setMaxIter(-1), "maxIter = -1", ">= 0");
        assertMessage(() -> c.setLayers(8, 0), "layers = [8, 0]", "comma-separated positive integers");
        assertMessage(() -> c.setActivation("swish"), "activation = 'swish'", "one of identity, sigmoid, tanh, relu, leaky_relu");
        assertMessage(() -> c.setSolver("lbfgs"), "solver = 'lbfgs'", "one of sgd, momentum, nesterov, adam, adamw");
        assertMessage(() -> c.setRegParam(Double.NaN), "regParam = NaN", ">= 0");
        assertMessage(() -> c.setValidationFraction(1.0), "validationFraction = 1.0", "a number >= 0 and < 1");
        assertMessage(() -> c.setDropout(1.0), "dropout = 1.0", "a number >= 0 and < 1");
        assertMessage(() -> c.setDropout(-0.1), "dropout = -0.1", "a number >= 0 and < 1");
        assertMessage(() -> c.setDropout(Double.NaN), "dropout = NaN", "a number >= 0 and < 1");
        assertEquals(0.0, c.getDropout(), "dropout is off by default");
        assertMessage(() -> new ParamGridBuilder().addGrid(c.batchSize(), new int[] {32, -1}).build(), "batchSize = -1", ">= 1");
        assertEquals(3e-3, c.getStepSize(), "a rejected value leaves the parameter as it was");
    }

    @Test
    void featureWidthMismatchNamesBothWidths() {
        SparkpropClassificationModel model = new SparkpropClassifier().setLayers(4).setMaxIter(1).setLogInterval(0)
                .fit(assembler().transform(table(100, 5)));
        // declared width (VectorAssembler metadata): rejected by transform itself
        Dataset<Row> three = new VectorAssembler().setInputCols(new String[] {"x1", "x2", "x3"}).setOutputCol("features")
                .transform(table(10, 6));
        assertMessage(() -> model.transform(three), "has 3 features, the model expects 4");
        // undeclared width: rejected row by row when the result is computed
        List<Row> rows = List.of(RowFactory.create(Vectors.dense(1, 2, 3, 4, 5), 0.0));
        Dataset<Row> five = TestData.frame(spark, rows, TestData.VECTOR_SCHEMA, 1);
        SparkException e = assertThrows(SparkException.class, () -> model.transform(five).collectAsList());
        assertTrue(String.valueOf(e.getMessage()).contains("5 features, expected 4 (the network's input width)"), e.getMessage());
        // existing output columns are refused up front
        Dataset<Row> scored = model.transform(assembler().transform(table(10, 7)));
        assertMessage(() -> model.transform(scored), "output column 'prediction' already exists");
        Vector probability = scored.first().getAs("probability");
        assertEquals(1.0, probability.toArray()[0] + probability.toArray()[1] + probability.toArray()[2], 1e-6);
    }

    @Test
    void aCheckpointFolderHoldingTheTrainingDataIsRefusedAndLeftAsItIs() throws IOException {
        Path data = tmp.resolve("table");
        table(60, 8).write().parquet(data.toString());
        List<Path> before = tree(data);
        Dataset<Row> read = assembler().transform(spark.read().parquet(data.toString()));
        SparkpropClassifier c = new SparkpropClassifier().setLayers(4).setMaxIter(1).setLogInterval(0);
        assertMessage(() -> c.setCheckpointDir(data.toString()).fit(read), "checkpointDir " + data, "holds the input file",
                "choose a checkpoint folder apart from the data");
        assertMessage(() -> c.setCheckpointDir(tmp.toUri().toString()).fit(read), "holds the input file");
        assertEquals(before, tree(data), "the data folder is as it was");
    }

    @Test
    void aCheckpointFolderInsideTheDataFolderIsRefusedBeforeAnythingIsWritten() throws IOException {
        Path data = tmp.resolve("scanned");
        table(60, 9).write().parquet(data.toString());
        List<Path> before = tree(data);
        Dataset<Row> read = assembler().transform(spark.read().parquet(data.toString()));
        SparkpropClassifier c = new SparkpropClassifier().setLayers(4).setMaxIter(1).setLogInterval(0);
        for (Path inside : List.of(data.resolve("checkpoints"), data.resolve("a").resolve("b"))) {
            // it holds no input file (it does not exist yet): the scan's folder is what it lies in
            assertMessage(() -> c.setCheckpointDir(inside.toString()).fit(read), "checkpointDir " + inside, "lies inside",
                    data.toString(), "the folder the training data is read from", "choose a checkpoint folder apart from the data");
            assertFalse(Files.exists(inside), inside + " was created");
        }
        assertEquals(before, tree(data), "the data folder is as it was");
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable call, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "'" + e.getMessage() + "' should contain '" + part + "'");
        }
    }

    /** Every path under {@code root}, sorted: what a test compares to show a folder untouched. */
    private static List<Path> tree(Path root) throws IOException {
        try (java.util.stream.Stream<Path> files = Files.walk(root)) {
            return files.sorted().toList();
        }
    }
}
