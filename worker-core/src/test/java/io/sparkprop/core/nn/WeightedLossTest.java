package io.sparkprop.core.nn;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A weighted batch against its rows one at a time: the loss and the gradient are linear in the rows'
 * contributions, so with weights w the batch must give {@code sum_r w_r L_r} and
 * {@code sum_r w_r grad_r}, each single-row term from an unweighted pass. Weights (2, 0, 0.5, 1) include
 * a zero (the row must vanish) and a fraction; every loss and its output activation.
 */
class WeightedLossTest {
    private static final float[] WEIGHTS = {2f, 0f, 0.5f, 1f};

    @ParameterizedTest(name = "{0} output, {1}")
    @CsvSource({"softmax, softmax_cross_entropy", "identity, mse", "tanh, mse", "sigmoid, sigmoid_binary_cross_entropy"})
    void weightedBatchIsTheWeightedSumOfItsRows(String output, String loss) {
        Network net = new Network(NetworkSpec.input(3).dense(4, "tanh").dense(3, output).loss(loss));
        SplittableRandom rng = new SplittableRandom(5);
        int rows = WEIGHTS.length;
        int tw = net.spec().targetWidth();
        float[] params = new float[net.layout().size()];
        for (int i = 0; i < params.length; i++) {
            params[i] = (float) (rng.nextDouble() - 0.5);
        }
        float[] x = new float[rows * 3];
        float[] y = new float[rows * tw];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        for (int i = 0; i < y.length; i++) {
            y[i] = tw == 1 ? (i % 3) : (float) rng.nextDouble();
        }

        Workspace ws = net.newWorkspace(rows);
        System.arraycopy(x, 0, ws.batch().dense(), 0, x.length);
        System.arraycopy(y, 0, ws.batch().targets(), 0, y.length);
        System.arraycopy(WEIGHTS, 0, ws.batch().weights(), 0, rows);
        ws.batch().setDense(rows);
        ws.batch().setWeighted(true);
        float[] g = new float[params.length];
        double lossSum = net.forwardBackward(params, ws, g);
        assertEquals(3.5, ws.batch().weightSum(), 0);
        assertEquals(lossSum, net.loss(params, ws), 1e-6);

        double expectedLoss = 0;
        double[] expected = new double[params.length];
        Workspace one = net.newWorkspace(1);
        for (int r = 0; r < rows; r++) {
            System.arraycopy(x, r * 3, one.batch().dense(), 0, 3);
            System.arraycopy(y, r * tw, one.batch().targets(), 0, tw);
            one.batch().setDense(1);
            float[] gr = new float[params.length];
            expectedLoss += WEIGHTS[r] * net.forwardBackward(params, one, gr);
            for (int i = 0; i < params.length; i++) {
                expected[i] += WEIGHTS[r] * (double) gr[i];
            }
        }
        assertEquals(expectedLoss, lossSum, 1e-5);
        for (int i = 0; i < params.length; i++) {
            assertEquals(expected[i], g[i], 1e-5, "gradient[" + i + "]");
        }
    }
}
