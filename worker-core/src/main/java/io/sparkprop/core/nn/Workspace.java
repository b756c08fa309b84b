package io.sparkprop.core.nn;

/**
 * Everything one forward/backward pass writes, allocated once for a network shape and a batch
 * capacity and reused for every batch: per layer l = 1..L, Z_l, A_l and D_l = dL/dZ_l, each
 * [capacity x n_l] row-major, plus the input {@link Batch}. One workspace per thread.
 */
public final class Workspace {
    final Batch batch;
    final float[][] z;
    final float[][] a;
    final float[][] delta;

    Workspace(ParameterLayout layout, int capacity, int targetWidth) {
        int layers = layout.layers();
        batch = new Batch(capacity, layout.inputWidth(), targetWidth);
        z = new float[layers + 1][];
        a = new float[layers + 1][];
        delta = new float[layers + 1][];
        for (int l = 1; l <= layers; l++) {
            int n = capacity * layout.width(l);
            z[l] = new float[n];
            a[l] = new float[n];
            delta[l] = new float[n];
        }
    }

    /** The input buffer: fill it, then call the network. */
    public Batch batch() {
        return batch;
    }

    /** The network's output A_L [rows x outputs] after the last forward pass. */
    public float[] output() {
        return a[a.length - 1];
    }

    /** The output layer's pre-activations Z_L [rows x outputs] after the last forward pass. */
    public float[] outputLogits() {
        return z[z.length - 1];
    }
}
