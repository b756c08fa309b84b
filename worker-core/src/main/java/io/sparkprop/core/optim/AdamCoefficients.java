package io.sparkprop.core.optim;

/**
 * Adam's scalars for one step t, folded once per step (one instance per optimizer, reset every step):
 * <pre>
 *   m <- b1 m + c1 g,  v <- b2 v + c2 g^2          c1 = 1 - b1, c2 = 1 - b2
 *   p <- p - stepSize m / (sqrt(v) invSqrtBc2 + eps)   stepSize = lr / (1 - b1^t), invSqrtBc2 = 1 / sqrt(1 - b2^t)
 * </pre>
 */
final class AdamCoefficients {
    float b1;
    float c1;
    float b2;
    float c2;
    float stepSize;
    float invSqrtBc2;
    float eps;

    void set(double beta1, double beta2, double epsilon, double lr, long t) {
        b1 = (float) beta1;
        b2 = (float) beta2;
        c1 = (float) (1 - beta1);
        c2 = (float) (1 - beta2);
        stepSize = (float) (lr / (1 - Math.pow(beta1, t)));
        invSqrtBc2 = (float) (1 / Math.sqrt(1 - Math.pow(beta2, t)));
        eps = (float) epsilon;
    }
}
