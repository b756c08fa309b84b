package io.sparkprop.core.optim;

/**
 * Adam (Kingma and Ba, 2015), with bias correction:
 * <pre>
 *   m <- b1 * m + (1 - b1) * g
 *   v <- b2 * v + (1 - b2) * g^2
 *   m_hat = m / (1 - b1^t),  v_hat = v / (1 - b2^t)
 *   p <- p - lr * m_hat / (sqrt(v_hat) + eps)
 * </pre>
 * State: m [P] and v [P].
 */
public final class Adam implements Optimizer {
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final GradientTerms none = GradientTerms.none();
    private final AdamCoefficients coefficients = new AdamCoefficients();
    private float[] m;
    private float[] v;

    public Adam() {
        this(0.9, 0.999, 1e-8);
    }

    public Adam(double beta1, double beta2, double epsilon) {
        OptimizerChecks.checkUnitInterval("beta1", beta1);
        OptimizerChecks.checkUnitInterval("beta2", beta2);
        if (!(epsilon > 0) || Double.isInfinite(epsilon)) {
            throw new IllegalArgumentException("epsilon must be a positive number, got " + epsilon);
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
    }

    public double beta1() {
        return beta1;
    }

    public double beta2() {
        return beta2;
    }

    public double epsilon() {
        return epsilon;
    }

    @Override
    public int stateArrays() {
        return 2;
    }

    @Override
    public String name() {
        return "adam";
    }

    @Override
    public void initialize(int parameterCount) {
        m = new float[parameterCount];
        v = new float[parameterCount];
    }

    @Override
    public void step(float[] params, float[] grad, double lr, long t, ParameterRanges ranges) {
        step(params, grad, none, lr, t, ranges);
    }

    @Override
    public void step(float[] params, float[] gradSum, GradientTerms terms, double lr, long t, ParameterRanges ranges) {
        OptimizerChecks.checkStep(name(), m, params, gradSum, lr);
        if (t < 1) {
            throw new IllegalArgumentException("Adam step number must be >= 1, got " + t);
        }
        // p -= lr * (m / bc1) / (sqrt(v / bc2) + eps), with the scalars folded once per step
        coefficients.set(beta1, beta2, epsilon, lr, t);
        for (int j = 0, n = terms.split(ranges); j < n; j++) {
            UpdateKernel.BEST.adam(params, gradSum, m, v, terms, j, coefficients);
        }
    }

    @Override
    public void reset() {
        java.util.Arrays.fill(m, 0f);
        java.util.Arrays.fill(v, 0f);
    }

    @Override
    public float[][] state() {
        return new float[][] {m.clone(), v.clone()};
    }

    @Override
    public void restoreState(float[][] state) {
        OptimizerChecks.checkState(name(), state, 2, m == null ? -1 : m.length);
        m = state[0].clone();
        v = state[1].clone();
    }

    @Override
    public void loadState(float[] flat, int offset) {
        OptimizerChecks.checkFlatState(name(), m, 2, flat, offset);
        System.arraycopy(flat, offset, m, 0, m.length);
        System.arraycopy(flat, offset + m.length, v, 0, v.length);
    }

    @Override
    public void storeState(float[] flat, int offset, float scale) {
        OptimizerChecks.checkFlatState(name(), m, 2, flat, offset);
        OptimizerChecks.store(m, flat, offset, scale);
        OptimizerChecks.store(v, flat, offset + m.length, scale);
    }

    @Override
    public Optimizer copy() {
        return new Adam(beta1, beta2, epsilon);
    }
}
