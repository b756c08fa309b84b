package io.sparkprop.core.matrix;

import java.util.Arrays;

/**
 * Copies blocks of op(A) and op(B) into contiguous scratch so the micro-kernels stream memory in
 * the order they consume it, whatever the transpose flags and leading dimensions were. Padding is
 * written as zeros, so a kernel may always compute a full tile and keep only the valid part.
 */
final class Packing {
    private Packing() {
    }

    /** Splits total into the fewest blocks of at most max, all of equal size rounded up to a multiple of unit. */
    static int evenBlock(int total, int max, int unit) {
        int blocks = (total + max - 1) / max;
        return roundUp((total + blocks - 1) / blocks, unit);
    }

    static int roundUp(int x, int unit) {
        return (x + unit - 1) / unit * unit;
    }

    /** {@code C[m x n] = beta * C}; beta 0 writes zeros so NaN garbage in C is dropped, beta 1 is a no-op. */
    static void scale(int m, int n, float beta, float[] c, int cOff, int ldc) {
        if (beta == 1f) {
            return;
        }
        for (int i = 0; i < m; i++) {
            int row = cOff + i * ldc;
            if (beta == 0f) {
                Arrays.fill(c, row, row + n, 0f);
            } else {
                for (int j = 0; j < n; j++) {
                    c[row + j] *= beta;
                }
            }
        }
    }

    /**
     * Block op(A)[ic .. ic+mb) x [pc .. pc+kb) into row panels of height mr: element (i, p) goes to
     * {@code ap[(i / mr) * mr * kb + p * mr + i % mr]}, so for each p one panel's mr values are adjacent
     * (the scalars the micro-kernel broadcasts). Rows past mb in the last panel are zero.
     */
    static void packAPanels(boolean transA, float[] a, int aOff, int lda, int ic, int mb, int pc, int kb,
                            int mr, float[] ap) {
        int panels = (mb + mr - 1) / mr;
        for (int q = 0; q < panels; q++) {
            int base = q * mr * kb;
            int rows = Math.min(mr, mb - q * mr);
            if (!transA) {
                for (int r = 0; r < rows; r++) {
                    int src = aOff + (ic + q * mr + r) * lda + pc;
                    for (int p = 0; p < kb; p++) {
                        ap[base + p * mr + r] = a[src + p];
                    }
                }
            } else {
                // A stored [k x m]: op(A)(i, p) = a[p * lda + i]; rows of the panel are contiguous in a.
                for (int p = 0; p < kb; p++) {
                    int src = aOff + (pc + p) * lda + ic + q * mr;
                    int dst = base + p * mr;
                    for (int r = 0; r < rows; r++) {
                        ap[dst + r] = a[src + r];
                    }
                }
            }
            for (int r = rows; r < mr; r++) {
                for (int p = 0; p < kb; p++) {
                    ap[base + p * mr + r] = 0f;
                }
            }
        }
    }

    /**
     * Block op(B)[pc .. pc+kb) x [jc .. jc+nb) into column panels of width nr: element (p, j) goes to
     * {@code bp[(j / nr) * nr * kb + p * nr + j % nr]}, so one k-step of a panel is nr adjacent floats
     * (the vectors the micro-kernel loads). Columns past nb in the last panel are zero.
     */
    static void packBPanels(boolean transB, float[] b, int bOff, int ldb, int pc, int kb, int jc, int nb,
                            int nr, float[] bp) {
        if (transB) {
            packTransposedPanels(b, bOff, ldb, pc, kb, jc, nb, nr, bp);
            return;
        }
        int panels = (nb + nr - 1) / nr;
        for (int q = 0; q < panels; q++) {
            int base = q * nr * kb;
            int cols = Math.min(nr, nb - q * nr);
            for (int p = 0; p < kb; p++) {
                int src = bOff + (pc + p) * ldb + jc + q * nr;
                int dst = base + p * nr;
                for (int j = 0; j < cols; j++) {
                    bp[dst + j] = b[src + j];
                }
                for (int j = cols; j < nr; j++) {
                    bp[dst + j] = 0f;
                }
            }
        }
    }

    /**
     * {@link #packBPanels} for B stored [n x k]: op(B)(p, j) = b[j * ldb + p], a column of the panel
     * contiguous in b; 8 columns at a time (its own method: inside packBPanels C2 compiled the 8-column
     * loop 2x slower).
     */
    private static void packTransposedPanels(float[] b, int bOff, int ldb, int pc, int kb, int jc, int nb,
                                             int nr, float[] bp) {
        int panels = (nb + nr - 1) / nr;
        for (int q = 0; q < panels; q++) {
            int base = q * nr * kb;
            int cols = Math.min(nr, nb - q * nr);
            int j = 0;
            for (; j + 8 <= cols; j += 8) {
                transposeEight(b, bOff + (jc + q * nr + j) * ldb + pc, ldb, kb, bp, base + j, nr);
            }
            for (; j < cols; j++) {
                int src = bOff + (jc + q * nr + j) * ldb + pc;
                for (int p = 0; p < kb; p++) {
                    bp[base + p * nr + j] = b[src + p];
                }
            }
            for (; j < nr; j++) {
                for (int p = 0; p < kb; p++) {
                    bp[base + p * nr + j] = 0f;
                }
            }
        }
    }

    /**
     * {@code t[p * ldt + r] = x[r * ldx + p]} for 8 rows r and p < len: 8 rows of X read side by side,
     * so each k-step writes 8 adjacent floats (one at a time, a column of the panel, was 2x slower).
     */
    private static void transposeEight(float[] x, int src, int ldx, int len, float[] t, int dst, int ldt) {
        for (int p = 0; p < len; p++) {
            int s = src + p;
            int d = dst + p * ldt;
            t[d] = x[s];
            t[d + 1] = x[s + ldx];
            t[d + 2] = x[s + 2 * ldx];
            t[d + 3] = x[s + 3 * ldx];
            t[d + 4] = x[s + 4 * ldx];
            t[d + 5] = x[s + 5 * ldx];
            t[d + 6] = x[s + 6 * ldx];
            t[d + 7] = x[s + 7 * ldx];
        }
    }

    /**
     * Block op(B)[pc .. pc+kb) x [jc .. jc+nb) as separate row arrays: element (p, j) goes to
     * {@code rows[p][j]}, so every access in the plain kernel's inner loop is {@code x[j]}, the only
     * form C2 reliably auto-vectorises. Rows kb .. kbPadded are zero over [0, nb).
     */
    static void packBRows(boolean transB, float[] b, int bOff, int ldb, int pc, int kb, int kbPadded,
                          int jc, int nb, float[][] rows) {
        if (!transB) {
            for (int p = 0; p < kb; p++) {
                System.arraycopy(b, bOff + (pc + p) * ldb + jc, rows[p], 0, nb);
            }
        } else {
            // B stored [n x k]: op(B)(p, j) = b[j * ldb + p]; read each stored row once, scatter down a column.
            for (int j = 0; j < nb; j++) {
                int src = bOff + (jc + j) * ldb + pc;
                for (int p = 0; p < kb; p++) {
                    rows[p][j] = b[src + p];
                }
            }
        }
        for (int p = kb; p < kbPadded; p++) {
            Arrays.fill(rows[p], 0, nb, 0f);
        }
    }
}
