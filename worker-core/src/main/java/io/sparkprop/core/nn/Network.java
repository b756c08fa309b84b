package io.sparkprop.core.nn;

import io.sparkprop.core.matrix.Gemm;
import io.sparkprop.core.matrix.RowOps;
import java.util.Arrays;

/**
 * Forward and backward over a batch of rows for a stack of dense layers, in the flat layout of
 * {@link ParameterLayout}. Stateless apart from its shape: the parameters come in, the gradient goes
 * out, and everything in between lives in a {@link Workspace}.
 *
 * <pre>
 * forward:  A_0 = X [b x n_0]
 *           Z_l = A_{l-1} W_l^T + b_l              [b x n_l]   (gemm NT, then fused bias + f_l)
 *           A_l = f_l(Z_l)
 * loss:     sum_r L_r(A_L, Y)                     (the caller divides by b for the mean)
 * backward: D_L = dL/dZ_L                          (from the loss; p - q for softmax cross-entropy)
 *           gW_l += D_l^T A_{l-1}                 [n_l x n_{l-1}]  (gemm TN)
 *           gb_l += colsum(D_l)                   [n_l]
 *           D_{l-1} = (D_l W_l) * f'_{l-1}(Z_{l-1})  [b x n_{l-1}]  (gemm NN)
 * </pre>
 * A sparse (CSR) input is multiplied directly in layer 1 and never densified. Training may drop
 * hidden units ({@link Dropout}); {@link #forward} and {@link #loss} never do.
 */
public final class Network {
    private final NetworkSpec spec;
    private final ParameterLayout layout;
    private final Activation[] activations;
    private final Loss loss;
    private final Gemm gemm;

    public Network(NetworkSpec spec) {
        this(spec, Gemm.best());
    }

    public Network(NetworkSpec spec, Gemm gemm) {
        this.spec = spec;
        this.layout = spec.layout();
        this.activations = new Activation[spec.layers() + 1];
        for (int l = 1; l <= spec.layers(); l++) {
            activations[l] = Activation.of(spec.activation(l));
        }
        this.loss = Loss.of(spec.loss());
        this.gemm = gemm;
    }

    public NetworkSpec spec() {
        return spec;
    }

    public ParameterLayout layout() {
        return layout;
    }

    public Loss loss() {
        return loss;
    }

    /** A workspace for batches of at most {@code capacity} rows. */
    public Workspace newWorkspace(int capacity) {
        return new Workspace(layout, capacity, spec.targetWidth());
    }

    /** Forward pass over the workspace's batch; the output is {@link Workspace#output()}. */
    public void forward(float[] params, Workspace ws) {
        forward(params, ws, null, 0, 0);
    }

    /**
     * Forward pass; with {@code dropout} (null: none) every hidden layer's A_l is also masked into
     * H'_l = A_l * M_l, which the next layer reads instead of A_l.
     */
    private void forward(float[] params, Workspace ws, Dropout dropout, long step, int partition) {
        layout.checkLength(params, "parameter array");
        Batch batch = ws.batch;
        int rows = batch.rows();
        int layers = layout.layers();
        for (int l = 1; l <= layers; l++) {
            int in = layout.width(l - 1);
            int out = layout.width(l);
            if (l == 1 && batch.isSparse()) {
                batch.sparse().multiplyTransposed(params, layout.weightOffset(1), out, ws.z[1]);
            } else {
                gemm.gemm(false, true, rows, out, in, input(ws, l - 1, dropout != null), 0, in, params,
                        layout.weightOffset(l), in, 0f, ws.z[l], 0, out);
            }
            activations[l].forward(ws.z[l], params, layout.biasOffset(l), ws.a[l], rows, out);
            if (dropout != null && l < layers) {
                float[] m = ws.mask[l];
                float[] h = ws.dropped[l];
                float[] a = ws.a[l];
                dropout.fill(step, partition, batch.rowIds(), rows, l, out, m);
                for (int i = 0, n = rows * out; i < n; i++) {
                    h[i] = a[i] * m[i];
                }
            }
        }
    }

    /** What layer {@code l + 1} reads: X for l = 0, else A_l, or H'_l under dropout. */
    private static float[] input(Workspace ws, int l, boolean dropout) {
        return l == 0 ? ws.batch.dense() : dropout ? ws.dropped[l] : ws.a[l];
    }

