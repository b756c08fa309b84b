package io.sparkprop.driver.exchange;

import java.util.Locale;

/**
 * How a task waits for its peers: in short polls, between which it checks that Spark still wants it
 * (a task of a failed barrier stage is marked killed, not interrupted) and that the exchange's timeout
 * has not passed; past it, one error names the task, the step's phase and the timeout.
 */
final class Waiting {
    /** The longest a wait blocks before checking again. */
    static final long POLL_MILLIS = 100;
    private final int rank;
    private final int tasks;
    private final long timeoutNanos;
    private final Runnable alive;

    /**
     * @param alive throws when the task has been killed (Spark's {@code TaskContext.killTaskIfInterrupted})
     */
    Waiting(int rank, int tasks, long timeoutMillis, Runnable alive) {
        this.rank = rank;
        this.tasks = tasks;
        this.timeoutNanos = timeoutMillis * 1_000_000L;
        this.alive = alive;
    }

    /** The deadline of a wait starting now. */
    long deadline() {
        return System.nanoTime() + timeoutNanos;
    }

    /** Between polls: throws if the task was killed or {@code deadline} has passed while waiting for {@code what}. */
    void check(long deadline, String what) {
        alive.run();
        if (System.nanoTime() - deadline > 0) {
            throw new IllegalStateException(String.format(Locale.ROOT, "synchronous exchange: task %d of %d waited %.0f s for %s"
                    + " and gave up (a peer is stuck, or its executor was lost); Spark retries the barrier stage from the"
                    + " start of its steps, or set train.synchronousExchange = driver", rank, tasks, timeoutNanos * 1e-9, what));
        }
    }
}
