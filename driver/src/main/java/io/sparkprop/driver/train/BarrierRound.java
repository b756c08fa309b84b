package io.sparkprop.driver.train;

import io.sparkprop.core.data.DataBlock;
import io.sparkprop.driver.config.Choice;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.rdd.RDD;
import org.apache.spark.scheduler.BarrierJobAllocationFailed;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

import static io.sparkprop.driver.config.TrainingSettings.SYNCHRONOUS_EXCHANGE;

/**
 * Synchronous steps run by the tasks among themselves (train.synchronousExchange = tasks): n iterations
 * as ONE Spark barrier job ({@link BarrierSteps}), the tasks exchanging their partials every step
 * (io.sparkprop.driver.exchange) and each applying the driver's update rule itself, instead of n jobs of
 * a {@link SynchronousRound}. The same bits: the same partials, summed in partition order in double, the
 * same update on the same state.
 * <pre>
 *   broadcast [theta | state] -> W tasks, n steps each (one wave, all at once) -> task 0's theta, state, per-step sums
 * </pre>
 * A barrier job that fails is run again from its start, from the same broadcast: the same bits.
 */
final class BarrierRound {
    private static final Logger LOG = LoggerFactory.getLogger(DistributedTrainer.class);
    private static final ClassTag<StepsResult> RESULT = ClassTag$.MODULE$.apply(StepsResult.class);

    private final JavaSparkContext sc;
    private final JavaRDD<DataBlock> blocks;
    private final IterationPlan plan;
    private final TrainingConfig config;
    private final String run;
    private final long totalIterations;
    private final boolean touched;
    /** train.synchronousExchange = tasks (a refusal is an error) rather than auto (a refusal falls back to the driver). */
    private final boolean required;
    private boolean usable = true;

    /**
     * @param config          the rounds' configuration (the rate and warm-up taken), as the driver's rule was built from
     * @param totalIterations the run's planned iterations
     * @param touched         the driver's touched-column update on sparse input
     */
    BarrierRound(JavaSparkContext sc, JavaRDD<DataBlock> blocks, IterationPlan plan, TrainingConfig config, String run,
                 long totalIterations, boolean touched, boolean required) {
        this.sc = sc;
        this.blocks = blocks;
        this.plan = plan;
        this.config = config;
        this.run = run;
        this.totalIterations = totalIterations;
        this.touched = touched;
        this.required = required;
    }

    /**
     * The task slots Spark's barrier check counts: the tasks its registered executors run at once. Not
     * spark.default.parallelism, which may say more (a stage needing more slots than this waits 40 x 15 s, then fails).
     */
    static int slots(SparkContext sc) {
        return sc.maxNumConcurrentTasks(sc.resourceProfileManager().defaultResourceProfile());
    }

    /**
     * Why Spark cannot run the synchronous steps as a barrier stage of {@code blocks} tasks on {@code slots} task slots,
     * or null when it can.
     */
    static String impossible(int blocks, int slots, boolean dynamicAllocation) {
        if (dynamicAllocation) {
            return "spark.dynamicAllocation.enabled is true (Spark runs no barrier stage under dynamic allocation)";
        }
        if (blocks > slots) {
            return "the " + blocks + " blocks are more than the " + slots + " task slots (a barrier stage runs all its tasks at once)";
        }
        return null;
    }

    /**
     * train.synchronousExchange resolved: whether synchronous steps run as barrier jobs, given why they could not
     * ({@link #impossible}; null: they can). Auto falls back to the driver with one line in the log; tasks fails.
     */
    static boolean chosen(Choice.SynchronousExchange choice, String impossible) {
        if (choice == Choice.SynchronousExchange.DRIVER) {
            return false;
        }
        if (impossible == null) {
            return true;
        }
        if (choice == Choice.SynchronousExchange.TASKS) {
            throw new IllegalArgumentException(SYNCHRONOUS_EXCHANGE.key() + " = tasks needs a barrier stage, which Spark cannot"
                    + " run here: " + impossible + "; set it to auto or driver");
        }
        LOG.info("{} = auto: the driver adds the synchronous steps' partials, as {}", SYNCHRONOUS_EXCHANGE.key(), impossible);
        return false;
    }

