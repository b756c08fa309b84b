package io.sparkprop.core.nn;

/**
 * Everything one forward/backward pass writes, allocated once for a network shape and a batch
 * capacity and reused for every batch: per layer l = 1..L, Z_l, A_l and D_l = dL/dZ_l, each
 * [capacity x n_l] row-major, plus the input {@link Batch}. A training pass with {@link Dropout}
 * also writes, per hidden layer l = 1..L-1, the mask M_l and the dropped activations H'_l = A_l * M_l
 * [capacity x n_l]; those are allocated by the first such pass (evaluation never needs them). One
 * workspace per thread.
 */
public final class Workspace {
    final Batch batch;
    final float[][] z;
    final float[][] a;
    final float[][] delta;
    private final ParameterLayout layout;
    private final int capacity;
    /** M_l and H'_l for hidden layers; null until a pass with dropout. */
    float[][] mask;
    float[][] dropped;

    Workspace(ParameterLayout layout, int capacity, int targetWidth) {
        this.layout = layout;
        this.capacity = capacity;
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

    /** Allocates the dropout buffers once; later calls return at once. */
    void ensureDropoutBuffers() {
        if (mask != null) {
            return;
        }
        int layers = layout.layers();
        float[][] m = new float[layers][];
        float[][] d = new float[layers][];
        for (int l = 1; l < layers; l++) {
            m[l] = new float[capacity * layout.width(l)];
            d[l] = new float[capacity * layout.width(l)];
        }
        dropped = d;
        mask = m;
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
