package io.sparkprop.core.matrix;

/**
 * Per-thread packing buffers for the GEMM kernels. Each thread gets its own, so kernels are safe to
 * call concurrently; a buffer is replaced only when a call needs more room than it has, so after the
 * first call of the largest shape nothing is allocated. The buffers hold no state between calls.
 */
final class PackScratch {
    private static final ThreadLocal<PackScratch> LOCAL = ThreadLocal.withInitial(PackScratch::new);

    private float[] a = new float[0];
    private float[] b = new float[0];
    private float[] tile = new float[0];
    private float[][] rows = new float[0][];
    private float[] row = new float[0];
    private float[] transposed = new float[0];

    private PackScratch() {
    }

    static PackScratch get() {
        return LOCAL.get();
    }

    float[] a(int size) {
        if (a.length < size) {
            a = new float[size];
        }
        return a;
    }

    float[] b(int size) {
        if (b.length < size) {
            b = new float[size];
        }
        return b;
    }

    /** At least count separate rows of at least width floats each. */
    float[][] rows(int count, int width) {
        if (rows.length < count || rows[0].length < width) {
            rows = new float[Math.max(count, rows.length)][width];
        }
        return rows;
    }

    float[] row(int width) {
        if (row.length < width) {
            row = new float[width];
        }
        return row;
    }

    /** C^T of a product computed with its operands swapped. */
    float[] transposed(int size) {
        if (transposed.length < size) {
            transposed = new float[size];
        }
        return transposed;
    }

    float[] tile(int size) {
        if (tile.length < size) {
            tile = new float[size];
        }
        return tile;
    }
}
