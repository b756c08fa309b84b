package io.sparkprop.core.train;

import io.sparkprop.core.data.DataBlock;
import io.sparkprop.core.matrix.PlainGemm;
import io.sparkprop.core.nn.Network;
import io.sparkprop.core.nn.NetworkSpec;
import io.sparkprop.core.nn.WeightInit;
import io.sparkprop.core.nn.Workspace;
import io.sparkprop.core.optim.Adam;
import io.sparkprop.core.optim.ConstantRate;
import io.sparkprop.core.optim.Sgd;
import io.sparkprop.core.optim.UpdateRule;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocalTrainerTest {

    private static DataBlock xor() {
        return DataBlock.dense(4, 2, new float[] {0, 0, 0, 1, 1, 0, 1, 1}, 1, new float[] {0, 1, 1, 0});
    }

    private static Network xorNetwork() {
        return new Network(NetworkSpec.input(2).dense(4, "sigmoid").dense(1, "sigmoid").loss("mse"));
    }

    private static UpdateRule sgd(Network net, double lr) {
        return new UpdateRule(new Sgd(), new ConstantRate(lr), 0, 0, net.layout().weightRanges(), net.layout().size());
    }

    /** Trains XOR for {@code epochs} full-batch epochs and returns the parameters. */
    private static float[] trainXor(long seed, int epochs, double[] lossesOut) {
        Network net = xorNetwork();
        float[] params = WeightInit.GLOROT_UNIFORM.initialize(net.layout(), seed);
        LocalTrainer trainer = new LocalTrainer(net, sgd(net, 2.0), xor(), 4, seed);
        double[] losses = trainer.train(params, epochs);
        System.arraycopy(losses, 0, lossesOut, 0, Math.min(losses.length, lossesOut.length));
        return params;
    }

    @Test
    void learnsXor() {
        double[] losses = new double[3000];
        float[] params = trainXor(1, 3000, losses);
        assertTrue(losses[2999] < 0.01, "final mean loss " + losses[2999]);
        assertTrue(losses[2999] < losses[0] / 10, "loss fell from " + losses[0] + " to " + losses[2999]);
        Network net = xorNetwork();
        LocalTrainer trainer = new LocalTrainer(net, sgd(net, 2.0), xor(), 4, 1);
        LocalTrainer.Evaluation ev = trainer.evaluate(params, xor());
        assertEquals(1.0, ev.accuracy());
        assertEquals(losses[2999], ev.meanLoss(), 1e-3);
        assertEquals(4, ev.rows());
    }

    @Test
    void sameSeedGivesBitIdenticalParameters() {
        double[] l1 = new double[500];
        double[] l2 = new double[500];
        float[] a = trainXor(7, 500, l1);
        float[] b = trainXor(7, 500, l2);
        assertTrue(Arrays.equals(a, b), "two runs with seed 7 differ");
        assertArrayEquals(l1, l2);
        assertFalse(Arrays.equals(a, trainXor(8, 500, new double[0])), "another seed gives another run");
    }

    /**
     * The plain-Java path (the GEMM without the Vector API, as a JVM without the module runs it; the
     * update's loops give the same bits on both paths) still learns, with bits of its own that repeat.
     */
    @Test
    void thePlainKernelTrainsAndRepeatsItsBits() {
        NetworkSpec spec = NetworkSpec.input(2).dense(8, "tanh").dense(2, "softmax").loss("softmax_cross_entropy");
        DataBlock data = DataBlock.dense(4, 2, new float[] {0, 0, 0, 1, 1, 0, 1, 1}, 1, new float[] {0, 1, 1, 0});
        float[][] runs = new float[2][];
        double[][] losses = new double[2][];
        for (int run = 0; run < 2; run++) {
            Network net = new Network(spec, new PlainGemm());
            runs[run] = WeightInit.GLOROT_UNIFORM.initialize(net.layout(), 5);
            UpdateRule rule = new UpdateRule(new Adam(), new ConstantRate(0.05), 0, 0, net.layout().weightRanges(),
                    net.layout().size());
            losses[run] = new LocalTrainer(net, rule, data, 2, 5).train(runs[run], 300);
        }
        assertArrayEquals(runs[0], runs[1]);
        assertArrayEquals(losses[0], losses[1]);
        assertTrue(losses[0][299] < 0.05, "final mean loss " + losses[0][299]);
    }

    /**
     * One full-batch SGD epoch is {@code p <- p - lr * (1/b) * sum_r dL_r/dp}: checked against the
     * same step done by hand with Network.forwardBackward.
     */
    @Test
    void oneEpochIsOneStepAlongTheMeanGradient() {
        Network net = new Network(NetworkSpec.input(3).dense(5, "tanh").dense(2, "identity").loss("mse"));
        float[] x = {0.1f, -0.2f, 0.3f, 0.5f, 0.4f, -0.6f, -0.7f, 0.8f, 0.9f};
        float[] y = {1, 0, 0, 1, 0.5f, -0.5f};
        DataBlock data = DataBlock.dense(3, 3, x, 2, y);
        float[] params = WeightInit.GLOROT_UNIFORM.initialize(net.layout(), 3);

        float[] expected = params.clone();
        Workspace ws = net.newWorkspace(3);
        data.gatherRange(0, 3, new int[3], ws.batch());
        float[] grad = new float[params.length];
        double lossSum = net.forwardBackward(params, ws, grad);
        for (int i = 0; i < params.length; i++) {
            expected[i] -= 0.1f * (grad[i] / 3);
        }

        LocalTrainer trainer = new LocalTrainer(net, sgd(net, 0.1), data, 3, 9);
        double meanLoss = trainer.trainEpoch(params);
        assertEquals(lossSum / 3, meanLoss, 1e-6);
        assertArrayEquals(expected, params, 1e-6f);
        assertEquals(1, trainer.epoch());
    }

    /** Batches of 2 over 5 rows: 3 steps per epoch, the last on 1 row; every row counts once in the loss. */
    @Test
    void aSmallLastBatchIsStillAStep() {
        Network net = new Network(NetworkSpec.input(1).dense(1, "identity").loss("mse"));
        DataBlock data = DataBlock.dense(5, 1, new float[] {1, 2, 3, 4, 5}, 1, new float[] {2, 4, 6, 8, 10});
        UpdateRule rule = sgd(net, 1e-3);
        LocalTrainer trainer = new LocalTrainer(net, rule, data, 2, 1);
        float[] params = new float[2]; // w = b = 0: every L_r = y_r^2 / 2 at the first step
        double loss = trainer.trainEpoch(params);
        assertEquals(3, rule.steps());
        // the first batch's loss is exact, the later ones see slightly updated parameters
        assertEquals((4 + 16 + 36 + 64 + 100) / 2.0 / 5, loss, 1.0);
    }

    @Test
    void accuracyCountsArgmaxOfOneHotTargets() {
        // identity network with W = I, b = 0: output = input, so the rows are classified as their argmax
        Network net = new Network(NetworkSpec.input(3).dense(3, "identity").loss("mse"));
        float[] params = {1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0};
        float[] x = {0.9f, 0.1f, 0f, 0f, 0.2f, 0.7f, 0.3f, 0.6f, 0.1f, 0.5f, 0.4f, 0.1f};
        float[] y = {1, 0, 0, 0, 0, 1, 1, 0, 0, 0, 1, 0}; // rows 0, 1 right; rows 2, 3 wrong
        DataBlock data = DataBlock.dense(4, 3, x, 3, y);
        LocalTrainer trainer = new LocalTrainer(net, sgd(net, 0.1), data, 3, 1);
        assertEquals(0.5, trainer.evaluate(params, data).accuracy());
    }

    @Test
    void rejectsABadBatchSizeOrAnEmptyBlock() {
        Network net = xorNetwork();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LocalTrainer(net, sgd(net, 1), xor(), 0, 1));
        assertTrue(e.getMessage().contains("got 0"), e.getMessage());
        DataBlock empty = DataBlock.dense(0, 2, new float[0], 1, new float[0]);
        assertThrows(IllegalArgumentException.class, () -> new LocalTrainer(net, sgd(net, 1), empty, 4, 1));
    }
}
