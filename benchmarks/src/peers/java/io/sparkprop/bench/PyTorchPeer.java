package io.sparkprop.bench;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.sparkprop.core.data.DataBlock;

import java.util.Arrays;
import java.util.Random;

/**
 * The single-process peer: PyTorch (libtorch on the CPU) through DJL, the same 784-256-128-10 ReLU
 * network and data as sparkprop, Adam lr 1e-3, batch 128, a fresh shuffle per epoch. Its threads are
 * set by the harness's JVM flags ({@code -Dai.djl.pytorch.num_threads}). The batches are cut from one
 * NDArray of the whole set by row indices (index_select), faster than DJL's dataset pipeline.
 * Times count training only (as sparkprop's do), not the per-epoch test evaluation.
 */
public final class PyTorchPeer implements PeerTrainer {
    private static final int BATCH = 128;
    private static final float LEARNING_RATE = 1e-3f;

    @Override
    public String run(DataBlock train, DataBlock test, int epochs) throws Exception {
        int n = train.rows();
        int d = train.cols();
        SequentialBlock net = new SequentialBlock()
                .add(Linear.builder().setUnits(256).build()).add(Activation::relu)
                .add(Linear.builder().setUnits(128).build()).add(Activation::relu)
                .add(Linear.builder().setUnits(10).build());
        try (Model model = Model.newInstance("mlp", "PyTorch")) {
            model.setBlock(net);
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optInitializer(new XavierInitializer(), "weight")
                    .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(LEARNING_RATE)).build());
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(BATCH, d));
                NDManager manager = trainer.getManager();
                NDArray x = manager.create(train.dense(), new Shape(n, d));
                NDArray y = manager.create(train.targets(), new Shape(n));
                NDArray testX = manager.create(test.dense(), new Shape(test.rows(), d));
                float[] testY = test.targets();
                Random random = new Random(1);
                long[] order = new long[n];
                for (int i = 0; i < n; i++) {
                    order[i] = i;
                }
                double seconds = 0;
                double[] reached = {Double.NaN, Double.NaN};
                double accuracy = Double.NaN;
                for (int epoch = 1; epoch <= epochs; epoch++) {
                    shuffle(order, random);
                    long start = System.nanoTime();
                    double lossSum = 0;
                    for (int from = 0; from < n; from += BATCH) {
                        int to = Math.min(n, from + BATCH);
                        try (NDManager step = manager.newSubManager()) {
                            NDArray index = step.create(Arrays.copyOfRange(order, from, to));
                            // results of an operation belong to its input's manager: move the batch
                            // (and so everything computed from it) to the step's, closed after the step
                            NDArray xb = x.get(index);
                            NDArray yb = y.get(index);
                            xb.attach(step);
                            yb.attach(step);
                            try (GradientCollector collector = trainer.newGradientCollector()) {
                                NDArray logits = trainer.forward(new NDList(xb)).singletonOrThrow();
                                NDArray loss = trainer.getLoss().evaluate(new NDList(yb), new NDList(logits));
                                collector.backward(loss);
                                lossSum += loss.getFloat() * (to - from);
                            }
                            trainer.step();
                        }
                    }
                    seconds += (System.nanoTime() - start) / 1e9;
                    accuracy = accuracy(trainer, testX, testY);
                    System.out.printf("PyTorch peer epoch %d: train loss %.4f, test accuracy %.4f, training time %.1f s%n",
                            epoch, lossSum / n, accuracy, seconds);
                    if (Double.isNaN(reached[0]) && accuracy >= 0.85) {
                        reached[0] = seconds;
                    }
                    if (Double.isNaN(reached[1]) && accuracy >= 0.88) {
                        reached[1] = seconds;
                    }
                }
                double perEpoch = seconds / epochs;
                return String.format("| PyTorch %s (DJL %s) 784-256-128-10 Adam lr 0.001, batch %d, %s threads, %d epochs"
                                + " | %.2f | %.0f | %s | %s | %.1f s | %.4f | | | |",
                        ai.djl.engine.Engine.getEngine("PyTorch").getVersion(), ai.djl.engine.Engine.getDjlVersion(), BATCH,
                        System.getProperty("ai.djl.pytorch.num_threads", "default"), epochs, perEpoch, n / perEpoch,
                        FashionMnistEndToEnd.seconds(reached[0]), FashionMnistEndToEnd.seconds(reached[1]), seconds, accuracy);
            }
        }
    }

    private static double accuracy(Trainer trainer, NDArray x, float[] labels) {
        long[] predicted;
        try (NDArray logits = trainer.evaluate(new NDList(x)).singletonOrThrow(); NDArray argMax = logits.argMax(1)) {
            predicted = argMax.toLongArray();
        }
        int correct = 0;
        for (int i = 0; i < labels.length; i++) {
            correct += predicted[i] == (long) labels[i] ? 1 : 0;
        }
        return (double) correct / labels.length;
    }

    private static void shuffle(long[] order, Random random) {
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            long t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }
}
