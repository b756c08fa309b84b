package io.sparkprop.core.matrix;

/**
 * General matrix multiply over row-major {@code float} arrays: the one product every layer needs.
 *
 * <pre>
 *   C[m x n] = op(A)[m x k] * op(B)[k x n] + beta * C
 *   op(X) = X      when the flag is false: X is stored [rows x cols] with row stride ld
 *   op(X) = X^T    when the flag is true:  X is stored transposed, i.e. A as [k x m], B as [n x k]
 * </pre>
 *
 * Element (i, j) of a stored matrix X lives at {@code x[xOff + i * ldx + j]}. Transposes are never
 * materialised. Backprop uses three of the four cases:
 * <ul>
 *   <li>NT, forward: {@code Z[b x out] = A[b x in] * W[out x in]^T}</li>
 *   <li>TN, weight gradient: {@code gW[out x in] += D[b x out]^T * A[b x in]}</li>
 *   <li>NN, input gradient: {@code D'[b x in] = D[b x out] * W[out x in]}</li>
 * </ul>
 * {@code beta} is 0 (overwrite; C's old contents, even NaN, are ignored) or 1 (accumulate); other
 * values scale C first. Implementations allocate nothing per call once warmed up and are safe to
 * call from several threads at once.
 */
public interface Gemm {

    void gemm(boolean transA, boolean transB, int m, int n, int k,
              float[] a, int aOff, int lda,
              float[] b, int bOff, int ldb,
              float beta,
              float[] c, int cOff, int ldc);

    /** A short name for logs and benchmarks, e.g. {@code "vector"} or {@code "plain"}. */
    String name();

    /**
     * The fastest kernel this JVM can run: the Vector API kernel when the {@code jdk.incubator.vector}
     * module is present (every Spark JVM adds it), otherwise the plain-Java kernel.
     * The system property {@code sparkprop.gemm=plain|vector} forces one.
     */
    static Gemm best() {
        return GemmSelection.BEST;
    }
}