    /**
     * One forward and backward pass. Adds the gradient of {@code sum_r w_r L_r} (a sum over the batch,
     * not yet a mean; w_r = 1 for an unweighted batch) into {@code grad} and returns that loss sum.
     */
    public double forwardBackward(float[] params, Workspace ws, float[] grad) {
        return forwardBackward(params, ws, grad, Dropout.NONE, 0, 0);
    }

    /**
     * A training pass with inverted dropout on every hidden layer: as {@link #forwardBackward(float[],
     * Workspace, float[])} for the network whose hidden activations are H'_l = A_l * M_l, the masks
     * drawn for (this step, this partition, each row's {@link Batch#rowIds() identity}). Backward
     * goes through the same masks:
     * <pre>
     *   gW_{l+1} += D_{l+1}^T H'_l                     (H'_l in place of A_l)
     *   D_l = ((D_{l+1} W_{l+1}) * M_l) * f'_l(Z_l)    [b x n_l]
     * </pre>
     * The loss returned is that of the masked network. With a rate of 0 this is the plain pass: no
     * draws, no mask buffers, the same bits.
     *
     * @param step      the global optimizer step (new masks every step)
     * @param partition the partition the batch comes from
     */
    public double forwardBackward(float[] params, Workspace ws, float[] grad, Dropout dropout, long step, int partition) {
        return pass(params, ws, grad, dropout, step, partition, false);
    }

    /**
     * {@link #forwardBackward(float[], Workspace, float[], Dropout, long, int)}, but the gradient sum
     * overwrites {@code grad} instead of adding to it, with the same bits as adding to a zeroed array:
     * the weight-gradient products store their first sums (GEMM beta = 0), so no pass zeroes the P
     * entries first (a sparse first layer's W1 is zeroed, then added to).
     */
    public double gradientSum(float[] params, Workspace ws, float[] grad, Dropout dropout, long step, int partition) {
        return pass(params, ws, grad, dropout, step, partition, true);
    }

    private double pass(float[] params, Workspace ws, float[] grad, Dropout dropout, long step, int partition,
                        boolean overwrite) {
        layout.checkLength(grad, "gradient array");
        int layers = layout.layers();
        boolean drop = dropout.active() && layers > 1;
        if (drop) {
            ws.ensureDropoutBuffers();
        }
        forward(params, ws, drop ? dropout : null, step, partition);
        Batch batch = ws.batch;
        int rows = batch.rows();
        double lossSum = loss.lossAndDelta(activations[layers], ws.z[layers], ws.a[layers], batch.targets(),
                batch.isWeighted() ? batch.weights() : null, ws.delta[layers], rows, layout.outputWidth());
        for (int l = layers; l >= 1; l--) {
            int in = layout.width(l - 1);
            int out = layout.width(l);
            float[] d = ws.delta[l];
            if (l == 1 && batch.isSparse()) {
                if (overwrite) {
                    Arrays.fill(grad, layout.weightOffset(1), layout.weightOffset(1) + in * out, 0f);
                }
                batch.sparse().addTransposedProduct(d, out, grad, layout.weightOffset(1));
            } else {
                gemm.gemm(true, false, out, in, rows, d, 0, out, input(ws, l - 1, drop), 0, in, overwrite ? 0f : 1f, grad,
                        layout.weightOffset(l), in);
            }
            if (overwrite) {
                Arrays.fill(grad, layout.biasOffset(l), layout.biasOffset(l) + out, 0f);
            }
            RowOps.addColumnSums(d, rows, out, grad, layout.biasOffset(l));
            if (l > 1) {
                float[] below = ws.delta[l - 1];
                gemm.gemm(false, false, rows, in, out, d, 0, out, params, layout.weightOffset(l), in,
                        0f, below, 0, in);
                if (drop) {
                    float[] m = ws.mask[l - 1];
                    for (int i = 0, n = rows * in; i < n; i++) {
                        below[i] *= m[i];
                    }
                }
                activations[l - 1].backward(ws.z[l - 1], ws.a[l - 1], below, rows, in);
            }
        }
        return lossSum;
    }

    /** Forward pass and {@code sum_r L_r} for the workspace's batch (evaluation). */
    public double loss(float[] params, Workspace ws) {
        forward(params, ws);
        int layers = layout.layers();
        Batch batch = ws.batch;
        return loss.loss(ws.z[layers], ws.a[layers], batch.targets(), batch.isWeighted() ? batch.weights() : null,
                batch.rows(), layout.outputWidth());
    }
}
