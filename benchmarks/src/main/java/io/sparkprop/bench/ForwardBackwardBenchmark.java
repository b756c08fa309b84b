package io.sparkprop.bench;

import io.sparkprop.core.nn.Network;
import io.sparkprop.core.nn.WeightInit;
import io.sparkprop.core.nn.Workspace;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One forward + backward pass of a 784-256(relu)-128(relu)-10(softmax) network over a dense batch of
 * 512 random examples, single-threaded. Each invocation counts as 512 operations, so the score is
 * examples per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(ForwardBackwardBenchmark.BATCH)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx2g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ForwardBackwardBenchmark {
    static final int BATCH = 512;

    @Param({"vector", "plain"})
    public String kernel;

    private Network network;
    private Workspace ws;
    private float[] params;
    private float[] grad;

    @Setup
    public void setup() {
        network = StepNetwork.of(kernel);
        ws = network.newWorkspace(BATCH);
        SplittableRandom rng = new SplittableRandom(7);
        float[] x = ws.batch().dense();
        for (int i = 0; i < BATCH * 784; i++) {
            x[i] = (float) rng.nextDouble();
        }
        float[] y = ws.batch().targets();
        for (int r = 0; r < BATCH; r++) {
            y[r] = rng.nextInt(10);
        }
        ws.batch().setDense(BATCH);
        params = WeightInit.HE_NORMAL.initialize(network.layout(), 42);
        grad = new float[network.layout().size()];
    }

    @Benchmark
    public double forwardBackward() {
        Arrays.fill(grad, 0f);
        return network.forwardBackward(params, ws, grad);
    }
}
