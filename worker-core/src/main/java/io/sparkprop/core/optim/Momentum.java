package io.sparkprop.core.optim;

/**
 * SGD with momentum mu, classical or Nesterov (the convention of PyTorch's SGD):
 * <pre>
 *   v <- mu * v + g
 *   classical: p <- p - lr * v
 *   Nesterov:  p <- p - lr * (g + mu * v)
 * </pre>
 * State: the velocity v [P].
 */
public final class Momentum implements Optimizer {
    private final double mu;
    private final boolean nesterov;
    private final GradientTerms none = GradientTerms.none();
    private float[] velocity;

    public Momentum(double mu, boolean nesterov) {
        OptimizerChecks.checkUnitInterval("momentum", mu);
        this.mu = mu;
        this.nesterov = nesterov;
    }

    public double momentum() {
        return mu;
    }

    public boolean nesterov() {
        return nesterov;
    }

    @Override
    public int stateArrays() {
        return 1;
    }

    @Override
    public String name() {
        return nesterov ? "nesterov" : "momentum";
    }

    @Override
    public void initialize(int parameterCount) {
        velocity = new float[parameterCount];
    }

    @Override
    public void step(float[] params, float[] grad, double lr, long t, ParameterRanges ranges) {
        step(params, grad, none, lr, t, ranges);
    }

    @Override
    public void step(float[] params, float[] gradSum, GradientTerms terms, double lr, long t, ParameterRanges ranges) {
        OptimizerChecks.checkStep(name(), velocity, params, gradSum, lr);
        float m = (float) mu;
        float a = (float) lr;
        for (int j = 0, n = terms.split(ranges); j < n; j++) {
            UpdateKernel.BEST.momentum(params, gradSum, velocity, terms, j, m, a, nesterov);
        }
    }

    @Override
    public void reset() {
        java.util.Arrays.fill(velocity, 0f);
    }

    @Override
    public float[][] state() {
        return new float[][] {velocity.clone()};
    }

    @Override
    public void restoreState(float[][] state) {
        OptimizerChecks.checkState(name(), state, 1, velocity == null ? -1 : velocity.length);
        velocity = state[0].clone();
    }

    @Override
    public void loadState(float[] flat, int offset) {
        OptimizerChecks.checkFlatState(name(), velocity, 1, flat, offset);
        System.arraycopy(flat, offset, velocity, 0, velocity.length);
    }

    @Override
    public void storeState(float[] flat, int offset, float scale) {
        OptimizerChecks.checkFlatState(name(), velocity, 1, flat, offset);
        OptimizerChecks.store(velocity, flat, offset, scale);
    }

    @Override
    public Optimizer copy() {
        return new Momentum(mu, nesterov);
    }
}
