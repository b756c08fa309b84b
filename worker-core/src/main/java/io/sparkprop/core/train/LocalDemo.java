package io.sparkprop.core.train;

import io.sparkprop.core.data.DataBlock;
import io.sparkprop.core.data.IdxReader;
import io.sparkprop.core.matrix.Gemm;
import io.sparkprop.core.nn.Network;
import io.sparkprop.core.nn.NetworkSpec;
import io.sparkprop.core.nn.WeightInit;
import io.sparkprop.core.optim.Adam;
import io.sparkprop.core.optim.ConstantRate;
import io.sparkprop.core.optim.Sgd;
import io.sparkprop.core.optim.UpdateRule;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Trains two small problems on one machine and prints progress:
 * <ol>
 *   <li>XOR: 2-4(sigmoid)-1(sigmoid), mse, SGD with a constant rate, full batch;</li>
 *   <li>MNIST-10k: the first 8,000 of the 10,000 MNIST test images train a
 *       784-128(relu)-10(softmax) network (softmax cross-entropy, Adam 1e-3, batch 64);
 *       the last 2,000 are held out.</li>
 * </ol>
 * Usage: {@code java -cp worker-core/target/classes io.sparkprop.core.train.LocalDemo [mnistDir [epochs]]},
 * mnistDir defaulting to {@code data/mnist-10k}, epochs to 8 (about 96% held-out accuracy).
 */
public final class LocalDemo {
    private LocalDemo() {
    }

    public static void main(String[] args) {
        Path dir = Path.of(args.length > 0 ? args[0] : "data/mnist-10k");
        int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        System.out.println("gemm kernel: " + Gemm.best().name());
        xor();
        mnist(dir, epochs);
    }

    /** The XOR task: inputs {0,1}^2, target x1 xor x2. */
    static DataBlock xorData() {
        return DataBlock.dense(4, 2, new float[] {0, 0, 0, 1, 1, 0, 1, 1}, 1, new float[] {0, 1, 1, 0});
    }

    private static void xor() {
        NetworkSpec spec = NetworkSpec.input(2).dense(4, "sigmoid").dense(1, "sigmoid").loss("mse");
        Network net = new Network(spec);
        float[] params = WeightInit.GLOROT_UNIFORM.initialize(net.layout(), 1);
        UpdateRule rule = new UpdateRule(new Sgd(), new ConstantRate(2.0), 0, 0,
                net.layout().weightRanges(), net.layout().size());
        DataBlock data = xorData();
        LocalTrainer trainer = new LocalTrainer(net, rule, data, 4, 1);
        System.out.println("XOR: " + spec);
        for (int e = 1; e <= 5000; e++) {
            double loss = trainer.trainEpoch(params);
            if (e % 1000 == 0) {
                System.out.printf(Locale.ROOT, "  epoch %5d  loss %.6f%n", e, loss);
            }
        }
        LocalTrainer.Evaluation ev = trainer.evaluate(params, data);
        System.out.printf(Locale.ROOT, "XOR final: loss %.6f, accuracy %.2f%n", ev.meanLoss(), ev.accuracy());
    }

    private static void mnist(Path dir, int epochs) {
        long t0 = System.nanoTime();
        HoldOut split = HoldOut.split(IdxReader.readMnist(dir), 8000);
        System.out.printf(Locale.ROOT, "MNIST-10k from %s: %d train, %d held out (read in %.1f s)%n", dir,
                split.train().rows(), split.heldOut().rows(), (System.nanoTime() - t0) / 1e9);
        NetworkSpec spec = NetworkSpec.input(784).dense(128, "relu").dense(10, "softmax").loss("softmax_cross_entropy");
        Network net = new Network(spec);
        float[] params = WeightInit.HE_NORMAL.initialize(net.layout(), 42);
        UpdateRule rule = new UpdateRule(new Adam(), new ConstantRate(1e-3), 0, 0,
                net.layout().weightRanges(), net.layout().size());
        LocalTrainer trainer = new LocalTrainer(net, rule, split.train(), 64, 42);
        System.out.println("MNIST: " + spec + ", Adam 1e-3, batch 64");
        LocalTrainer.Evaluation ev = null;
        for (int e = 1; e <= epochs; e++) {
            long start = System.nanoTime();
            double loss = trainer.trainEpoch(params);
            double seconds = (System.nanoTime() - start) / 1e9;
            ev = trainer.evaluate(params, split.heldOut());
            System.out.printf(Locale.ROOT, "  epoch %2d  loss %.4f  held-out loss %.4f  accuracy %.4f  %.0f examples/s%n",
                    e, loss, ev.meanLoss(), ev.accuracy(), split.train().rows() / seconds);
        }
        if (ev != null) {
            System.out.printf(Locale.ROOT, "MNIST final held-out accuracy: %.4f (%.1f s in all)%n",
                    ev.accuracy(), (System.nanoTime() - t0) / 1e9);
        }
    }
}
