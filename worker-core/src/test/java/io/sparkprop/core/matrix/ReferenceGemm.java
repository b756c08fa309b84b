package io.sparkprop.core.matrix;

/**
 * The textbook triple loop, accumulating in double: the yardstick the fast kernels are compared to.
 * Also returns, per element, {@code sum_p |op(A)[i][p] * op(B)[p][j]| + |beta * C[i][j]|}, the scale
 * that float rounding error is proportional to.
 */
final class ReferenceGemm {
    private ReferenceGemm() {
    }

    /** Returns C as a dense [m x n] double array and fills {@code scale} [m x n]. */
    static double[] gemm(boolean transA, boolean transB, int m, int n, int k,
                         float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                         float beta, float[] c, int cOff, int ldc, double[] scale) {
        double[] out = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                double abs = 0;
                for (int p = 0; p < k; p++) {
                    double av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    double bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    s += av * bv;
                    abs += Math.abs(av * bv);
                }
                if (beta != 0f) {
                    double old = (double) beta * c[cOff + i * ldc + j];
                    s += old;
                    abs += Math.abs(old);
                }
                out[i * n + j] = s;
                scale[i * n + j] = abs;
            }
        }
        return out;
    }
}
