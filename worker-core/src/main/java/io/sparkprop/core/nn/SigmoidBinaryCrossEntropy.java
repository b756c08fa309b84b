package io.sparkprop.core.nn;

/**
 * Sigmoid binary cross-entropy per output, targets y in [0, 1]:
 * {@code L_r = sum_j -(y log p + (1 - y) log(1 - p))} with p = sigmoid(z), computed from the logit as
 * {@code max(z, 0) - y z + log(1 + e^-|z|)} so it stays finite; {@code dL_r/dz = p - y}.
 * The output activation must be sigmoid.
 */
public final class SigmoidBinaryCrossEntropy implements Loss {
    @Override
    public String name() {
        return "sigmoid_binary_cross_entropy";
    }

    @Override
    public int targetWidth(int outputs) {
        return outputs;
    }

    @Override
    public void checkOutputActivation(Activation output) {
        if (!(output instanceof Sigmoid)) {
            throw new IllegalArgumentException("sigmoid_binary_cross_entropy needs a sigmoid output layer, got " + output.name());
        }
    }

    @Override
    public double lossAndDelta(Activation output, float[] z, float[] a, float[] targets, float[] weights,
                               float[] delta, int rows, int outputs) {
        int n = rows * outputs;
        for (int i = 0; i < n; i++) {
            delta[i] = a[i] - targets[i];
        }
        if (weights != null) {
            for (int i = 0; i < n; i++) {
                delta[i] *= weights[i / outputs];
            }
        }
        return loss(z, a, targets, weights, rows, outputs);
    }

    @Override
    public double loss(float[] z, float[] a, float[] targets, float[] weights, int rows, int outputs) {
        int n = rows * outputs;
        double sum = 0;
        if (weights == null) {
            for (int i = 0; i < n; i++) {
                sum += outputLoss(z[i], targets[i]);
            }
            return sum;
        }
        for (int r = 0; r < rows; r++) {
            double rowSum = 0;
            for (int i = r * outputs; i < (r + 1) * outputs; i++) {
                rowSum += outputLoss(z[i], targets[i]);
            }
            sum += weights[r] * rowSum;
        }
        return sum;
    }

    /** One output's loss from its logit x and target y. */
    private static double outputLoss(double x, float y) {
        return Math.max(x, 0) - y * x + Math.log1p(Math.exp(-Math.abs(x)));
    }
}
