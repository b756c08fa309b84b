package io.sparkprop.bench;

import io.sparkprop.core.matrix.Gemm;
import io.sparkprop.core.matrix.PlainGemm;
import io.sparkprop.core.matrix.VectorGemm;
import io.sparkprop.core.nn.Network;
import io.sparkprop.core.nn.NetworkSpec;

/** The network the step benchmarks measure: 784-256(relu)-128(relu)-10(softmax), cross-entropy, on a named kernel. */
final class StepNetwork {
    private StepNetwork() {
    }

    /** The GEMM kernel a benchmark's {@code kernel} parameter names: "plain" (plain Java) or "vector" (Vector API). */
    static Gemm kernel(String name) {
        return "plain".equals(name) ? new PlainGemm() : new VectorGemm();
    }

    static Network of(String kernel) {
        NetworkSpec spec = NetworkSpec.input(784).dense(256, "relu").dense(128, "relu").dense(10, "softmax")
                .loss("softmax_cross_entropy");
        return new Network(spec, kernel(kernel));
    }
}
