package io.sparkprop.core.optim;

/** Plain stochastic gradient descent: {@code p <- p - lr * g}. No state. */
public final class Sgd implements Optimizer {
    private final GradientTerms none = GradientTerms.none();
    /** The size given to {@link #initialize(int)}; -1 before. */
    private int parameterCount = -1;

    @Override
    public int stateArrays() {
        return 0;
    }

    @Override
    public String name() {
        return "sgd";
    }

    @Override
    public void initialize(int parameterCount) {
        this.parameterCount = parameterCount;
    }

    @Override
    public void step(float[] params, float[] grad, double lr, long t, ParameterRanges ranges) {
        step(params, grad, none, lr, t, ranges);
    }

    @Override
    public void step(float[] params, float[] gradSum, GradientTerms terms, double lr, long t, ParameterRanges ranges) {
        OptimizerChecks.checkStep(name(), parameterCount, params, gradSum, lr);
        float a = (float) lr;
        for (int j = 0, n = terms.split(ranges); j < n; j++) {
            UpdateKernel.BEST.sgd(params, gradSum, terms, j, a);
        }
    }

    @Override
    public void reset() {
        // SGD keeps no state.
    }

    @Override
    public float[][] state() {
        return new float[0][];
    }

    @Override
    public void restoreState(float[][] state) {
        OptimizerChecks.checkState(name(), state, 0, 0);
    }

    @Override
    public void loadState(float[] flat, int offset) {
        // no state
    }

    @Override
    public void storeState(float[] flat, int offset, float scale) {
        // no state
    }

    @Override
    public Optimizer copy() {
        return new Sgd();
    }
}
