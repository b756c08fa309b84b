package io.sparkprop.driver.model;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.sparkprop.core.data.Standardizer;
import io.sparkprop.core.nn.Network;
import io.sparkprop.core.nn.NetworkSpec;
import io.sparkprop.core.nn.Workspace;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exported models run in ONNX Runtime give sparkprop's own outputs (Network.forward after the
 * Standardizer) within 1e-5, for every activation, classifiers and regressors, with and without
 * standardisation (one feature constant, std = 0).
 */
class OnnxExporterTest {
    private static final int ROWS = 37;
    private static final int INPUTS = 5;

    @ParameterizedTest
    @ValueSource(strings = {"identity", "sigmoid", "tanh", "relu", "leaky_relu(0.2)", "softmax"})
    void classifierMatchesSparkprop(String activation) throws OrtException {
        NetworkSpec spec = NetworkSpec.input(INPUTS).dense(7, activation).dense(6, activation).dense(3, "softmax")
                .loss("softmax_cross_entropy");
        for (boolean standardized : new boolean[] {false, true}) {
            SavedModel model = model(spec, SavedModel.Task.CLASSIFICATION, standardized, activation.hashCode());
            float[][] x = inputs(11);
            Map<String, float[][]> onnx = runOnnx(model, x, List.of(OnnxExporter.LOGITS, OnnxExporter.PROBABILITY));
            Workspace ws = forward(model, x);
            assertClose(ws.outputLogits(), onnx.get(OnnxExporter.LOGITS), activation + " logits, standardized " + standardized);
            assertClose(ws.output(), onnx.get(OnnxExporter.PROBABILITY), activation + " probability, standardized " + standardized);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"identity", "sigmoid", "tanh", "relu", "leaky_relu", "softmax"})
    void regressorMatchesSparkprop(String activation) throws OrtException {
        // the activation also on the output layer: mse takes any output activation
        NetworkSpec spec = NetworkSpec.input(INPUTS).dense(8, activation).dense(2, activation).loss("mse");
        for (boolean standardized : new boolean[] {false, true}) {
            SavedModel model = model(spec, SavedModel.Task.REGRESSION, standardized, 31 * activation.hashCode());
            float[][] x = inputs(12);
            Map<String, float[][]> onnx = runOnnx(model, x, List.of(OnnxExporter.PREDICTION));
            assertClose(forward(model, x).output(), onnx.get(OnnxExporter.PREDICTION), activation + ", standardized " + standardized);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"identity", "tanh", "relu"})
    void regressorWithStandardisedTargetsPredictsInTheLabelsUnitsPerOutput(String activation) throws OrtException {
        NetworkSpec spec = NetworkSpec.input(INPUTS).dense(8, activation).dense(2, "identity").loss("mse");
        SavedModel plain = model(spec, SavedModel.Task.REGRESSION, true, 17 * activation.hashCode());
        // output 0 around 300 (std 80), output 1 around -5 (std 0.1): y_j = z_j * std_j + mean_j
        float[] mean = {300f, -5f};
        float[] std = {80f, 0.1f};
        SavedModel model = new SavedModel(spec, plain.params(), SavedModel.Task.REGRESSION, List.of(), List.of(),
                plain.featureMean(), plain.featureStd(), mean, std, Map.of(), "now", "test");
        float[][] x = inputs(14);
        float[] z = forward(model, x).output();
        float[] expected = new float[x.length * 2];
        for (int r = 0; r < x.length; r++) {
            for (int j = 0; j < 2; j++) {
                expected[r * 2 + j] = z[r * 2 + j] * std[j] + mean[j];
            }
        }
        float[][] onnx = runOnnx(model, x, List.of(OnnxExporter.PREDICTION)).get(OnnxExporter.PREDICTION);
        for (int r = 0; r < x.length; r++) {
            for (int j = 0; j < 2; j++) {
                float e = expected[r * 2 + j];
                assertEquals(e, onnx[r][j], 1e-5f * Math.max(1f, Math.abs(e)) + 1e-5f * std[j],
                        activation + ": row " + r + ", output " + j);
            }
        }
    }

