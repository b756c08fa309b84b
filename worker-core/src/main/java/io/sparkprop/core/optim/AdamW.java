package io.sparkprop.core.optim;

/**
 * AdamW (Loshchilov and Hutter, 2019): Adam with weight decay decoupled from the gradient. The Adam
 * step is {@link Adam}'s; {@link UpdateRule} sees {@link #decoupledWeightDecay()} and, instead of
 * adding lambda * W to the gradient, applies {@code W <- W - lr * lambda * W} to the weights
 * (never the biases) before the Adam step.
 */
public final class AdamW implements Optimizer {
    private final Adam adam;

    public AdamW() {
        this(0.9, 0.999, 1e-8);
    }

    public AdamW(double beta1, double beta2, double epsilon) {
        this.adam = new Adam(beta1, beta2, epsilon);
    }

    @Override
    public int stateArrays() {
        return adam.stateArrays();
    }

    @Override
    public String name() {
        return "adamw";
    }

    @Override
    public boolean decoupledWeightDecay() {
        return true;
    }

    @Override
    public void initialize(int parameterCount) {
        adam.initialize(parameterCount);
    }

    @Override
    public void step(float[] params, float[] grad, double lr, long t, ParameterRanges ranges) {
        adam.step(params, grad, lr, t, ranges);
    }

    @Override
    public void step(float[] params, float[] gradSum, GradientTerms terms, double lr, long t, ParameterRanges ranges) {
        adam.step(params, gradSum, terms, lr, t, ranges);
    }

    @Override
    public void reset() {
        adam.reset();
    }

    @Override
    public float[][] state() {
        return adam.state();
    }

    @Override
    public void restoreState(float[][] state) {
        adam.restoreState(state);
    }

    @Override
    public void loadState(float[] flat, int offset) {
        adam.loadState(flat, offset);
    }

    @Override
    public void storeState(float[] flat, int offset, float scale) {
        adam.storeState(flat, offset, scale);
    }

    @Override
    public Optimizer copy() {
        return new AdamW(adam.beta1(), adam.beta2(), adam.epsilon());
    }
}
