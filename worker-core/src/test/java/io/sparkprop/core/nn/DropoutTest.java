package io.sparkprop.core.nn;

import io.sparkprop.core.data.DataBlock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Inverted dropout in {@link Network#forwardBackward(float[], Workspace, float[], Dropout, long, int)}:
 * the gradient of the masked network against central differences with the mask held fixed (same
 * step, partition and rows), the mask's statistics, the expectation of the output, and rate 0 as the
 * plain pass.
 */
class DropoutTest {
    private static final float H = 1e-2f;
    private static final double BOUND = 2e-2;
    private static final long STEP = 17;
    private static final int PARTITION = 3;

    /**
     * Finite differences of the masked loss: the mask is a function of (seed, step, partition, row,
     * layer, unit) only, so L(p +- h e_i) with the same keys is the loss of the same thinned network,
     * and its central difference must match the analytic gradient as in {@link GradientCheckTest}.
     * A ReLU-family parameter whose perturbation moves a pre-activation (of the masked pass) across 0
     * is skipped.
     */
    @ParameterizedTest(name = "{0} hidden, {1} output, {2}, sparse {3}")
    @CsvSource({"tanh, identity, mse, false", "sigmoid, softmax, softmax_cross_entropy, false",
            "relu, softmax, softmax_cross_entropy, false", "leaky_relu, sigmoid, sigmoid_binary_cross_entropy, true",
            "tanh, softmax, softmax_cross_entropy, true", "identity, identity, mse, false"})
    void maskedGradientMatchesCentralDifferencesWithTheMaskFixed(String hidden, String output, String loss, boolean sparse) {
        Network net = new Network(GradientCheckTest.spec(hidden, output, loss));
        GradientCheckTest.Problem p = GradientCheckTest.Problem.draw(net, 31L * hidden.hashCode() + loss.hashCode(), sparse);
        Dropout dropout = new Dropout(0.4, 5);
        int size = net.layout().size();
        float[] analytic = new float[size];
        net.forwardBackward(p.params, p.ws, analytic, dropout, STEP, PARTITION);
        assertTrue(dropsSomeAndKeepsSome(p.ws, net), "the mask of this draw must drop some units and keep others");
        boolean[][] signs = signs(p.ws, net);
        float[] scratch = new float[size];
        double worst = 0;
        int skipped = 0;
        float[] plain = new float[size];
        net.forwardBackward(p.params, p.ws, plain);
        double plainWorst = 0;
        for (int i = 0; i < size; i++) {
            float original = p.params[i];
            float plus = original + H;
            float minus = original - H;
            p.params[i] = plus;
            double lp = net.forwardBackward(p.params, p.ws, scratch, dropout, STEP, PARTITION);
            boolean kink = p.kinked && !Arrays.deepEquals(signs, signs(p.ws, net));
            p.params[i] = minus;
            double lm = net.forwardBackward(p.params, p.ws, scratch, dropout, STEP, PARTITION);
            kink |= p.kinked && !Arrays.deepEquals(signs, signs(p.ws, net));
            p.params[i] = original;
            if (kink) {
                skipped++;
                continue;
            }
            double numeric = (lp - lm) / ((double) plus - minus);
            worst = Math.max(worst, relative(analytic[i], numeric));
            plainWorst = Math.max(plainWorst, relative(plain[i], numeric));
        }
        assertTrue(skipped <= size / 10, skipped + " of " + size + " parameters sit on a ReLU kink");
        assertTrue(worst < BOUND, "worst relative error " + worst + " >= " + BOUND);
        // the check can fail: the unmasked gradient is not the gradient of the masked loss
        assertTrue(plainWorst > 0.2, "the plain gradient should miss the masked loss, worst error " + plainWorst);
    }

    /**
     * Over 200,000 units the dropped fraction is p within 5 standard deviations sqrt(p (1 - p) / n)
     * (at most 0.0056 for p = 0.5), and the masks of the next step agree with this step's on a unit
     * with probability p^2 + (1 - p)^2, as independent draws do.
     */
    @ParameterizedTest
    @ValueSource(doubles = {0.1, 0.5, 0.8})
    void theDroppedFractionIsTheRateAndStepsDrawAfresh(double rate) {
        Dropout d = new Dropout(rate, 42);
        int rows = 2000;
        int units = 100;
        long n = (long) rows * units;
        long dropped = 0;
        long agree = 0;
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < units; j++) {
                boolean kept = d.keeps(7, 1, r, 2, j);
                dropped += kept ? 0 : 1;
                agree += kept == d.keeps(8, 1, r, 2, j) ? 1 : 0;
            }
        }
        double sd = Math.sqrt(rate * (1 - rate) / n);
        assertEquals(rate, (double) dropped / n, 5 * sd, "fraction dropped");
        double same = rate * rate + (1 - rate) * (1 - rate);
        assertEquals(same, (double) agree / n, 5 * Math.sqrt(same * (1 - same) / n), "agreement with the next step's mask");
    }

    /** Each key changes the draw: another seed, partition, row, layer or unit gives an unrelated bit. */
    @Test
    void everyKeyChangesTheMask() {
        Dropout d = new Dropout(0.5, 1);
        Dropout other = new Dropout(0.5, 2);
        int n = 4000;
        int[] differ = new int[6];
        for (int i = 0; i < n; i++) {
            boolean k = d.keeps(i, 0, 0, 1, 0);
            differ[0] += k != other.keeps(i, 0, 0, 1, 0) ? 1 : 0;
            differ[1] += k != d.keeps(i, 1, 0, 1, 0) ? 1 : 0;
            differ[2] += k != d.keeps(i, 0, 1, 1, 0) ? 1 : 0;
            differ[3] += k != d.keeps(i, 0, 0, 2, 0) ? 1 : 0;
            differ[4] += k != d.keeps(i, 0, 0, 1, 1) ? 1 : 0;
            differ[5] += k != d.keeps(i + 1, 0, 0, 1, 0) ? 1 : 0;
        }
        // independent fair bits differ half the time: 2000 +- 5 * sqrt(1000)
        for (int c : differ) {
            assertEquals(n / 2.0, c, 5 * Math.sqrt(n / 4.0), Arrays.toString(differ));
        }
    }

    /**
     * A worked check of the inverted scaling: input x = (1, 2, 3, 4), hidden identity layer with
     * W = I and b = 0 (so A_1 = x), output identity layer with W = (1, 1, 1, 1), b = 0. Without
     * dropout the output is 10 for every row; with p = 0.5 row r gives 2 * sum of its kept x_j, and
     * the mean over 16,384 rows is 10 within 5 standard deviations (one row's variance is
     * sum x_j^2 * p / (1 - p) = 30, so 5 * sqrt(30 / 16384) = 0.21; scaling by 1 instead of 2 would
     * give 5). Evaluation ({@link Network#forward}) never drops: 10 exactly.
     */
    @Test
    void theOutputKeepsItsExpectation() {
        NetworkSpec spec = NetworkSpec.input(4).dense(4, "identity").dense(1, "identity").loss("mse");
        Network net = new Network(spec);
        ParameterLayout layout = net.layout();
        float[] params = new float[layout.size()];
        for (int j = 0; j < 4; j++) {
            params[layout.weightOffset(1) + j * 4 + j] = 1f;
            params[layout.weightOffset(2) + j] = 1f;
        }
        int rows = 4096;
        Workspace ws = net.newWorkspace(rows);
        float[] x = ws.batch().dense();
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < 4; j++) {
                x[r * 4 + j] = j + 1;
            }
        }
        ws.batch().setDense(rows);
        Dropout d = new Dropout(0.5, 11);
        float[] grad = new float[layout.size()];
        double sum = 0;
        for (long step = 0; step < 4; step++) {
            net.forwardBackward(params, ws, grad, d, step, 0);
            for (int r = 0; r < rows; r++) {
                float kept = 0;
                for (int j = 0; j < 4; j++) {
                    kept += d.keeps(step, 0, r, 1, j) ? j + 1 : 0;
                }
                assertEquals(2 * kept, ws.output()[r], 1e-5, "row " + r + " at step " + step);
                sum += ws.output()[r];
            }
        }
        assertEquals(10, sum / (4.0 * rows), 5 * Math.sqrt(30.0 / (4 * rows)), "mean output under dropout");
        net.forward(params, ws);
        for (int r = 0; r < rows; r++) {
            assertEquals(10f, ws.output()[r], "evaluation row " + r);
        }
    }

    /** Rate 0 is the plain pass bit for bit, and draws nothing: the mask buffers are never allocated. */
    @Test
    void rateZeroIsThePlainPass() {
        Network net = new Network(GradientCheckTest.spec("relu", "softmax", "softmax_cross_entropy"));
        GradientCheckTest.Problem p = GradientCheckTest.Problem.draw(net, 3, false);
        float[] plain = new float[net.layout().size()];
        float[] zero = new float[net.layout().size()];
        double lp = net.forwardBackward(p.params, p.ws, plain);
        double lz = net.forwardBackward(p.params, p.ws, zero, new Dropout(0, 9), STEP, PARTITION);
        assertEquals(lp, lz);
        assertArrayEquals(plain, zero);
        assertNull(p.ws.mask, "no mask buffers without dropout");
        float[] dropped = new float[net.layout().size()];
        net.forwardBackward(p.params, p.ws, dropped, new Dropout(0.5, 9), STEP, PARTITION);
        assertNotEquals(Arrays.toString(plain), Arrays.toString(dropped), "dropout changes the gradient");
    }

    /**
     * A row's mask follows the row, not its place in the batch: gathering a block's rows in two
     * different orders gives each row the same mask.
     */
    @Test
    void aRowsMaskFollowsItsIndexInTheBlock() {
        NetworkSpec spec = NetworkSpec.input(3).dense(6, "tanh").dense(2, "identity").loss("mse");
        Network net = new Network(spec);
        int rows = 5;
        float[] features = new float[rows * 3];
        for (int i = 0; i < features.length; i++) {
            features[i] = 0.1f * (i + 1);
        }
        DataBlock block = DataBlock.dense(rows, 3, features, 2, new float[rows * 2]);
        float[] params = new float[net.layout().size()];
        Arrays.fill(params, 0.3f);
        Dropout d = new Dropout(0.5, 4);
        Workspace forward = net.newWorkspace(rows);
        Workspace backward = net.newWorkspace(rows);
        block.gather(new int[] {0, 1, 2, 3, 4}, 0, rows, forward.batch());
        block.gather(new int[] {4, 3, 2, 1, 0}, 0, rows, backward.batch());
        float[] grad = new float[net.layout().size()];
        net.forwardBackward(params, forward, grad, d, STEP, PARTITION);
        net.forwardBackward(params, backward, grad, d, STEP, PARTITION);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < 6; j++) {
                float expected = d.keeps(STEP, PARTITION, r, 1, j) ? d.scale() : 0f;
                assertEquals(expected, forward.mask[1][r * 6 + j], "row " + r + " unit " + j);
                assertEquals(expected, backward.mask[1][(rows - 1 - r) * 6 + j], "row " + r + " unit " + j + ", reversed");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(doubles = {1.0, -0.1, Double.NaN, 1.5})
    void ratesOutsideZeroToOneAreRefused(double rate) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Dropout(rate, 0));
        assertTrue(e.getMessage().contains("[0, 1)"), e.getMessage());
    }

    private static boolean dropsSomeAndKeepsSome(Workspace ws, Network net) {
        int zeros = 0;
        int kept = 0;
        for (int l = 1; l < net.layout().layers(); l++) {
            for (int i = 0; i < ws.batch().rows() * net.layout().width(l); i++) {
                if (ws.mask[l][i] == 0f) {
                    zeros++;
                } else {
                    kept++;
                }
            }
        }
        return zeros > 0 && kept > 0;
    }

    /** Signs of the hidden pre-activations of the last pass (the masked one under dropout). */
    private static boolean[][] signs(Workspace ws, Network net) {
        boolean[][] s = new boolean[net.layout().layers()][];
        for (int l = 1; l < net.layout().layers(); l++) {
            int n = ws.batch().rows() * net.layout().width(l);
            s[l] = new boolean[n];
            for (int i = 0; i < n; i++) {
                s[l][i] = ws.z[l][i] > 0f;
            }
        }
        return s;
    }

    private static double relative(double a, double numeric) {
        return Math.abs(a - numeric) / Math.max(Math.abs(a) + Math.abs(numeric), 1e-2);
    }
}
