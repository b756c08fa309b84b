package io.sparkprop.bench;

import io.sparkprop.core.data.DataBlock;

/**
 * A trainer outside Spark measured in the same invocation as sparkprop (the PyTorch peer, compiled
 * only with the benchmarks' {@code peers} profile). One run: train on {@code train} for
 * {@code epochs}, evaluating on {@code test} after each, and return the result table's row.
 */
public interface PeerTrainer {
    String run(DataBlock train, DataBlock test, int epochs) throws Exception;

    /** The PyTorch peer, or null when this jar was built without the {@code peers} profile. */
    static PeerTrainer pyTorch() throws ReflectiveOperationException {
        try {
            return (PeerTrainer) Class.forName("io.sparkprop.bench.PyTorchPeer").getDeclaredConstructor().newInstance();
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }
}