    /** Whether the next steps run here (false once Spark refused a barrier stage under auto). */
    boolean usable() {
        return usable;
    }

    /** Spark refused the barrier stage: under auto the run goes on with the driver's rounds (logged once), else it fails. */
    void refused(Unavailable e) {
        if (required) {
            throw new IllegalStateException(SYNCHRONOUS_EXCHANGE.key() + " = tasks: Spark will not run the steps as a barrier"
                    + " stage on these blocks (" + e.getMessage() + "); set it to auto or driver", e);
        }
        LOG.info("{} = auto: Spark will not run a barrier stage on these blocks ({}); the driver adds the partials from here on",
                SYNCHRONOUS_EXCHANGE.key(), e.getMessage());
        usable = false;
    }

    /**
     * Runs n steps from the state's position as one barrier job; the state is not changed. Spark does not re-run a
     * failed barrier stage that returns results (it aborts the job), so a failed job is run again here from the same
     * broadcast, up to spark.stage.maxConsecutiveAttempts times in all: the same inputs, so the same bits.
     *
     * @throws Unavailable when Spark refuses a barrier stage on these blocks (their lineage, the slots), or under auto
     *                     when every attempt failed (the driver's rounds then take over, the same bits)
     */
    StepsResult run(TrainingState state, int n) {
        int p = state.params.length;
        float[] value = new float[p * (1 + state.rule.optimizer().stateArrays())];
        System.arraycopy(state.params, 0, value, 0, p);
        state.rule.optimizer().storeState(value, p, 1f);
        Broadcast<float[]> b = sc.broadcast(value);
        int attempts = Math.max(1, sc.getConf().getInt("spark.stage.maxConsecutiveAttempts", 4));
        try {
            for (int attempt = 0; ; attempt++) {
                try {
                    return runOnce(b, state, n, attempt);
                } catch (Unavailable e) {
                    throw e;
                } catch (RuntimeException e) {
                    if (attempt + 1 >= attempts) {
                        // under auto a cluster whose executors cannot reach each other (a firewall) still trains
                        throw required ? e : new Unavailable("its barrier job failed " + attempts + " times: " + e.getMessage(), e);
                    }
                    LOG.warn("the barrier job of synchronous steps {}-{} of epoch {} failed ({}); running it again from its start"
                            + " (attempt {} of {})", state.position, state.position + n - 1, state.epoch, e.getMessage(), attempt + 2, attempts);
                }
            }
        } finally {
            b.destroy();
        }
    }

    private StepsResult runOnce(Broadcast<float[]> b, TrainingState state, int n, int attempt) {
        try {
            RDD<StepsResult> steps = blocks.rdd().barrier().mapPartitions(new BarrierSteps(b, plan, config, run, totalIterations,
                    touched, state.epoch, state.position, n, state.steps(), attempt), false, RESULT);
            List<StepsResult> out = JavaRDD.fromRDD(steps, RESULT).collect();
            if (out.size() != 1) {
                throw new IllegalStateException("a barrier job of synchronous steps returned " + out.size() + " results, expected task 0's");
            }
            return out.get(0);
        } catch (Exception e) {
            // Spark's exceptions are checked ones that Scala does not declare: the job's failure, as it was thrown
            if (e instanceof BarrierJobAllocationFailed) {
                throw new Unavailable(e.getMessage(), e);
            }
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** The state after a job's completed steps: its parameters, optimizer state and step count. */
    static void apply(TrainingState state, StepsResult r) {
        int p = state.params.length;
        System.arraycopy(r.values, 0, state.params, 0, p);
        state.rule.restore(state.steps() + r.completed, r.values, p);
    }

    /** Spark would not run the barrier stage (e.g. an input whose lineage has another partition count). */
    static final class Unavailable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
