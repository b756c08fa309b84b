package io.sparkprop.driver.train;

/**
 * One kind of round of the training loop: what the executors compute from the broadcast, and how
 * the driver applies the mean they return. A round runs {@code n >= 1} iterations of the epoch from
 * the state's position ({@link TrainingState#position}); the loop then advances the position by n.
 * <pre>
 *   sums = round.run(state, n)      one Spark job through the aggregator: nothing is applied yet
 *   round.apply(state, sums, n)     the driver's update of state.params and the optimizer(s)
 * </pre>
 * Adding a kind of round is adding one class.
 */
interface Round {
    /** Runs {@code n} iterations from the state's position as one round; the state is not changed. */
    RoundSums run(TrainingState state, int n);

    /**
     * Applies a round's (finite) result: the parameters, the optimizer state and the step count move on
     * by n. Returns the learning rate used and the norm of the mean payload ({@link #normName()}) before clipping.
     */
    Applied apply(TrainingState state, RoundSums sums, int n);

    /** What {@link Applied#norm()} measures, for the progress line: "g" or "delta". */
    String normName();

    /** What the progress line and the listeners report of an applied round. */
    record Applied(double rate, double norm) {
    }

    /** The round's part of the line that starts a run (", synchronous", K and the outer step, sparse updates). */
    String describe(boolean sparseInput);
}
