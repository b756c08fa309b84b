package io.sparkprop.bench;

import io.sparkprop.core.matrix.Gemm;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One single-threaded GEMM per op, {@code C[m x n] = op(A)[m x k] op(B)[k x n]}. The shape parameter
 * is {@code CASE-MxNxK}: CASE is the transpose flags of A and B, then m, n, k. GFLOP/s = 2 m n k / time.
 * Every product of one step of a 784-256-128-10 MLP at b = 32, 64, 128 (a worker's batch) and 512:
 * <ul>
 *   <li>NN-512x256x784: the headline, A[512 x 784] B[784 x 256]</li>
 *   <li>NT-*: forward {@code Z[b x out] = A[b x in] W[out x in]^T}</li>
 *   <li>TN-*: weight gradient {@code gW[out x in] += D[b x out]^T A[b x in]} (beta = 1)</li>
 *   <li>NN-bx256x128, NN-bx128x10: input gradient {@code D'[b x in] = D[b x out] W[out x in]}</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx2g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class GemmBenchmark {
    @Param({"vector", "plain"})
    public String kernel;

    @Param({"NN-512x256x784",
            "NT-32x256x784", "NT-32x128x256", "NT-32x10x128",
            "TN-256x784x32", "TN-128x256x32", "TN-10x128x32",
            "NN-32x256x128", "NN-32x128x10",
            "NT-64x256x784", "NT-64x128x256", "NT-64x10x128",
            "TN-256x784x64", "TN-128x256x64", "TN-10x128x64",
            "NN-64x256x128", "NN-64x128x10",
            "NT-128x256x784", "NT-128x128x256", "NT-128x10x128",
            "TN-256x784x128", "TN-128x256x128", "TN-10x128x128",
            "NN-128x256x128", "NN-128x128x10",
            "NT-512x256x784", "NT-512x128x256", "NT-512x10x128",
            "TN-256x784x512", "TN-128x256x512", "TN-10x128x512",
            "NN-512x256x128", "NN-512x128x10"})
    public String shape;

    private Gemm gemm;
    private boolean transA;
    private boolean transB;
    private int m;
    private int n;
    private int k;
    private float beta;
    private float[] a;
    private float[] b;
    private float[] c;

    @Setup
    public void setup() {
        gemm = StepNetwork.kernel(kernel);
        transA = shape.charAt(0) == 'T';
        transB = shape.charAt(1) == 'T';
        String[] dims = shape.substring(3).split("x");
        m = Integer.parseInt(dims[0]);
        n = Integer.parseInt(dims[1]);
        k = Integer.parseInt(dims[2]);
        beta = transA ? 1f : 0f;
        SplittableRandom rng = new SplittableRandom(42);
        a = random(rng, m * k);
        b = random(rng, k * n);
        c = new float[m * n];
    }

    private static float[] random(SplittableRandom rng, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = (float) (rng.nextDouble() - 0.5);
        }
        return x;
    }

    @Benchmark
    public float[] gemm() {
        gemm.gemm(transA, transB, m, n, k, a, 0, transA ? m : k, b, 0, transB ? k : n, beta, c, 0, n);
        return c;
    }
}
