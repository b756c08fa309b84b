package io.sparkprop.core.nn;

import io.sparkprop.core.data.DataBlock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every misuse fails at once with an IllegalArgumentException that names the offending value. */
class BadInputTest {

    private static void assertRejected(Executable call, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message '" + e.getMessage() + "' should contain '" + f + "'");
        }
    }

    private static Network classifier() {
        return new Network(NetworkSpec.input(4).dense(3, "relu").dense(3, "softmax").loss("softmax_cross_entropy"));
    }

    @Test
    void parameterArrayOfTheWrongLength() {
        Network net = classifier();
        // P = 3 * (4 + 1) + 3 * (3 + 1) = 27
        Workspace ws = net.newWorkspace(2);
        ws.batch().setDense(2);
        assertRejected(() -> net.forward(new float[26], ws), "parameter array", "26", "27");
        assertRejected(() -> net.forwardBackward(new float[28], ws, new float[27]), "parameter array", "28", "27");
        assertRejected(() -> net.forward(null, ws), "parameter array", "null");
    }

    @Test
    void gradientArrayOfTheWrongLength() {
        Network net = classifier();
        Workspace ws = net.newWorkspace(2);
        ws.batch().setDense(2);
        assertRejected(() -> net.forwardBackward(new float[27], ws, new float[20]), "gradient array", "20", "27");
    }

    @Test
    void zeroSizedLayerOrInput() {
        assertRejected(() -> NetworkSpec.input(4).dense(0, "relu").dense(3, "softmax").loss("softmax_cross_entropy"),
                "layer 1 size", "got 0");
        assertRejected(() -> NetworkSpec.input(4).dense(5, "relu").dense(-2, "identity").loss("mse"),
                "layer 2 size", "got -2");
        assertRejected(() -> NetworkSpec.input(0).dense(3, "identity").loss("mse"), "input width", "got 0");
        assertRejected(() -> new ParameterLayout(7), "[7]");
        assertRejected(() -> NetworkSpec.input(4).loss("mse"), "at least one layer");
    }

    @Test
    void unknownActivationAndLossNames() {
        assertRejected(() -> NetworkSpec.input(4).dense(3, "swish").loss("mse"), "'swish'", "relu");
        assertRejected(() -> Activation.of("leaky_relu(abc)"), "'abc'");
        assertRejected(() -> Activation.of("leaky_relu(1.5)"), "1.5");
        assertRejected(() -> NetworkSpec.input(4).dense(3, "identity").loss("hinge"), "'hinge'", "mse");
        assertRejected(() -> WeightInit.of("lecun_normal"), "'lecun_normal'");
    }

    @Test
    void lossThatNeedsAParticularOutputActivation() {
        assertRejected(() -> NetworkSpec.input(4).dense(3, "sigmoid").loss("softmax_cross_entropy"),
                "softmax_cross_entropy", "sigmoid");
        assertRejected(() -> NetworkSpec.input(4).dense(3, "softmax").loss("sigmoid_binary_cross_entropy"),
                "sigmoid_binary_cross_entropy", "softmax");
    }

    @ParameterizedTest(name = "label {0}")
    @ValueSource(floats = {3f, -1f, 1.5f, 100f, Float.NaN})
    void labelThatIsNotAClassIndex(float label) {
        Network net = classifier();
        float[] params = WeightInit.HE_NORMAL.initialize(net.layout(), 1);
        Workspace ws = net.newWorkspace(2);
        ws.batch().targets()[0] = 0f;
        ws.batch().targets()[1] = label;
        ws.batch().setDense(2);
        String expected = "label " + label;
        assertRejected(() -> net.forwardBackward(params, ws, new float[params.length]), "row 1", expected, "[0, 3)");
        assertRejected(() -> net.loss(params, ws), "row 1", expected);
    }

    @Test
    void batchLargerThanItsCapacity() {
        Network net = classifier();
        Workspace ws = net.newWorkspace(4);
        assertRejected(() -> ws.batch().setDense(5), "5 rows", "capacity 4");
        DataBlock block = DataBlock.dense(6, 4, new float[24], 1, new float[6]);
        int[] order = {0, 1, 2, 3, 4, 5};
        assertRejected(() -> block.gather(order, 0, 6, ws.batch()), "6 rows", "capacity 4");
        assertRejected(() -> new Batch(0, 4, 1), "capacity", "got 0");
    }

    @Test
    void dataBlockWhoseWidthDoesNotMatchTheNetwork() {
        Network net = classifier();
        Workspace ws = net.newWorkspace(4);
        DataBlock wide = DataBlock.dense(2, 5, new float[10], 1, new float[2]);
        assertRejected(() -> wide.gather(new int[] {0, 1}, 0, 2, ws.batch()), "5 features", "expects 4");
        DataBlock oneHot = DataBlock.dense(2, 4, new float[8], 3, new float[6]);
        assertRejected(() -> oneHot.gather(new int[] {0, 1}, 0, 2, ws.batch()), "3 targets", "expects 4 and 1");
        assertRejected(() -> DataBlock.dense(3, 4, new float[10], 1, new float[3]), "length 10", "3 * 4");
        assertRejected(() -> DataBlock.dense(3, 4, new float[12], 1, new float[2]), "length 2", "3 * 1");
    }
}
