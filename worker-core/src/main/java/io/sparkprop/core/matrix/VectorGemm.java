package io.sparkprop.core.matrix;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API GEMM: cache-blocked, packed, with a register-tiled FMA micro-kernel.
 *
 * <pre>
 * for jc in n step NC:                      B block  op(B)[kc x nc]  packed once, lives in L2/L3
 *   for pc in k step KC:
 *     pack op(B)[pc.., jc..] into NR-wide column panels
 *     for ic in m step MC:                  A block  op(A)[mc x kc]  packed, lives in L2
 *       pack op(A)[ic.., pc..] into MR-high row panels
 *       for jr in nc step NR:               B panel  [kc x NR]       stays in L1 over the ir loop
 *         for ir in mc step MR:                                     (ir outer, jr inner where kc <= SHALLOW_K)
 *           C[MR x NR] += Apanel[MR x kc] * Bpanel[kc x NR]       (micro-kernel)
 * </pre>
 * The micro-kernel keeps the MR x NR tile of C in MR * 2 vector registers (AVX2: 6 x 2 = 12 of the 16
 * registers; AVX-512: 8 x 2 = 16 of the 32; 2 more hold the B row, 1 the broadcast A value) and does
 * one FMA per register per k-step, so each loaded B vector is reused MR times and each broadcast A
 * value twice. With 8-float vectors NR = 16, with 16-float vectors 32; MR = 8 also divides the batch
 * sizes a worker steps on (32, 64, 128), so those have no partial row panels. KC = 256 makes the B panel 256 * 16 * 4 B = 16 KiB (half of L1d) and the A panel
 * 6 KiB; MC = 120 makes the A block 120 KiB, well inside L2. k and m are split into equal blocks
 * (e.g. k = 784 as 4 x 196, not 3 x 256 + 16) so no block is a thin, overhead-dominated remainder.
 * With beta = 0 the first k block stores its sums instead of adding them to a zeroed C (as 0 + sum:
 * the same bits), which saves the pass that zeroed C. Each element of C is summed over k in order,
 * one FMA per k, in blocks fixed by k alone: MR and NR, and so the vector width, never change the
 * bits, and results are bit-for-bit repeatable. A worker's products (up to {@link #BATCH_ROWS} batch
 * rows, on AVX-512) skip most of the packing with the same summation order: the forward product (NT)
 * runs transposed, reading the weights in place ({@link #productNT}); the weight gradient (TN) and the
 * input gradient (NN) read both operands in place ({@link #productTN}, {@link #productNN}).
 */
public final class VectorGemm implements Gemm {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();
    /** 8 rows where there are 32 vector registers (512-bit vectors: AVX-512), 6 where there are 16. */
    private static final int MR = LANES >= 16 ? 8 : 6;
    private static final int NR = 2 * LANES;
    /**
     * The tile of {@link #kernelRows}, which reads its broadcast values from rows of a matrix in place:
     * 4 rows (4 row pointers; 8 made the forward product 5-15 % slower) by 4 vectors.
     */
    private static final int ROWS_MR = 4;
    private static final int ROWS_NR = 4 * LANES;
    /** What a stored tile row is added to: C's row is {@code 0 + sum}, the bits of adding to a zeroed C. */
    private static final float[] ZEROS = new float[ROWS_NR];
    private static final int KC = 256;
    private static final int MC = 120;
    private static final int NC = 2048;
    /**
     * At most this deep (a weight gradient's k is a worker's batch), a tile is too short a computation
     * to hide writing C: the tiles then go along C's rows (each row panel's stores one stream), not
     * down its column panels (a B panel kept in L1).
     */
    private static final int SHALLOW_K = 128;
    /**
     * The most batch rows (NT and NN: m; TN: k) a product is computed with its operands in place for (a
     * worker's batch: X^T's panels, 128 x 196 floats, and Z^T stay in L2). Larger ones (the 512-row
     * validation batches) take the packed path: there packing is a small part of the product, and at
     * 512 x 128 x 256 the transposed NT product measured 1.3x slower.
     */
    private static final int BATCH_ROWS = 128;

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k,
                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc) {
        if (m <= 0 || n <= 0) {
            return;
        }
        if (k <= 0 || beta != 0f) {
            Packing.scale(m, n, beta, c, cOff, ldc);
        }
        if (k <= 0) {
            return;
        }
        if (!transA && transB && MR == 8 && m <= BATCH_ROWS) {
            productNT(m, n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        if (transA && !transB && MR == 8 && k <= BATCH_ROWS) {
            productTN(m, n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        if (!transA && !transB && MR == 8 && m <= BATCH_ROWS) {
            productNN(m, n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        int kc = Packing.evenBlock(k, KC, 1);
        int mc = Packing.evenBlock(m, MC, MR);
        int nc = Math.min(n, NC);
        PackScratch scratch = PackScratch.get();
        float[] ap = scratch.a(Packing.roundUp(mc, MR) * kc);
        float[] bp = scratch.b(Packing.roundUp(nc, NR) * kc);
        float[] tile = scratch.tile(MR * NR);
        for (int jc = 0; jc < n; jc += nc) {
            int nb = Math.min(nc, n - jc);
            for (int pc = 0; pc < k; pc += kc) {
                int kb = Math.min(kc, k - pc);
                Packing.packBPanels(transB, b, bOff, ldb, pc, kb, jc, nb, NR, bp);
                // beta = 0: the first k block stores its sums (as 0 + sum, the same bits), so C is never zeroed first
                boolean store = pc == 0 && beta == 0f;
                for (int ic = 0; ic < m; ic += mc) {
                    int mb = Math.min(mc, m - ic);
                    Packing.packAPanels(transA, a, aOff, lda, ic, mb, pc, kb, MR, ap);
                    int rowPanels = (mb + MR - 1) / MR;
                    int colPanels = (nb + NR - 1) / NR;
                    boolean shallow = kb <= SHALLOW_K;
                    for (int t = 0, tiles = rowPanels * colPanels; t < tiles; t++) {
                        int ir = (shallow ? t / colPanels : t % rowPanels) * MR;
                        int jr = (shallow ? t % colPanels : t / rowPanels) * NR;
                        int mr = Math.min(MR, mb - ir);
                        int nr = Math.min(NR, nb - jr);
                        int ci = cOff + (ic + ir) * ldc + jc + jr;
                        if (mr == MR && nr == NR) {
                            kernel(kb, ap, ir * kb, bp, jr * kb, c, ci, ldc, store);
                        } else {
                            kernelEdge(kb, ap, ir * kb, bp, jr * kb, c, ci, ldc, mr, nr, tile, store);
                        }
                    }
                }
            }
        }
    }

    /**
     * NT, the forward product {@code Z[m x n] = X[m x k] W[n x k]^T}, computed as its transpose
     * {@code Z^T[n x m] = W X^T} into scratch, then copied out. W's rows are read where they are, 4 at
     * a time, as the broadcast operand (each row contiguous in k), so only X^T (m x k, a worker's small
     * batch) is packed into ROWS_NR-wide panels and W (n x k, new after every step) never is: packing
     * W^T was a quarter to a half of the 64 x 256 x 784 product. Used up to {@link #BATCH_ROWS} rows. Each
     * element is still summed over the same k blocks, in order, one FMA per k: the packed path's bits.
     * <pre>
     * for pc in k step KC:
     *   pack X^T[pc.., :] into ROWS_NR-wide column panels           (stays in L2)
     *   for jr in n step 4:                 W rows [4 x kc]           (stay in L1 over the ir loop)
     *     for ir in m step ROWS_NR:
     *       Z^T[4 x ROWS_NR] += Wrows * Xpanel                      (micro-kernel)
     * Z = (Z^T)^T
     * </pre>
     */
    private static void productNT(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                  float beta, float[] c, int cOff, int ldc) {
        int kc = Packing.evenBlock(k, KC, 1);
        int mp = Packing.roundUp(m, ROWS_NR);
        PackScratch scratch = PackScratch.get();
        float[] xp = scratch.b(mp * kc);
        float[] ct = scratch.transposed(n * mp);
        float[] tile = scratch.tile(ROWS_MR * ROWS_NR);
        if (beta != 0f) {
            transpose(m, n, c, cOff, ldc, ct, 0, mp);
        }
        for (int pc = 0; pc < k; pc += kc) {
            int kb = Math.min(kc, k - pc);
            Packing.packBPanels(true, a, aOff, lda, pc, kb, 0, m, ROWS_NR, xp);
            boolean store = pc == 0 && beta == 0f;
            for (int jr = 0; jr < n; jr += ROWS_MR) {
                int rows = Math.min(ROWS_MR, n - jr);
                int w = bOff + jr * ldb + pc;
                for (int ir = 0; ir < mp; ir += ROWS_NR) {
                    int ci = jr * mp + ir;
                    if (rows == ROWS_MR) {
                        kernelRows(kb, b, w, ldb, rows, xp, ir * kb, ROWS_NR, ct, ci, mp, store);
                    } else {
                        kernelRows(kb, b, w, ldb, rows, xp, ir * kb, ROWS_NR, tile, 0, ROWS_NR, true);
                        addTile(tile, ROWS_NR, rows, ROWS_NR, ct, ci, mp, store);
                    }
                }
            }
        }
        transpose(n, m, ct, 0, mp, c, cOff, ldc);
    }

    /**
     * TN, a weight gradient {@code gW[m x n] = D[k x m]^T A[k x n]} with k a worker's batch (at most
     * {@link #BATCH_ROWS}), with nothing packed: for a k-step the 8 broadcast values of a row panel are 8
     * adjacent floats of D's row p, and the 2 B vectors 2 adjacent ones of A's row p, so both operands
     * are read in place with the row stride as the step. Only a partial panel (m or n not a multiple of
     * MR or NR) is packed, zero-padded, and its tile added through scratch. Packing A's 64 x 784 floats
     * into column panels was a tenth of the 256 x 784 x 64 product, and the packed path as a whole ran it
     * 1.2x slower. The tiles go along C's rows (down its column panels measured 0-15 % slower), and stay
     * 8 x 2 vectors: the 4-row tile of {@link #kernelRows} was 10-20 % slower here. Same k blocks, same
     * FMA order: the packed path's bits.
     */
    private static void productTN(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                  float beta, float[] c, int cOff, int ldc) {
        int kc = Packing.evenBlock(k, KC, 1);
        int mFull = m / MR * MR;
        int nFull = n / NR * NR;
        PackScratch scratch = PackScratch.get();
        float[] ap = scratch.a(MR * kc);
        float[] bp = scratch.b(NR * kc);
        float[] tile = scratch.tile(MR * NR);
        for (int pc = 0; pc < k; pc += kc) {
            int kb = Math.min(kc, k - pc);
            boolean store = pc == 0 && beta == 0f;
            if (mFull < m) {
                Packing.packAPanels(true, a, aOff, lda, mFull, m - mFull, pc, kb, MR, ap);
            }
            packColumnEdge(b, bOff, ldb, pc, kb, nFull, n, NR, bp);
            for (int ir = 0; ir < m; ir += MR) {
                boolean fullRows = ir < mFull;
                float[] as = fullRows ? a : ap;
                int ai = fullRows ? aOff + pc * lda + ir : 0;
                int aStep = fullRows ? lda : MR;
                for (int jr = 0; jr < n; jr += NR) {
                    int ci = cOff + ir * ldc + jr;
                    if (fullRows && jr < nFull) {
                        kernel8(kb, a, ai, lda, b, bOff + pc * ldb + jr, ldb, c, ci, ldc, store);
                    } else if (jr < nFull) {
                        kernel8(kb, as, ai, aStep, b, bOff + pc * ldb + jr, ldb, tile, 0, NR, true);
                        addTile(tile, NR, Math.min(MR, m - ir), NR, c, ci, ldc, store);
                    } else {
                        kernel8(kb, as, ai, aStep, bp, 0, NR, tile, 0, NR, true);
                        addTile(tile, NR, Math.min(MR, m - ir), n - jr, c, ci, ldc, store);
                    }
                }
            }
        }
    }

    /**
     * NN, an input gradient {@code D'[m x n] = D[m x k] W[k x n]} of a worker's batch (m at most
     * {@link #BATCH_ROWS}), with nothing packed: the broadcast values are read from 4 rows of D in place
     * (as {@link #productNT} reads W), the 4 B vectors of a k-step from W's row p in place. Only a
     * partial column panel is packed. 1.2-1.4x faster than the packed path at 64 x 256 x 128. Same k
     * blocks, same FMA order: the packed path's bits.
     */
    private static void productNN(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                  float beta, float[] c, int cOff, int ldc) {
        int kc = Packing.evenBlock(k, KC, 1);
        int nFull = n / ROWS_NR * ROWS_NR;
        PackScratch scratch = PackScratch.get();
        float[] bp = scratch.b(ROWS_NR * kc);
        float[] tile = scratch.tile(ROWS_MR * ROWS_NR);
        for (int pc = 0; pc < k; pc += kc) {
            int kb = Math.min(kc, k - pc);
            boolean store = pc == 0 && beta == 0f;
            packColumnEdge(b, bOff, ldb, pc, kb, nFull, n, ROWS_NR, bp);
            for (int ir = 0; ir < m; ir += ROWS_MR) {
                int rows = Math.min(ROWS_MR, m - ir);
                int w = aOff + ir * lda + pc;
                for (int jr = 0; jr < n; jr += ROWS_NR) {
                    int ci = cOff + ir * ldc + jr;
                    boolean fullCols = jr < nFull;
                    float[] bs = fullCols ? b : bp;
                    int bi = fullCols ? bOff + pc * ldb + jr : 0;
                    int bStep = fullCols ? ldb : ROWS_NR;
                    if (rows == ROWS_MR && fullCols) {
                        kernelRows(kb, a, w, lda, rows, b, bi, ldb, c, ci, ldc, store);
                    } else {
                        kernelRows(kb, a, w, lda, rows, bs, bi, bStep, tile, 0, ROWS_NR, true);
                        addTile(tile, ROWS_NR, rows, Math.min(ROWS_NR, n - jr), c, ci, ldc, store);
                    }
                }
            }
        }
    }

    /** B's columns past the last full panel of a product read in place, packed into one zero-padded panel. */
    private static void packColumnEdge(float[] b, int bOff, int ldb, int pc, int kb, int nFull, int n, int width,
                                       float[] bp) {
        if (nFull < n) {
            Packing.packBPanels(false, b, bOff, ldb, pc, kb, nFull, n - nFull, width, bp);
        }
    }

    /**
     * {@code t[j][i] = x[i][j]} for the rows x cols window of X, in 16 x 16 blocks so that both the
     * rows read and the rows written stay in L1.
     */
    private static void transpose(int rows, int cols, float[] x, int xOff, int ldx, float[] t, int tOff, int ldt) {
        for (int ib = 0; ib < rows; ib += 16) {
            int ie = Math.min(rows, ib + 16);
            for (int jb = 0; jb < cols; jb += 16) {
                int je = Math.min(cols, jb + 16);
                for (int i = ib; i < ie; i++) {
                    int row = xOff + i * ldx;
                    for (int j = jb; j < je; j++) {
                        t[tOff + j * ldt + i] = x[row + j];
                    }
                }
            }
        }
    }


    /**
     * {@code C[4 x ROWS_NR] += Wrows * B}: the 4 broadcast values of a k-step are read from 4 rows of W
     * in place ({@code w[w0 + r * ldw + p]}), the 4 B vectors of k-step p from {@code bp[bi + p * bStep]}
     * (a packed panel, or B's row p in place). With fewer than 4 rows left the missing ones repeat the
     * last row; the caller keeps only the valid part. Stores as {@link #kernel8} does.
     */
    private static void kernelRows(int kb, float[] w, int w0, int ldw, int rows, float[] bp, int bi, int bStep,
                                   float[] c, int ci, int ldc, boolean store) {
        int last = rows - 1;
        int r0 = w0;
        int r1 = w0 + Math.min(1, last) * ldw;
        int r2 = w0 + Math.min(2, last) * ldw;
        int r3 = w0 + Math.min(3, last) * ldw;
        FloatVector c00 = FloatVector.zero(SPECIES);
        FloatVector c01 = c00, c02 = c00, c03 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        for (int p = 0; p < kb; p++) {
            FloatVector b0 = FloatVector.fromArray(SPECIES, bp, bi);
            FloatVector b1 = FloatVector.fromArray(SPECIES, bp, bi + LANES);
            FloatVector b2 = FloatVector.fromArray(SPECIES, bp, bi + 2 * LANES);
            FloatVector b3 = FloatVector.fromArray(SPECIES, bp, bi + 3 * LANES);
            FloatVector x = FloatVector.broadcast(SPECIES, w[r0 + p]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            c02 = x.fma(b2, c02);
            c03 = x.fma(b3, c03);
            x = FloatVector.broadcast(SPECIES, w[r1 + p]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            c12 = x.fma(b2, c12);
            c13 = x.fma(b3, c13);
            x = FloatVector.broadcast(SPECIES, w[r2 + p]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            c22 = x.fma(b2, c22);
            c23 = x.fma(b3, c23);
            x = FloatVector.broadcast(SPECIES, w[r3 + p]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            c32 = x.fma(b2, c32);
            c33 = x.fma(b3, c33);
            bi += bStep;
        }
        float[] base = store ? ZEROS : c;
        int from = store ? 0 : ci;
        int step = store ? 0 : ldc;
        FloatVector.fromArray(SPECIES, base, from).add(c00).intoArray(c, ci);
        FloatVector.fromArray(SPECIES, base, from + LANES).add(c01).intoArray(c, ci + LANES);
        FloatVector.fromArray(SPECIES, base, from + 2 * LANES).add(c02).intoArray(c, ci + 2 * LANES);
        FloatVector.fromArray(SPECIES, base, from + 3 * LANES).add(c03).intoArray(c, ci + 3 * LANES);
        FloatVector.fromArray(SPECIES, base, from + step).add(c10).intoArray(c, ci + ldc);
        FloatVector.fromArray(SPECIES, base, from + step + LANES).add(c11).intoArray(c, ci + ldc + LANES);
        FloatVector.fromArray(SPECIES, base, from + step + 2 * LANES).add(c12).intoArray(c, ci + ldc + 2 * LANES);
        FloatVector.fromArray(SPECIES, base, from + step + 3 * LANES).add(c13).intoArray(c, ci + ldc + 3 * LANES);
        FloatVector.fromArray(SPECIES, base, from + 2 * step).add(c20).intoArray(c, ci + 2 * ldc);
        FloatVector.fromArray(SPECIES, base, from + 2 * step + LANES).add(c21).intoArray(c, ci + 2 * ldc + LANES);
        FloatVector.fromArray(SPECIES, base, from + 2 * step + 2 * LANES).add(c22).intoArray(c, ci + 2 * ldc + 2 * LANES);
        FloatVector.fromArray(SPECIES, base, from + 2 * step + 3 * LANES).add(c23).intoArray(c, ci + 2 * ldc + 3 * LANES);
        FloatVector.fromArray(SPECIES, base, from + 3 * step).add(c30).intoArray(c, ci + 3 * ldc);
        FloatVector.fromArray(SPECIES, base, from + 3 * step + LANES).add(c31).intoArray(c, ci + 3 * ldc + LANES);
        FloatVector.fromArray(SPECIES, base, from + 3 * step + 2 * LANES).add(c32).intoArray(c, ci + 3 * ldc + 2 * LANES);
        FloatVector.fromArray(SPECIES, base, from + 3 * step + 3 * LANES).add(c33).intoArray(c, ci + 3 * ldc + 3 * LANES);
    }

    /** Adds (or stores) the first mr x nr of a tile (rows ldt apart) computed as {@code 0 + sum} into C. */
    private static void addTile(float[] tile, int ldt, int mr, int nr, float[] c, int ci, int ldc, boolean store) {
        for (int r = 0; r < mr; r++) {
            int row = ci + r * ldc;
            int t = r * ldt;
            for (int j = 0; j < nr; j++) {
                c[row + j] = store ? tile[t + j] : c[row + j] + tile[t + j];
            }
        }
    }

    /**
     * {@code C[MR x NR] += Apanel * Bpanel} for a full tile, C rows at ci, ci + ldc, ...; {@code store}:
     * C = 0 + sum, read from a row of zeros instead of C (a choice of array, not of vector: C2 boxes
     * vectors that merge from two branches). The rows are written inline, not by a helper taking
     * vectors: a helper C2 does not inline (the 8-row kernel is past its inlining budget) would box
     * every vector it is passed.
     */
    private static void kernel(int kb, float[] ap, int ai, float[] bp, int bi, float[] c, int ci, int ldc, boolean store) {
        if (MR == 8) {
            kernel8(kb, ap, ai, MR, bp, bi, NR, c, ci, ldc, store);
        } else {
            kernel6(kb, ap, ai, bp, bi, c, ci, ldc, store);
        }
    }

    private static void kernel6(int kb, float[] ap, int ai, float[] bp, int bi, float[] c, int ci, int ldc, boolean store) {
        FloatVector c00 = FloatVector.zero(SPECIES);
        FloatVector c01 = c00;
        FloatVector c10 = c00;
        FloatVector c11 = c00;
        FloatVector c20 = c00;
        FloatVector c21 = c00;
        FloatVector c30 = c00;
        FloatVector c31 = c00;
        FloatVector c40 = c00;
        FloatVector c41 = c00;
        FloatVector c50 = c00;
        FloatVector c51 = c00;
        for (int p = 0; p < kb; p++) {
            FloatVector b0 = FloatVector.fromArray(SPECIES, bp, bi);
            FloatVector b1 = FloatVector.fromArray(SPECIES, bp, bi + LANES);
            FloatVector x = FloatVector.broadcast(SPECIES, ap[ai]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(SPECIES, ap[ai + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(SPECIES, ap[ai + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(SPECIES, ap[ai + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(SPECIES, ap[ai + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(SPECIES, ap[ai + 5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            ai += 6;
            bi += NR;
        }
        float[] base = store ? ZEROS : c;
        int from = store ? 0 : ci;
        int step = store ? 0 : ldc;
        FloatVector.fromArray(SPECIES, base, from).add(c00).intoArray(c, ci);
        FloatVector.fromArray(SPECIES, base, from + LANES).add(c01).intoArray(c, ci + LANES);
        FloatVector.fromArray(SPECIES, base, from + step).add(c10).intoArray(c, ci + ldc);
        FloatVector.fromArray(SPECIES, base, from + step + LANES).add(c11).intoArray(c, ci + ldc + LANES);
        FloatVector.fromArray(SPECIES, base, from + 2 * step).add(c20).intoArray(c, ci + 2 * ldc);
        FloatVector.fromArray(SPECIES, base, from + 2 * step + LANES).add(c21).intoArray(c, ci + 2 * ldc + LANES);
        FloatVector.fromArray(SPECIES, base, from + 3 * step).add(c30).intoArray(c, ci + 3 * ldc);
        FloatVector.fromArray(SPECIES, base, from + 3 * step + LANES).add(c31).intoArray(c, ci + 3 * ldc + LANES);
        FloatVector.fromArray(SPECIES, base, from + 4 * step).add(c40).intoArray(c, ci + 4 * ldc);
        FloatVector.fromArray(SPECIES, base, from + 4 * step + LANES).add(c41).intoArray(c, ci + 4 * ldc + LANES);
        FloatVector.fromArray(SPECIES, base, from + 5 * step).add(c50).intoArray(c, ci + 5 * ldc);
        FloatVector.fromArray(SPECIES, base, from + 5 * step + LANES).add(c51).intoArray(c, ci + 5 * ldc + LANES);
    }

    private static void kernel8(int kb, float[] ap, int ai, int aStep, float[] bp, int bi, int bStep,
                                float[] c, int ci, int ldc, boolean store) {
        FloatVector c00 = FloatVector.zero(SPECIES);
        FloatVector c01 = c00;
        FloatVector c10 = c00;
        FloatVector c11 = c00;
        FloatVector c20 = c00;
        FloatVector c21 = c00;
        FloatVector c30 = c00;
        FloatVector c31 = c00;
        FloatVector c40 = c00;
        FloatVector c41 = c00;
        FloatVector c50 = c00;
        FloatVector c51 = c00;
        FloatVector c60 = c00;
        FloatVector c61 = c00;
        FloatVector c70 = c00;
        FloatVector c71 = c00;
        for (int p = 0; p < kb; p++) {
            FloatVector b0 = FloatVector.fromArray(SPECIES, bp, bi);
            FloatVector b1 = FloatVector.fromArray(SPECIES, bp, bi + LANES);
            FloatVector x = FloatVector.broadcast(SPECIES, ap[ai]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(SPECIES, ap[ai + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(SPECIES, ap[ai + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(SPECIES, ap[ai + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(SPECIES, ap[ai + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(SPECIES, ap[ai + 5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(SPECIES, ap[ai + 6]);
            c60 = x.fma(b0, c60);
            c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(SPECIES, ap[ai + 7]);
            c70 = x.fma(b0, c70);
            c71 = x.fma(b1, c71);
            ai += aStep;
            bi += bStep;
        }
        float[] base = store ? ZEROS : c;
        int from = store ? 0 : ci;
        int step = store ? 0 : ldc;
        FloatVector.fromArray(SPECIES, base, from).add(c00).intoArray(c, ci);
        FloatVector.fromArray(SPECIES, base, from + LANES).add(c01).intoArray(c, ci + LANES);
        FloatVector.fromArray(SPECIES, base, from + step).add(c10).intoArray(c, ci + ldc);
        FloatVector.fromArray(SPECIES, base, from + step + LANES).add(c11).intoArray(c, ci + ldc + LANES);
        FloatVector.fromArray(SPECIES, base, from + 2 * step).add(c20).intoArray(c, ci + 2 * ldc);
        FloatVector.fromArray(SPECIES, base, from + 2 * step + LANES).add(c21).intoArray(c, ci + 2 * ldc + LANES);
        FloatVector.fromArray(SPECIES, base, from + 3 * step).add(c30).intoArray(c, ci + 3 * ldc);
        FloatVector.fromArray(SPECIES, base, from + 3 * step + LANES).add(c31).intoArray(c, ci + 3 * ldc + LANES);
        FloatVector.fromArray(SPECIES, base, from + 4 * step).add(c40).intoArray(c, ci + 4 * ldc);
        FloatVector.fromArray(SPECIES, base, from + 4 * step + LANES).add(c41).intoArray(c, ci + 4 * ldc + LANES);
        FloatVector.fromArray(SPECIES, base, from + 5 * step).add(c50).intoArray(c, ci + 5 * ldc);
        FloatVector.fromArray(SPECIES, base, from + 5 * step + LANES).add(c51).intoArray(c, ci + 5 * ldc + LANES);
        FloatVector.fromArray(SPECIES, base, from + 6 * step).add(c60).intoArray(c, ci + 6 * ldc);
        FloatVector.fromArray(SPECIES, base, from + 6 * step + LANES).add(c61).intoArray(c, ci + 6 * ldc + LANES);
        FloatVector.fromArray(SPECIES, base, from + 7 * step).add(c70).intoArray(c, ci + 7 * ldc);
        FloatVector.fromArray(SPECIES, base, from + 7 * step + LANES).add(c71).intoArray(c, ci + 7 * ldc + LANES);
    }

    /**
     * A partial tile (mr < MR rows or nr < NR columns, at the bottom or right edge of C): the packed
     * panels are zero-padded, so compute the full tile into scratch (as 0 + sum) with the same FMA
     * sequence, then add (or store) only the valid mr x nr part.
     */
    private static void kernelEdge(int kb, float[] ap, int ai, float[] bp, int bi, float[] c, int ci, int ldc,
                                   int mr, int nr, float[] tile, boolean store) {
        kernel(kb, ap, ai, bp, bi, tile, 0, NR, true);
        addTile(tile, NR, mr, nr, c, ci, ldc, store);
    }

    @Override
    public String name() {
        return "vector";
    }
}
