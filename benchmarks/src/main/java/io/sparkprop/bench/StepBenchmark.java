package io.sparkprop.bench;

import io.sparkprop.core.data.DataBlock;
import io.sparkprop.core.data.EpochOrder;
import io.sparkprop.core.nn.Dropout;
import io.sparkprop.core.nn.Network;
import io.sparkprop.core.nn.WeightInit;
import io.sparkprop.core.nn.Workspace;
import io.sparkprop.core.optim.Adam;
import io.sparkprop.core.optim.ConstantRate;
import io.sparkprop.core.optim.ParameterRanges;
import io.sparkprop.core.optim.UpdateRule;
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
 * One worker's local step on a 784-256(relu)-128(relu)-10(softmax) network (P = 235,146), Adam,
 * single-threaded, as {@code LocalSteps} runs it on an executor, and its parts:
 * <ul>
 *   <li>{@code gather}: copy the next rows of a shuffled 8192-row block into the batch;</li>
 *   <li>{@code forward}: the forward pass alone (backward = forwardBackward - forward);</li>
 *   <li>{@code forwardBackward}: the gradient sum over {@code rows} rows (written, not added: no zeroing pass);</li>
 *   <li>{@code update}: Adam's fused update of all P parameters from that sum (mean, step, moments);</li>
 *   <li>{@code step}: the whole step: gather the next rows of a shuffled 8192-row block, forward,
 *       backward, update.</li>
 * </ul>
 * GFLOP/s of forward + backward, as the issue counts it: 6 * rows * 234,752 weights / time.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx2g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class StepBenchmark {
    private static final int BLOCK_ROWS = 8192;

    @Param({"32", "64", "128", "512"})
    public int rows;

    @Param({"vector"})
    public String kernel;

    private Network network;
    private Workspace ws;
    private DataBlock block;
    private int[] order;
    private int position;
    private float[] params;
    private float[] grad;
    private UpdateRule rule;
    private ParameterRanges all;

    @Setup
    public void setup() {
        network = StepNetwork.of(kernel);
        ws = network.newWorkspace(rows);
        SplittableRandom rng = new SplittableRandom(7);
        float[] x = new float[BLOCK_ROWS * 784];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextDouble();
        }
        float[] y = new float[BLOCK_ROWS];
        for (int r = 0; r < BLOCK_ROWS; r++) {
            y[r] = rng.nextInt(10);
        }
        block = DataBlock.dense(BLOCK_ROWS, 784, x, 1, y);
        order = new int[BLOCK_ROWS];
        EpochOrder.shuffle(order, BLOCK_ROWS, 1, 0, 0);
        params = WeightInit.HE_NORMAL.initialize(network.layout(), 42);
        grad = new float[network.layout().size()];
        rule = new UpdateRule(new Adam(), new ConstantRate(1e-3), 0, 0, network.layout().weightRanges(),
                network.layout().size());
        all = ParameterRanges.all(network.layout().size());
        block.gather(order, 0, rows, ws.batch());
        network.gradientSum(params, ws, grad, Dropout.NONE, 0, 0);
    }

    @Benchmark
    public float[] gather() {
        if (position + rows > BLOCK_ROWS) {
            position = 0;
        }
        block.gather(order, position, position + rows, ws.batch());
        position += rows;
        return ws.batch().dense();
    }

    @Benchmark
    public float[] forward() {
        network.forward(params, ws);
        return ws.output();
    }

    @Benchmark
    public double forwardBackward() {
        return network.gradientSum(params, ws, grad, Dropout.NONE, 0, 0);
    }

    @Benchmark
    public float[] update() {
        rule.applySum(params, grad, rows, all);
        return params;
    }

    @Benchmark
    public double step() {
        gather();
        double loss = network.gradientSum(params, ws, grad, Dropout.NONE, 0, 0);
        rule.applySum(params, grad, rows, all);
        return loss;
    }
}
