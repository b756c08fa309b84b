package io.sparkprop.core.train;

import io.sparkprop.core.data.IdxReader;
import io.sparkprop.core.nn.Network;
import io.sparkprop.core.nn.NetworkSpec;
import io.sparkprop.core.nn.WeightInit;
import io.sparkprop.core.optim.Adam;
import io.sparkprop.core.optim.ConstantRate;
import io.sparkprop.core.optim.UpdateRule;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * End to end on real data: the 10,000 MNIST test images, the first 8,000 to train on and the last
 * 2,000 held out (the harder half of the test set, from NIST's original test writers). A
 * 784-128(relu)-10(softmax) network with Adam 1e-3 and batches of 64 reaches about 96% held-out
 * accuracy after 8 epochs (seeded, so the run is the same each time); 95% is the bar.
 */
class MnistTrainingTest {

    @Test
    void softmaxNetworkReaches95PercentHeldOut() {
        long t0 = System.nanoTime();
        HoldOut split = HoldOut.split(IdxReader.readMnist(Path.of("..", "data", "mnist-10k")), 8000);
        Network net = new Network(NetworkSpec.input(784).dense(128, "relu").dense(10, "softmax")
                .loss("softmax_cross_entropy"));
        float[] params = WeightInit.HE_NORMAL.initialize(net.layout(), 42);
        UpdateRule rule = new UpdateRule(new Adam(), new ConstantRate(1e-3), 0, 0,
                net.layout().weightRanges(), net.layout().size());
        LocalTrainer trainer = new LocalTrainer(net, rule, split.train(), 64, 42);
        double[] losses = trainer.train(params, 8);
        LocalTrainer.Evaluation ev = trainer.evaluate(params, split.heldOut());
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "MNIST-10k %s: epoch losses %s, held-out loss %.4f, accuracy %.4f, %.1f s%n",
                net.spec(), Arrays.toString(losses), ev.meanLoss(), ev.accuracy(), seconds);
        assertTrue(losses[losses.length - 1] < losses[0], "training loss did not fall: " + Arrays.toString(losses));
        assertTrue(ev.accuracy() >= 0.95, "held-out accuracy " + ev.accuracy());
    }
}
