package io.sparkprop.core.nn;

import io.sparkprop.core.matrix.CsrMatrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Finite-difference checks of {@link Network#forwardBackward} on small random 5-4-3-3 networks,
 * for every valid (hidden activation, output activation, loss) combination, dense and sparse input.
 *
 * <p>The numerical gradient is the central difference of the loss sum {@link Network#loss}:
 * {@code n_i = (L(p + h e_i) - L(p - h e_i)) / (p_i^+ - p_i^-)}, where p_i^+ and p_i^- are the
 * perturbed values as actually stored in float (so the step is exact). It is compared with the
 * analytic a_i by {@code |a - n| / max(|a| + |n|, 1e-2) < 2e-2}. The bound is loose because the
 * network runs in float32: each loss value carries a rounding error of roughly
 * eps_f * |L| ~ 1e-7 * |L|, which the difference divides by 2h = 2e-2, giving ~1e-5 absolute noise
 * in n; the truncation error of the central difference is O(h^2 f''') ~ 1e-4. Real bugs (a missing
 * f', a transposed index, a wrong sign) give relative errors of order 1.
 */
class GradientCheckTest {
    private static final float H = 1e-2f;
    private static final double BOUND = 2e-2;
    private static final int ROWS = 5;

    static Stream<Arguments> combinations() {
        String[] hidden = {"identity", "sigmoid", "tanh", "relu", "leaky_relu"};
        String[][] outputs = {
                {"identity", "mse"}, {"sigmoid", "mse"}, {"tanh", "mse"}, {"softmax", "mse"},
                {"softmax", "softmax_cross_entropy"}, {"sigmoid", "sigmoid_binary_cross_entropy"}};
        List<Arguments> all = new ArrayList<>();
        for (String h : hidden) {
            for (String[] o : outputs) {
                all.add(Arguments.of(h, o[0], o[1]));
            }
        }
        return all.stream();
    }

    static NetworkSpec spec(String hidden, String output, String loss) {
        return NetworkSpec.input(5).dense(4, hidden).dense(3, hidden).dense(3, output).loss(loss);
    }

    @ParameterizedTest(name = "{0} hidden, {1} output, {2}")
    @MethodSource("combinations")
    void denseGradientMatchesCentralDifferences(String hidden, String output, String loss) {
        Network net = new Network(spec(hidden, output, loss));
        Problem p = Problem.draw(net, 11L * hidden.hashCode() + output.hashCode() + loss.hashCode(), false);
        checkGradient(net, p);
    }

    @ParameterizedTest(name = "{0} hidden, {1} output, {2}")
    @MethodSource("combinations")
    void sparseGradientMatchesCentralDifferences(String hidden, String output, String loss) {
        Network net = new Network(spec(hidden, output, loss));
        Problem p = Problem.draw(net, 13L * hidden.hashCode() + output.hashCode() - loss.hashCode(), true);
        checkGradient(net, p);
    }

    @ParameterizedTest(name = "{0} hidden, {1} output, {2}")
    @MethodSource("combinations")
    void sparseAndDenseInputGiveTheSameLossAndGradient(String hidden, String output, String loss) {
        Network net = new Network(spec(hidden, output, loss));
        Problem sparse = Problem.draw(net, 17L * hidden.hashCode() + output.hashCode() + loss.hashCode(), true);
        Workspace dense = net.newWorkspace(ROWS);
        System.arraycopy(sparse.x, 0, dense.batch().dense(), 0, sparse.x.length);
        System.arraycopy(sparse.ws.batch().targets(), 0, dense.batch().targets(), 0, ROWS * net.spec().targetWidth());
        dense.batch().setDense(ROWS);

        float[] gs = new float[net.layout().size()];
        float[] gd = new float[net.layout().size()];
        double ls = net.forwardBackward(sparse.params, sparse.ws, gs);
        double ld = net.forwardBackward(sparse.params, dense, gd);
        assertEquals(ld, ls, 1e-5 * Math.max(1, Math.abs(ld)), "loss");
        for (int i = 0; i < gd.length; i++) {
            assertEquals(gd[i], gs[i], 1e-5, "gradient[" + i + "]");
        }
    }

    /** The check itself fails on a wrong gradient: a sanity test of the harness. */
    @Test
    void theCheckDetectsAWrongGradient() {
        Network net = new Network(spec("tanh", "identity", "mse"));
        Problem p = Problem.draw(net, 5, false);
        float[] analytic = new float[net.layout().size()];
        net.forwardBackward(p.params, p.ws, analytic);
        analytic[net.layout().weightOffset(2) + 1] *= -1;
        assertTrue(worstRelativeError(net, p, analytic) > 0.5, "a flipped sign must stand out");
    }

    private static void checkGradient(Network net, Problem p) {
        float[] analytic = new float[net.layout().size()];
        net.forwardBackward(p.params, p.ws, analytic);
        double worst = worstRelativeError(net, p, analytic);
        assertTrue(worst < BOUND, "worst relative error " + worst + " >= " + BOUND);
    }

    /**
     * Largest relative error over all parameters. A parameter whose perturbation moves a ReLU-family
     * pre-activation across 0 is skipped (the loss has a kink there, the difference means nothing);
     * {@link Problem#draw} keeps every such pre-activation at least {@link Problem#MARGIN} from 0, so
     * skips are rare, and more than a tenth of the parameters skipped fails the test.
     */
    private static double worstRelativeError(Network net, Problem p, float[] analytic) {
        float[] params = p.params;
        boolean[][] signs = p.signs();
        double worst = 0;
        int skipped = 0;
        for (int i = 0; i < params.length; i++) {
            float original = params[i];
            float plus = original + H;
            float minus = original - H;
            params[i] = plus;
            double lp = net.loss(params, p.ws);
            boolean kink = !p.sameSigns(signs);
            params[i] = minus;
            double lm = net.loss(params, p.ws);
            kink |= !p.sameSigns(signs);
            params[i] = original;
            if (kink) {
                skipped++;
                continue;
            }
            double numeric = (lp - lm) / ((double) plus - minus);
            double a = analytic[i];
            double rel = Math.abs(a - numeric) / Math.max(Math.abs(a) + Math.abs(numeric), 1e-2);
            worst = Math.max(worst, rel);
        }
        if (skipped > params.length / 10) {
            fail(skipped + " of " + params.length + " parameters sit on a ReLU kink");
        }
        return worst;
    }

    /** A network's parameters and a filled workspace of ROWS random examples. */
    static final class Problem {
        static final float MARGIN = 0.1f;

        final Network net;
        final float[] params;
        final Workspace ws;
        final float[] x;
        final boolean kinked;

        private Problem(Network net, float[] params, Workspace ws, float[] x, boolean kinked) {
            this.net = net;
            this.params = params;
            this.ws = ws;
            this.x = x;
            this.kinked = kinked;
        }

        /**
         * Draws parameters (weights U(-1, 1), biases U(-0.5, 0.5)), inputs and targets until, for a
         * ReLU-family hidden layer, no pre-activation lies within MARGIN of 0. Sparse inputs have
         * about half their entries zero and go through the CSR path.
         */
        static Problem draw(Network net, long seed, boolean sparse) {
            SplittableRandom rng = new SplittableRandom(seed);
            boolean kinked = net.spec().activation(1).contains("relu");
            ParameterLayout layout = net.layout();
            int in = layout.inputWidth();
            int out = layout.outputWidth();
            for (int attempt = 0; attempt < 10_000; attempt++) {
                float[] params = new float[layout.size()];
                for (int l = 1; l <= layout.layers(); l++) {
                    for (int i = layout.weightOffset(l); i < layout.biasOffset(l); i++) {
                        params[i] = (float) (2 * rng.nextDouble() - 1);
                    }
                    for (int i = layout.biasOffset(l); i < layout.biasOffset(l) + layout.width(l); i++) {
                        params[i] = (float) (rng.nextDouble() - 0.5);
                    }
                }
                float[] x = new float[ROWS * in];
                for (int i = 0; i < x.length; i++) {
                    x[i] = sparse && rng.nextBoolean() ? 0f : (float) (2 * rng.nextDouble() - 1);
                }
                Workspace ws = net.newWorkspace(ROWS);
                Batch b = ws.batch();
                float[] t = b.targets();
                for (int r = 0; r < ROWS; r++) {
                    if (net.spec().targetWidth() == 1) {
                        t[r] = rng.nextInt(out);
                    } else {
                        for (int j = 0; j < out; j++) {
                            // in [0, 1] for sigmoid outputs and binary cross-entropy, [-1, 1] otherwise
                            t[r * out + j] = net.spec().activation(layout.layers()).equals("sigmoid")
                                    ? (float) rng.nextDouble() : (float) (2 * rng.nextDouble() - 1);
                        }
                    }
                }
                if (sparse) {
                    fillSparse(b, x, in);
                } else {
                    System.arraycopy(x, 0, b.dense(), 0, x.length);
                    b.setDense(ROWS);
                }
                Problem p = new Problem(net, params, ws, x, kinked);
                if (!kinked || p.clearOfKinks()) {
                    return p;
                }
            }
            throw new AssertionError("no draw kept the ReLU pre-activations away from 0");
        }

        private static void fillSparse(Batch b, float[] x, int cols) {
            int[] indptr = new int[ROWS + 1];
            int[] indices = new int[x.length];
            float[] values = new float[x.length];
            int nnz = 0;
            for (int r = 0; r < ROWS; r++) {
                for (int c = 0; c < cols; c++) {
                    if (x[r * cols + c] != 0f) {
                        indices[nnz] = c;
                        values[nnz++] = x[r * cols + c];
                    }
                }
                indptr[r + 1] = nnz;
            }
            CsrMatrix src = new CsrMatrix(ROWS, cols, indptr, indices, values);
            b.sparse().clear();
            for (int r = 0; r < ROWS; r++) {
                b.sparse().appendRow(src, r);
            }
            b.setSparse();
        }

        private boolean clearOfKinks() {
            net.forward(params, ws);
            for (int l = 1; l < net.layout().layers(); l++) {
                int n = ROWS * net.layout().width(l);
                for (int i = 0; i < n; i++) {
                    if (Math.abs(ws.z[l][i]) < MARGIN) {
                        return false;
                    }
                }
            }
            return true;
        }

        /** Signs of the hidden pre-activations after the last forward pass. */
        boolean[][] signs() {
            net.forward(params, ws);
            boolean[][] s = new boolean[net.layout().layers()][];
            for (int l = 1; l < net.layout().layers(); l++) {
                int n = ROWS * net.layout().width(l);
                s[l] = new boolean[n];
                for (int i = 0; i < n; i++) {
                    s[l][i] = ws.z[l][i] > 0f;
                }
            }
            return s;
        }

        /** Whether the last forward pass kept every hidden pre-activation on the same side of 0. */
        boolean sameSigns(boolean[][] s) {
            if (!kinked) {
                return true;
            }
            for (int l = 1; l < s.length; l++) {
                for (int i = 0; i < s[l].length; i++) {
                    if (s[l][i] != ws.z[l][i] > 0f) {
                        return false;
                    }
                }
            }
            return true;
        }
    }
}
