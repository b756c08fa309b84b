package io.sparkprop.core.optim;

/**
 * An update rule over the flat parameter array. Lifecycle:
 * <ol>
 *   <li>create with hyper-parameters (validated at once);</li>
 *   <li>{@link #initialise(int)} once with the parameter count P: allocates zeroed state;</li>
 *   <li>{@link #step} once per iteration, t = 1, 2, 3, ...;</li>
 *   <li>{@link #state()} / {@link #restoreState(float[][])} to checkpoint and resume exactly.</li>
 * </ol>
 * {@link #copy()} gives a fresh optimiser with the same hyper-parameters and no state, so one
 * configured instance can seed many runs.
 */
public interface Optimizer {

    /** The name used in configuration, e.g. {@code adam}. */
    String name();

    /** Allocates zeroed state for {@code parameterCount} parameters. */
    void initialise(int parameterCount);

    /**
     * One update in place: {@code params <- params - lr * direction(grad, state)}.
     * {@code grad} [P] is the mean gradient, already clipped and with any L2 term added.
     *
     * @param lr the learning rate for this step (from the schedule)
     * @param t  the 1-based step number (Adam's bias correction uses it)
     */
    void step(float[] params, float[] grad, double lr, long t);

    /** The optimiser's state as flat arrays of length P (none for SGD; velocity; Adam's m and v). */
    float[][] state();

    /** Restores state written by {@link #state()} of an optimiser of the same kind and size. */
    void restoreState(float[][] state);

    /** A fresh optimiser with the same hyper-parameters and no state. */
    Optimizer copy();

    /**
     * True when weight decay is decoupled from the gradient (AdamW): {@link UpdateRule} then shrinks
     * the weights directly instead of adding lambda * W to the gradient.
     */
    default boolean decoupledWeightDecay() {
        return false;
    }
}
