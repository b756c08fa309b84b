package io.sparkprop.core.nn;

import java.util.List;
import java.util.Locale;

/**
 * An activation function applied to a layer's pre-activations Z[rows x cols] (row-major, offset 0).
 * Most act element by element; {@link Softmax} acts on each row.
 */
public interface Activation {

    /** The name used in configuration and in model.json. */
    String name();

    /**
     * Fused bias-add and activation: {@code Z[r][c] += bias[bOff + c]; A[r][c] = f(Z)[r][c]}.
     * Z keeps the biased values because backward needs them.
     */
    void forward(float[] z, float[] bias, int bOff, float[] a, int rows, int cols);

    /**
     * Backward through f: given G = dL/dA [rows x cols] in {@code delta}, overwrite it with
     * dL/dZ. For element-wise f this is {@code G * f'(Z)}; Z and A = f(Z) are both available so each
     * function uses whichever is cheaper.
     */
    void backward(float[] z, float[] a, float[] delta, int rows, int cols);

    /** The names {@link #of(String)} accepts. */
    List<String> NAMES = List.of("identity", "sigmoid", "tanh", "relu", "leaky_relu", "softmax");

    /**
     * The activation with this name; {@code leaky_relu} has slope 0.01 for negative inputs, and
     * {@code leaky_relu(0.2)} sets another slope.
     */
    static Activation of(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        switch (n) {
            case "identity":
            case "linear":
                return new Identity();
            case "sigmoid":
                return new Sigmoid();
            case "tanh":
                return new Tanh();
            case "relu":
                return new Relu();
            case "leaky_relu":
            case "leakyrelu":
                return new LeakyRelu(0.01f);
            case "softmax":
                return new Softmax();
            default:
                if (n.startsWith("leaky_relu(") && n.endsWith(")")) {
                    String slope = n.substring("leaky_relu(".length(), n.length() - 1);
                    try {
                        return new LeakyRelu(Float.parseFloat(slope));
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("leaky_relu slope must be a number, got '" + slope + "'");
                    }
                }
                throw new IllegalArgumentException("unknown activation '" + name + "': expected one of " + NAMES);
        }
    }
}
