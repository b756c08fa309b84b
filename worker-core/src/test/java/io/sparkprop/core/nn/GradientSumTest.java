package io.sparkprop.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.sparkprop.core.matrix.CsrMatrix;
import io.sparkprop.core.matrix.Gemm;
import io.sparkprop.core.matrix.PlainGemm;
import io.sparkprop.core.matrix.VectorGemm;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link Network#gradientSum} (overwrites the gradient, no zeroing pass) against
 * {@link Network#forwardBackward} into a zeroed array: the same bits, whatever the array held before
 * (NaN here), for dense and sparse input, batches that are and are not a multiple of the kernels'
 * tile height, with and without dropout, on both kernels.
 */
class GradientSumTest {
    private static final NetworkSpec SPEC = NetworkSpec.input(37).dense(20, "relu").dense(13, "tanh").dense(3, "softmax")
            .loss("softmax_cross_entropy");

    private static void fill(Batch b, int rows, boolean sparse, SplittableRandom rng) {
        int cols = b.inputWidth();
        float[] x = new float[rows * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = rng.nextInt(3) == 0 ? (float) rng.nextGaussian() : 0f;
        }
        for (int r = 0; r < rows; r++) {
            b.targets()[r] = rng.nextInt(3);
        }
        if (!sparse) {
            System.arraycopy(x, 0, b.dense(), 0, x.length);
            b.setDense(rows);
            return;
        }
        int[] indptr = new int[rows + 1];
        int[] indices = new int[x.length];
        float[] values = new float[x.length];
        int nnz = 0;
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                if (x[r * cols + c] != 0f) {
                    indices[nnz] = c;
                    values[nnz++] = x[r * cols + c];
                }
            }
            indptr[r + 1] = nnz;
        }
        CsrMatrix src = new CsrMatrix(rows, cols, indptr, indices, values);
        b.sparse().clear();
        for (int r = 0; r < rows; r++) {
            b.sparse().appendRow(src, r);
        }
        b.setSparse();
    }

    @Test
    void overwritingGivesTheBitsOfAddingIntoZeros() {
        for (Gemm gemm : new Gemm[] {new VectorGemm(), new PlainGemm()}) {
            Network net = new Network(SPEC, gemm);
            float[] params = WeightInit.HE_NORMAL.initialize(net.layout(), 3);
            Workspace ws = net.newWorkspace(70);
            for (boolean sparse : new boolean[] {false, true}) {
                for (int rows : new int[] {1, 7, 64, 70}) {
                    for (Dropout dropout : new Dropout[] {Dropout.NONE, new Dropout(0.3, 11)}) {
                        fill(ws.batch(), rows, sparse, new SplittableRandom(rows));
                        float[] added = new float[net.layout().size()];
                        double lossAdded = net.forwardBackward(params, ws, added, dropout, 5, 2);
                        float[] written = new float[net.layout().size()];
                        Arrays.fill(written, Float.NaN);
                        double lossWritten = net.gradientSum(params, ws, written, dropout, 5, 2);
                        String what = gemm.name() + (sparse ? " sparse " : " dense ") + rows + " rows, dropout "
                                + dropout.active();
                        assertEquals(lossAdded, lossWritten, 0, what + " loss");
                        for (int i = 0; i < added.length; i++) {
                            if (Float.floatToRawIntBits(added[i]) != Float.floatToRawIntBits(written[i])) {
                                fail(what + ": gradient entry " + i + " is " + written[i] + ", expected " + added[i]);
                            }
                        }
                    }
                }
            }
        }
    }
}
