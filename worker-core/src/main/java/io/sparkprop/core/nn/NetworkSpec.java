package io.sparkprop.core.nn;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What a network is: input width, dense layers (width and activation name) and the loss. Plain values
 * only (names, not objects), so it travels in Spark closures and is written into model.json as is.
 */
public final class NetworkSpec implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int inputWidth;
    private final int[] widths;
    private final String[] activations;
    private final String loss;

    public NetworkSpec(int inputWidth, int[] widths, String[] activations, String loss) {
        if (widths.length == 0) {
            throw new IllegalArgumentException("a network needs at least one layer");
        }
        if (widths.length != activations.length) {
            throw new IllegalArgumentException(widths.length + " layer widths but " + activations.length + " activations");
        }
        this.inputWidth = inputWidth;
        this.widths = widths.clone();
        this.activations = new String[activations.length];
        for (int l = 0; l < activations.length; l++) {
            this.activations[l] = Activation.of(activations[l]).name();
        }
        Loss lossFn = Loss.of(loss);
        this.loss = lossFn.name();
        new ParameterLayout(sizes()); // validates the widths
        lossFn.checkOutputActivation(Activation.of(this.activations[widths.length - 1]));
    }

    /** Starts a spec: {@code NetworkSpec.input(784).dense(256, "relu").dense(10, "softmax").loss("softmax_cross_entropy")}. */
    public static Builder input(int inputWidth) {
        return new Builder(inputWidth);
    }

    public int inputWidth() {
        return inputWidth;
    }

    public int outputWidth() {
        return widths[widths.length - 1];
    }

    public int layers() {
        return widths.length;
    }

    /** Width of layer l, 1-based as in {@link ParameterLayout}. */
    public int width(int l) {
        return widths[l - 1];
    }

    /** Activation name of layer l, 1-based. */
    public String activation(int l) {
        return activations[l - 1];
    }

    public String loss() {
        return loss;
    }

    /** [input, n_1, ..., n_L]. */
    public int[] sizes() {
        int[] s = new int[widths.length + 1];
        s[0] = inputWidth;
        System.arraycopy(widths, 0, s, 1, widths.length);
        return s;
    }

    public ParameterLayout layout() {
        return new ParameterLayout(sizes());
    }

    /** How many target values each example carries (1 class index for softmax cross-entropy). */
    public int targetWidth() {
        return Loss.of(loss).targetWidth(outputWidth());
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof NetworkSpec)) {
            return false;
        }
        NetworkSpec s = (NetworkSpec) o;
        return inputWidth == s.inputWidth && Arrays.equals(widths, s.widths)
                && Arrays.equals(activations, s.activations) && loss.equals(s.loss);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * inputWidth + Arrays.hashCode(widths)) + Arrays.hashCode(activations) + loss.hashCode();
    }

    /** E.g. {@code 784-256(relu)-10(softmax), softmax_cross_entropy}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder().append(inputWidth);
        for (int l = 0; l < widths.length; l++) {
            sb.append('-').append(widths[l]).append('(').append(activations[l]).append(')');
        }
        return sb.append(", ").append(loss).toString();
    }

    public static final class Builder {
        private final int inputWidth;
        private final List<Integer> widths = new ArrayList<>();
        private final List<String> activations = new ArrayList<>();

        private Builder(int inputWidth) {
            this.inputWidth = inputWidth;
        }

        public Builder dense(int width, String activation) {
            widths.add(width);
            activations.add(activation);
            return this;
        }

        public NetworkSpec loss(String loss) {
            return new NetworkSpec(inputWidth, widths.stream().mapToInt(Integer::intValue).toArray(),
                    activations.toArray(new String[0]), loss);
        }
    }
}
