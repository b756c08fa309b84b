package io.sparkprop.core.optim;

import java.util.List;

/**
 * An update rule over the flat parameter array. Lifecycle:
 * <ol>
 *   <li>create with hyper-parameters (validated at once);</li>
 *   <li>{@link #initialize(int)} once with the parameter count P: allocates zeroed state;</li>
 *   <li>{@link #step} once per iteration, t = 1, 2, 3, ...;</li>
 *   <li>{@link #state()} / {@link #restoreState(float[][])} to checkpoint and resume exactly.</li>
 * </ol>
 * {@link #copy()} gives a fresh optimizer with the same hyper-parameters and no state, so one
 * configured instance can seed many runs.
 */
public interface Optimizer {
    /** The optimizers by configuration name, in the order the documentation lists them. */
    List<String> NAMES = List.of("sgd", "momentum", "nesterov", "adam", "adamw");

    /**
     * The optimizer called {@code name} (one of {@link #NAMES}) with its hyper-parameters: the
     * momentum coefficient mu for momentum / nesterov, beta1, beta2 and epsilon for adam / adamw
     * (the others ignore what they do not use).
     */
    static Optimizer named(String name, double momentum, double beta1, double beta2, double epsilon) {
        switch (name) {
            case "sgd":
                return new Sgd();
            case "momentum":
                return new Momentum(momentum, false);
            case "nesterov":
                return new Momentum(momentum, true);
            case "adam":
                return new Adam(beta1, beta2, epsilon);
            case "adamw":
                return new AdamW(beta1, beta2, epsilon);
            default:
                throw new IllegalArgumentException("unknown optimizer '" + name + "': expected one of " + NAMES);
        }
    }


    /** S of the optimizer called {@code name} (one of {@link #NAMES}): asked of one with typical hyper-parameters. */
    static int stateArrays(String name) {
        return named(name, 0.9, 0.9, 0.999, 1e-8).stateArrays();
    }

    /** The name used in configuration, e.g. {@code adam}. */
    String name();

    /** S, the arrays of P floats its state holds: 0 (sgd), 1 (momentum's velocity), 2 (Adam's moments). */
    int stateArrays();

    /** Allocates zeroed state for {@code parameterCount} parameters. */
    void initialize(int parameterCount);

    /**
     * One update in place: {@code params <- params - lr * direction(grad, state)}.
     * {@code grad} [P] is the mean gradient, already clipped and with any L2 term added.
     *
     * @param lr the learning rate for this step (from the schedule)
     * @param t  the 1-based step number (Adam's bias correction uses it)
     */
    default void step(float[] params, float[] grad, double lr, long t) {
        step(params, grad, lr, t, ParameterRanges.all(params.length));
    }

    /**
     * {@link #step(float[], float[], double, long)} on the entries in {@code ranges} only; the others
     * keep their parameters and state for this step (train.sparseUpdate's touched columns: exactly the
     * dense step for SGD when {@code grad} is zero outside the ranges; for the optimizers with state the
     * "lazy" semantics of TensorFlow's LazyAdam and PyTorch's SparseAdam, whose moments decay only on
     * the steps that touch them). Allocates nothing.
     */
    void step(float[] params, float[] grad, double lr, long t, ParameterRanges ranges);

    /**
     * {@link #step(float[], float[], double, long, ParameterRanges)} from a gradient sum: the gradient
     * is formed from {@code gradSum} by {@code terms} (the batch's divisor, clipping, weight decay) in
     * the same pass that updates the parameters and the state. The built-in optimizers fuse it (the
     * same bits as the separate passes); this default forms the gradient in {@code gradSum} first.
     */
    default void step(float[] params, float[] gradSum, GradientTerms terms, double lr, long t, ParameterRanges ranges) {
        terms.materialise(params, gradSum, ranges);
        step(params, gradSum, lr, t, ranges);
    }

    /** Zeroes the state in place, as {@link #initialise} left it, allocating nothing. */
    void reset();

    /** The optimizer's state as flat arrays of length P (none for SGD; velocity; Adam's m and v). */
    float[][] state();

    /** Restores state written by {@link #state()} of an optimizer of the same kind and size. */
    void restoreState(float[][] state);

    /**
     * Restores the state in place from one flat array, allocating nothing: state array i (in the order
     * of {@link #state()}) is {@code flat[offset + i P, offset + (i + 1) P)}. Local steps restore the
     * broadcast state this way at the start of every task. Needs {@link #initialise} first.
     */
    void loadState(float[] flat, int offset);

    /** Writes {@code scale * state} into {@code flat}, laid out as {@link #loadState} reads it, allocating nothing. */
    void storeState(float[] flat, int offset, float scale);

    /** A fresh optimizer with the same hyper-parameters and no state. */
    Optimizer copy();

    /**
     * True when weight decay is decoupled from the gradient (AdamW): {@link UpdateRule} then shrinks
     * the weights directly instead of adding lambda * W to the gradient.
     */
    default boolean decoupledWeightDecay() {
        return false;
    }
}