    @Test
    void linearRegressionWithoutHiddenLayerAndAnyBatchSize() throws OrtException {
        NetworkSpec spec = NetworkSpec.input(INPUTS).dense(1, "identity").loss("mse");
        SavedModel model = model(spec, SavedModel.Task.REGRESSION, true, 5);
        for (int rows : new int[] {1, ROWS}) {
            float[][] x = java.util.Arrays.copyOf(inputs(13), rows);
            assertClose(forward(model, x).output(), runOnnx(model, x, List.of(OnnxExporter.PREDICTION)).get(OnnxExporter.PREDICTION),
                    rows + " rows");
        }
    }

    @Test
    void headerNamesTheIrVersionAndOpset() throws OrtException {
        SavedModel model = model(NetworkSpec.input(INPUTS).dense(3, "softmax").loss("softmax_cross_entropy"),
                SavedModel.Task.CLASSIFICATION, false, 1);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(OnnxExporter.toBytes(model), new OrtSession.SessionOptions())) {
            assertEquals(List.of(OnnxExporter.INPUT), List.copyOf(session.getInputNames()));
            assertEquals(List.of(OnnxExporter.LOGITS, OnnxExporter.PROBABILITY), List.copyOf(session.getOutputNames()));
            assertEquals("sparkprop", session.getMetadata().getProducerName());
        }
    }

    /** A model with seeded random parameters; standardised ones have feature 2 constant (std 0). */
    private static SavedModel model(NetworkSpec spec, SavedModel.Task task, boolean standardized, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] params = new float[spec.layout().size()];
        for (int i = 0; i < params.length; i++) {
            params[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        float[] mean = null;
        float[] std = null;
        if (standardized) {
            mean = new float[INPUTS];
            std = new float[INPUTS];
            for (int j = 0; j < INPUTS; j++) {
                mean[j] = (float) (rng.nextDouble() * 4 - 2);
                std[j] = j == 2 ? 0f : (float) (0.1 + rng.nextDouble() * 3);
            }
        }
        List<String> classes = task == SavedModel.Task.CLASSIFICATION ? List.of("0", "1", "2") : List.of();
        return new SavedModel(spec, params, task, List.of(), classes, mean, std, Map.of(), "now", "test");
    }

    private static float[][] inputs(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[][] x = new float[ROWS][INPUTS];
        for (float[] row : x) {
            for (int j = 0; j < INPUTS; j++) {
                row[j] = (float) (rng.nextDouble() * 6 - 3);
            }
        }
        return x;
    }

    /** sparkprop's forward pass, standardising each row as ModelScorer does. */
    private static Workspace forward(SavedModel model, float[][] x) {
        Network network = new Network(model.spec());
        Workspace ws = network.newWorkspace(x.length);
        float[] dense = ws.batch().dense();
        Standardizer standardizer = model.standardized() ? new Standardizer(model.featureMean(), model.featureStd()) : null;
        for (int r = 0; r < x.length; r++) {
            System.arraycopy(x[r], 0, dense, r * INPUTS, INPUTS);
            if (standardizer != null) {
                standardizer.apply(dense, r * INPUTS);
            }
        }
        ws.batch().setDense(x.length);
        network.forward(model.params(), ws);
        return ws;
    }

    private static Map<String, float[][]> runOnnx(SavedModel model, float[][] x, List<String> outputs) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(OnnxExporter.toBytes(model), new OrtSession.SessionOptions());
             OnnxTensor input = OnnxTensor.createTensor(env, x);
             OrtSession.Result result = session.run(Map.of(OnnxExporter.INPUT, input))) {
            Map<String, float[][]> out = new java.util.HashMap<>();
            for (String name : outputs) {
                out.put(name, (float[][]) result.get(name).orElseThrow().getValue());
            }
            return out;
        }
    }

    private static void assertClose(float[] expected, float[][] actual, String what) {
        int cols = actual[0].length;
        assertEquals(expected.length >= actual.length * cols, true, what + ": shape");
        for (int r = 0; r < actual.length; r++) {
            for (int c = 0; c < cols; c++) {
                float e = expected[r * cols + c];
                float a = actual[r][c];
                assertTrue(Math.abs(e - a) <= 1e-5, what + ": row " + r + ", output " + c + ": sparkprop " + e + ", ONNX " + a);
            }
        }
    }
}
