package io.sparkprop.core.nn;

import java.util.List;
import java.util.Locale;

/**
 * A loss over the network's output. Per example r it is a number L_r; a batch's loss and gradient are
 * the mean over its examples, which the caller forms from the sums returned here (so partial sums
 * from many partitions can be added first and divided once). With row weights w [rows] the sums are
 * {@code sum_r w_r L_r} and the deltas {@code w_r dL_r/dZ[r]} (the caller divides by {@code sum_r w_r});
 * {@code weights == null} means every w_r = 1, computed exactly as without weights.
 *
 * <p>Targets are stored row-major [rows x targetWidth(outputs)]: a class index per row for
 * {@link SoftmaxCrossEntropy}, one value per output otherwise.
 */
public interface Loss {

    /** The name used in configuration and in model.json. */
    String name();

    /** How many target values each example carries for a network with this many outputs. */
    int targetWidth(int outputs);

    /** Throws {@link IllegalArgumentException} if this loss cannot follow the given output activation. */
    void checkOutputActivation(Activation output);

    /**
     * Loss and output delta for a batch. In: Z and A = f(Z) of the output layer [rows x outputs],
     * targets [rows x targetWidth], weights [rows] or null. Out: {@code delta[r][j] = w_r dL_r / dZ[r][j]}
     * [rows x outputs].
     *
     * @return {@code sum_r w_r L_r}
     */
    double lossAndDelta(Activation output, float[] z, float[] a, float[] targets, float[] weights,
                        float[] delta, int rows, int outputs);

    /** {@code sum_r w_r L_r} only, for evaluation; weights null for all 1. */
    double loss(float[] z, float[] a, float[] targets, float[] weights, int rows, int outputs);

    /** The names {@link #of(String)} accepts. */
    List<String> NAMES = List.of("mse", "softmax_cross_entropy", "sigmoid_binary_cross_entropy");

    static Loss of(String name) {
        switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "mse":
                return new SquaredError();
            case "softmax_cross_entropy":
            case "cross_entropy":
                return new SoftmaxCrossEntropy();
            case "sigmoid_binary_cross_entropy":
            case "binary_cross_entropy":
                return new SigmoidBinaryCrossEntropy();
            default:
                throw new IllegalArgumentException("unknown loss '" + name + "': expected one of " + NAMES);
        }
    }
}
