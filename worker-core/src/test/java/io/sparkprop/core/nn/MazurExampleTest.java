package io.sparkprop.core.nn;

import io.sparkprop.core.optim.ConstantRate;
import io.sparkprop.core.optim.Sgd;
import io.sparkprop.core.optim.UpdateRule;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Matt Mazur's worked backpropagation example ("A Step by Step Backpropagation Example", 2015):
 * 2-2-2, sigmoid everywhere, E = 1/2 * sum (target - out)^2. The expected numbers are his, computed
 * by hand, not by this code.
 */
class MazurExampleTest {
    private static final double TOL = 1e-6;

    private Network net;
    private ParameterLayout layout;
    private float[] params;
    private Workspace ws;

    @BeforeEach
    void setUp() {
        net = new Network(NetworkSpec.input(2).dense(2, "sigmoid").dense(2, "sigmoid").loss("mse"));
        layout = net.layout();
        params = new float[layout.size()];
        // W_1[o][i]: h1 <- (w1, w2), h2 <- (w3, w4); W_2: o1 <- (w5, w6), o2 <- (w7, w8)
        set(1, 0, 0, 0.15f);
        set(1, 0, 1, 0.20f);
        set(1, 1, 0, 0.25f);
        set(1, 1, 1, 0.30f);
        set(2, 0, 0, 0.40f);
        set(2, 0, 1, 0.45f);
        set(2, 1, 0, 0.50f);
        set(2, 1, 1, 0.55f);
        params[layout.biasOffset(1)] = 0.35f;
        params[layout.biasOffset(1) + 1] = 0.35f;
        params[layout.biasOffset(2)] = 0.60f;
        params[layout.biasOffset(2) + 1] = 0.60f;

        ws = net.newWorkspace(1);
        Batch b = ws.batch();
        b.dense()[0] = 0.05f;
        b.dense()[1] = 0.10f;
        b.targets()[0] = 0.01f;
        b.targets()[1] = 0.99f;
        b.setDense(1);
    }

    private void set(int l, int o, int i, float v) {
        params[w(l, o, i)] = v;
    }

    private int w(int l, int o, int i) {
        return layout.weightOffset(l) + o * layout.width(l - 1) + i;
    }

    @Test
    void forwardPassMatchesHandComputedActivations() {
        net.forward(params, ws);
        assertEquals(0.593269992, ws.a[1][0], TOL, "out_h1");
        assertEquals(0.596884378, ws.a[1][1], TOL, "out_h2");
        assertEquals(0.75136507, ws.output()[0], TOL, "out_o1");
        assertEquals(0.772928465, ws.output()[1], TOL, "out_o2");
        assertEquals(0.298371109, net.loss(params, ws), TOL, "total error");
    }

    @Test
    void backwardPassMatchesHandComputedGradient() {
        float[] grad = new float[layout.size()];
        double loss = net.forwardBackward(params, ws, grad);
        assertEquals(0.298371109, loss, TOL, "total error");
        // one row, so gb_2 = colsum(D_2) is the output delta dE/dnet_o itself
        assertEquals(0.138498562, grad[layout.biasOffset(2)], TOL, "dE/dnet_o1");
        assertEquals(-0.038098236, grad[layout.biasOffset(2) + 1], TOL, "dE/dnet_o2");
        assertEquals(0.082167041, grad[w(2, 0, 0)], TOL, "dE/dw5");
        assertEquals(0.000438568, grad[w(1, 0, 0)], TOL, "dE/dw1");
    }

    @Test
    void gradientIsAddedToWhatIsAlreadyThere() {
        float[] grad = new float[layout.size()];
        net.forwardBackward(params, ws, grad);
        net.forwardBackward(params, ws, grad);
        assertEquals(2 * 0.082167041, grad[w(2, 0, 0)], 2 * TOL, "dE/dw5 accumulated twice");
    }

    @Test
    void oneSgdStepGivesMazursUpdatedWeights() {
        float[] grad = new float[layout.size()];
        net.forwardBackward(params, ws, grad);
        UpdateRule sgd = new UpdateRule(new Sgd(), new ConstantRate(0.5), 0, 0, layout.weightRanges(), layout.size());
        sgd.apply(params, grad);
        // Mazur leaves the biases alone in his example, so only weights are compared
        assertEquals(0.35891648, params[w(2, 0, 0)], TOL, "w5+");
        assertEquals(0.408666186, params[w(2, 0, 1)], TOL, "w6+");
        assertEquals(0.511301270, params[w(2, 1, 0)], TOL, "w7+");
        assertEquals(0.561370121, params[w(2, 1, 1)], TOL, "w8+");
        assertEquals(0.149780716, params[w(1, 0, 0)], TOL, "w1+");
        assertEquals(0.19956143, params[w(1, 0, 1)], TOL, "w2+");
        assertEquals(0.24975114, params[w(1, 1, 0)], TOL, "w3+");
        assertEquals(0.29950229, params[w(1, 1, 1)], TOL, "w4+");
    }
}
