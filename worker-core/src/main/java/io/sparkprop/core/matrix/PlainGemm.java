package io.sparkprop.core.matrix;

/**
 * Plain-Java GEMM, written so that C2 auto-vectorises the inner loop (no Vector API needed).
 *
 * <pre>
 * for jc in n step NC:
 *   for pc in k step KC:
 *     pack op(B)[kc x nc] into kc separate row arrays Bp[p][j] (zero rows pad kc to a multiple of 4)
 *     for i in m:
 *       row[j] = C[i][jc + j]                                      (copy in)
 *       for p in kc step 4:
 *         for j in nc:  row[j] += sum_{q<4} op(A)[i][pc+p+q] * Bp[p+q][j]
 *       C[i][jc + j] = row[j]                                      (copy out)
 * </pre>
 * On JDK 17 C2 vectorises the j loop only if every array in it is indexed by j alone (two accesses
 * with different loop-invariant offsets count as possibly overlapping and stop it) and the body is
 * small enough to be unrolled; hence the C row is copied to a scratch row, B is packed as separate
 * row arrays, and the body does 4 k-steps for one row: per 8 columns 4 B loads and one C load/store
 * feed 4 multiply-adds, a quarter of the C traffic of a one-k-step axpy. KC = 128 and NC = 256 keep
 * the packed B block at 128 * 256 * 4 B = 128 KiB, re-read from L2 for every row of A, and the C row
 * copy (2 * NC floats per 4 * KC * NC flops) negligible; measured on Zen 3 against 32-64 x 128-256,
 * this was the fastest on the 512 x 784 x 256 product (narrow n such as 10 stays scalar-bound).
 * Summation order depends only on the shapes, so results are bit-for-bit repeatable.
 */
public final class PlainGemm implements Gemm {
    private static final int KC = 128;
    private static final int NC = 256;

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k,
                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc) {
        if (m <= 0 || n <= 0) {
            return;
        }
        Packing.scale(m, n, beta, c, cOff, ldc);
        if (k <= 0) {
            return;
        }
        int kc = Packing.evenBlock(k, KC, 4);
        int nc = Packing.evenBlock(n, NC, 1);
        PackScratch scratch = PackScratch.get();
        float[][] bRows = scratch.rows(kc, nc);
        float[] row = scratch.row(nc);
        for (int jc = 0; jc < n; jc += nc) {
            int nb = Math.min(nc, n - jc);
            for (int pc = 0; pc < k; pc += kc) {
                int kb = Math.min(kc, k - pc);
                int kbPadded = Packing.roundUp(kb, 4);
                Packing.packBRows(transB, b, bOff, ldb, pc, kb, kbPadded, jc, nb, bRows);
                for (int i = 0; i < m; i++) {
                    int ci = cOff + i * ldc + jc;
                    System.arraycopy(c, ci, row, 0, nb);
                    for (int p = 0; p < kbPadded; p += 4) {
                        int kp = pc + p;
                        int left = kb - p;
                        axpy4(row, nb,
                                at(transA, a, aOff, lda, i, kp, left), bRows[p],
                                at(transA, a, aOff, lda, i, kp + 1, left - 1), bRows[p + 1],
                                at(transA, a, aOff, lda, i, kp + 2, left - 2), bRows[p + 2],
                                at(transA, a, aOff, lda, i, kp + 3, left - 3), bRows[p + 3]);
                    }
                    System.arraycopy(row, 0, c, ci, nb);
                }
            }
        }
    }

    /** {@code row[j] += a0 b0[j] + a1 b1[j] + a2 b2[j] + a3 b3[j]} for j < nb: the vectorised loop. */
    private static void axpy4(float[] row, int nb, float a0, float[] b0, float a1, float[] b1,
                              float a2, float[] b2, float a3, float[] b3) {
        for (int j = 0; j < nb; j++) {
            row[j] += a0 * b0[j] + a1 * b1[j] + a2 * b2[j] + a3 * b3[j];
        }
    }

    /** op(A)(i, p), or 0 when {@code left <= 0} (p is in the zero padding past the k block). */
    private static float at(boolean transA, float[] a, int aOff, int lda, int i, int p, int left) {
        if (left <= 0) {
            return 0f;
        }
        return transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
    }

    @Override
    public String name() {
        return "plain";
    }
}
