package io.sparkprop.driver.train;

import io.sparkprop.core.nn.ParameterLayout;
import io.sparkprop.core.optim.Optimizer;
import io.sparkprop.driver.config.Choice;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.network.util.JavaUtils;

import io.sparkprop.driver.data.DataBlocks;

import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static io.sparkprop.driver.config.TrainingSettings.BATCH_SIZE;
import static io.sparkprop.driver.config.TrainingSettings.DROPOUT;
import static io.sparkprop.driver.config.TrainingSettings.OPTIMIZER;

/**
 * What training a network will need in the driver and in each executor, counted in {@code long}
 * before anything is allocated or any block is cached, against the memory Spark gives them: an
 * absurd size (a label of 1e9 taken as a class count, a hidden layer of a billion units) or a model
 * too large for the memory configured is one clear line naming the setting to change, instead of an
 * {@code OutOfMemoryError} or an int overflow halfway through training.
 * <pre>
 *   sizes n_0 (input), n_1 .. n_L;  P = sum_l n_l (n_{l-1} + 1)               (ParameterLayout)
 *   s  optimizer state arrays: sgd 0, momentum/nesterov 1, adam/adamw 2
 *   S  state arrays that travel with the weights: s with local steps (train.localSteps not 1) and
 *      averaged state, else 0;  L = P (1 + S) floats in every broadcast and in every task's result
 *   B  train.batchSize: a task's batch is at most B rows (its share b_p <= B, IterationPlan)
 *   W  = B (r + 3 sum_{l>=1} n_l + t + 2) floats, t the target width: the task's workspace (its input
 *        batch of r values a row; Z, A and dL/dZ of every layer; targets, weights and row indices), plus
 *        2 B sum_{hidden} n_l with dropout (masks and dropped activations). r = n_0 for dense input; for
 *        sparse (CSR) input r = 2 k + 1 (a column index and a value per nonzero, k the most nonzeros
 *        of any row, and the row pointer); before the blocks are built the form is unknown and r = 0
 *
 *   driver   D = 4 [P + s P                  parameters, optimizer state
 *                   + L + L + L              the broadcast copy, the mean, a partial as it arrives
 *                   + (L + 2 P, local steps) the weights-and-state array, the outer step's change and velocity
 *                   + (P, validation)]       the best parameters, for early stopping
 *                 + 8 L                      the sum, in double
 *   a task   T = 4 [P + P + (s P, local steps) + L + 3] + 4 W
 *                   gradient, its parameter copy, its inner optimizer state, its result, its workspace
 *   executor E = 4 L + c T                   one deserialised broadcast shared by its c concurrent tasks
 *   sharded  E = 4 L + c 4 (n + 2) (L + 3) / S  a reduce task of the sharded sum (GradientAggregator): its
 *                                             slice of all n partials in floats and their sum in double,
 *                                             S = GradientAggregator.sliceCount slices; the larger E counts
 *
 *   results  what a round returns to the driver, against spark.driver.maxResultSize (Spark fails a job
 *            whose task results exceed it): sharded 8 (L + 3), every element once in double; driver
 *            aggregation n 4 (L + 3), n partials in float (less when they travel column-sparse, which
 *            is not known before the round: then not checked)
 * </pre>
 * c = spark.executor.cores / spark.task.cpus (the cores of local-cluster[N, cores, MiB] when unset, else
 * 1). An executor has spark.executor.memory (Spark's default 1g) less the 300 MiB Spark reserves
 * (UnifiedMemoryManager's reserved system memory); the driver has its JVM's heap
 * ({@link Runtime#maxMemory()}). In local mode the driver JVM is the executor, its tasks read the
 * driver's broadcast copy, and it runs c = N / spark.task.cpus of them at once (local[N]): it needs D + c T.
 * <p>
 * The arrays counted are those alive at once through a round. Not counted: Spark's serialised copies
 * of the broadcast and of the results, and the cached training blocks, which Spark's block manager
 * may spill or drop and recompute; transient copies (an optimizer state restored at a task's start).
 * So a model refused here cannot train in the memory given, and one accepted close to the bound may
 * still run short: the check is against the impossible, not a guarantee.
 * <p>
 * Checked twice: {@link #check} when the network is known, before any block is cached (the input
 * batch not yet counted), and {@link #checkRounds} once the blocks are (their form, widest row and
 * partition count known, and with them the aggregation), before the first round.
 */
public final class NetworkMemory {
    private static final long FLOAT = Float.BYTES;
    private static final long DOUBLE = Double.BYTES;
    /** Spark's UnifiedMemoryManager.RESERVED_SYSTEM_MEMORY_BYTES: what an executor's heap keeps for Spark itself. */
    static final long SPARK_RESERVED_BYTES = 300L << 20;
    private static final Pattern LOCAL = Pattern.compile("local(?:\\[(\\*|\\d+)(?:\\s*,\\s*\\d+)?])?");
    private static final Pattern LOCAL_CLUSTER = Pattern.compile("local-cluster\\[\\s*\\d+\\s*,\\s*(\\d+)\\s*,\\s*\\d+\\s*]");

    private final int[] sizes;
    private final long parameters;
    private final long broadcastFloats;
    private final long driverBytes;
    private final long taskBytes;
    private final int batchSize;
    private final String optimizer;

    /**
     * Where a network trains: the driver's heap, whether the driver runs the tasks itself (local mode),
     * an executor's memory and how many tasks run in one at once.
     *
     * @param executorMemory the bytes of spark.executor.memory (unused in local mode)
     * @param executorMemorySetting its value as set (or Spark's default), for messages
     * @param maxResult the bytes of spark.driver.maxResultSize, 0 for no limit
     * @param maxResultSetting its value as set (or Spark's default 1g), for messages
     * @param slots Spark's default parallelism (the task slots), which sets the sharded sum's slices
     */
    public record Resources(long driverHeap, boolean local, int concurrentTasks, long executorMemory, String executorMemorySetting,
                            long maxResult, String maxResultSetting, int slots) {
        /** Spark's defaults for the result limit (1g) and {@code concurrentTasks} slots. */
        public Resources(long driverHeap, boolean local, int concurrentTasks, long executorMemory, String executorMemorySetting) {
            this(driverHeap, local, concurrentTasks, executorMemory, executorMemorySetting, 1L << 30, "1g", concurrentTasks);
        }

        /** The executor memory less Spark's reserve: what arrays of ours can take. */
        long executorAvailable() {
            return executorMemory - SPARK_RESERVED_BYTES;
        }

        /** The resources of {@code sc} as configured, with this JVM's heap as the driver's. */
        public static Resources of(SparkContext sc) {
            SparkConf conf = sc.getConf();
            int taskCpus = Math.max(1, conf.getInt("spark.task.cpus", 1));
            String master = sc.master();
            long heap = Runtime.getRuntime().maxMemory();
            String maxResult = conf.get("spark.driver.maxResultSize", "1g");
            long maxResultBytes = JavaUtils.byteStringAsBytes(maxResult);
            int slots = sc.defaultParallelism();
            Matcher local = LOCAL.matcher(master);
            if (local.matches()) {
                String threads = local.group(1);
                int n = threads == null ? 1 : threads.equals("*") ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(threads);
                return new Resources(heap, true, Math.max(1, n / taskCpus), heap, "", maxResultBytes, maxResult, slots);
            }
            int cores;
            if (conf.contains("spark.executor.cores")) {
                cores = conf.getInt("spark.executor.cores", 1);
            } else {
                Matcher cluster = LOCAL_CLUSTER.matcher(master);
                cores = cluster.matches() ? Integer.parseInt(cluster.group(1)) : 1;
            }
            String memory = conf.get("spark.executor.memory", "1g");
            return new Resources(heap, false, Math.max(1, cores / taskCpus), conf.getSizeAsBytes("spark.executor.memory", "1g"),
                    memory, maxResultBytes, maxResult, slots);
        }
    }

    /**
     * A task's input batch: {@code valuesPerRow} 4-byte values a row (r in the class comment).
     */
    public record Input(long valuesPerRow) {
        /** Before the blocks are built, when the form is not known: not counted. */
        public static final Input UNKNOWN = new Input(0);

        /** Dense rows of {@code width} floats. */
        public static Input dense(int width) {
            return new Input(width);
        }

        /** CSR rows of at most {@code maxRowNonzeros} nonzeros: a column index and a value each, and the row pointer. */
        public static Input sparse(int maxRowNonzeros) {
            return new Input(2L * maxRowNonzeros + 1);
        }

        /** The form of cached {@code blocks}: sparse when any block is (its widest row), else dense. */
        public static Input of(DataBlocks blocks) {
            return blocks.sparse() ? sparse(blocks.maxRowNonzeros()) : dense(blocks.cols());
        }
    }

    /**
     * The memory of training {@code sizes} with {@code settings}: the optimizer, batch size, local
     * steps and their state, dropout.
     *
     * @param targetWidth the label values per row
     * @param validation  whether there are validation rows (the best parameters are kept)
     */
    public static NetworkMemory of(TrainingConfig settings, int[] sizes, int targetWidth, boolean validation, Input input) {
        return new NetworkMemory(sizes, targetWidth, settings.get(OPTIMIZER), settings.get(BATCH_SIZE),
                settings.localStepsCount() != 1, settings.localOptimizerState() == Choice.LocalOptimizerState.AVERAGED,
                settings.get(DROPOUT) > 0, validation, input);
    }

    /** {@link #NetworkMemory(int[], int, String, int, boolean, boolean, boolean, boolean, Input)} with dense input rows. */
    public NetworkMemory(int[] sizes, int targetWidth, String optimizer, int batchSize, boolean localSteps, boolean averagedState,
                         boolean dropout, boolean validation) {
        this(sizes, targetWidth, optimizer, batchSize, localSteps, averagedState, dropout, validation, Input.dense(sizes[0]));
    }

    /**
     * @param sizes          [input width, n_1, ..., n_L]
     * @param targetWidth    the label values per row (1, or one per output of a vector target)
     * @param optimizer      the optimizer's name (its state arrays)
     * @param batchSize      train.batchSize (a task's batch is at most this)
     * @param localSteps     whether rounds of local steps may run (train.localSteps is not 1)
     * @param averagedState  whether local steps carry the optimizer state (train.localSteps.optimizerState = averaged)
     * @param dropout        whether hidden units are dropped (masks in the workspace)
     * @param validation     whether there are validation rows (the best parameters are kept)
     * @param input          the form of a task's input batch
     */
    public NetworkMemory(int[] sizes, int targetWidth, String optimizer, int batchSize, boolean localSteps, boolean averagedState,
                         boolean dropout, boolean validation, Input input) {
        this.sizes = sizes.clone();
        this.batchSize = batchSize;
        this.optimizer = optimizer;
        long p = ParameterLayout.count(sizes);
        long units = 0;
        long hidden = 0;
        for (int l = 1; l < sizes.length; l++) {
            units += sizes[l];
            if (l < sizes.length - 1) {
                hidden += sizes[l];
            }
        }
        this.parameters = p;
        long s = Optimizer.stateArrays(optimizer);
        long travelling = localSteps && averagedState ? s : 0;
        long l = p * (1 + travelling);
        this.broadcastFloats = l;
        long driverFloats = p + s * p + 3 * l + (localSteps ? l + 2 * p : 0) + (validation ? p : 0);
        this.driverBytes = FLOAT * driverFloats + DOUBLE * l;
        long workspace = (long) batchSize * (input.valuesPerRow() + 3 * units + targetWidth + 2)
                + (dropout ? 2L * batchSize * hidden : 0);
        this.taskBytes = FLOAT * (2 * p + (localSteps ? s * p : 0) + l + 3 + workspace);
    }

    public long parameters() {
        return parameters;
    }

    /** Bytes of one broadcast of the weights (with the optimizer state when it travels). */
    public long broadcastBytes() {
        return FLOAT * broadcastFloats;
    }

    /** D: the driver's arrays. */
    public long driverBytes() {
        return driverBytes;
    }

    /** T: one running task's arrays. */
    public long taskBytes() {
        return taskBytes;
    }

    /** E: one executor's arrays with {@code tasks} running at once. */
    public long executorBytes(int tasks) {
        return broadcastBytes() + tasks * taskBytes;
    }

    /**
     * Throws, before anything is allocated, when the network cannot be trained: more than 2^31 - 1
     * parameters (the flat parameter vector is one float[]), more memory than the driver's heap, or
     * more than an executor's memory (see the class comment).
     *
     * @param hiddenKey the setting of the hidden widths, named in the message
     * @param batchKey  the setting of the batch size, named in the message
     */
    public void check(Resources resources, String hiddenKey, String batchKey) {
        if (parameters > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "the network %s would have %,d parameters, more than"
                    + " the %,d one parameter vector can hold; make %s smaller", shape(), parameters, Integer.MAX_VALUE, hiddenKey));
        }
        String tasks = String.format(Locale.ROOT, "%d concurrent task%s gradient, parameter copy, optimizer state, result and"
                + " workspace at %s = %d", resources.concurrentTasks(), resources.concurrentTasks() == 1 ? "'s" : "s'", batchKey, batchSize);
        checkDriver(resources, resources.concurrentTasks() * taskBytes, "; in local mode also its " + tasks, hiddenKey + " or " + batchKey);
        checkExecutor(resources, executorBytes(resources.concurrentTasks()), "the broadcast weights and its " + tasks,
                hiddenKey + " or " + batchKey);
    }

    /**
     * Throws, before the first round, when a round's aggregation cannot run (see "sharded" and
     * "results" in the class comment): the results it returns to the driver exceed
     * spark.driver.maxResultSize, or the sharded sum's reduce tasks exceed an executor's memory.
     *
     * @param partitions           n, the cached blocks
     * @param sharded              whether rounds are summed by the sharded stage (else on the driver)
     * @param columnSparsePartials whether partials may travel column-sparse (their size then unknown)
     * @param aggregationKey       the setting that chooses the aggregation, named in the message
     * @param hiddenKey            the setting of the hidden widths, named in the message
     */
    public void checkRounds(Resources resources, int partitions, boolean sharded, boolean columnSparsePartials, String aggregationKey,
                            String hiddenKey) {
        long length = broadcastFloats + 3;
        long shardedResults = DOUBLE * length;
        long limit = resources.maxResult();
        if (sharded) {
            if (limit > 0 && shardedResults > limit) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "%s: the sharded sum of a round returns %s to the driver"
                        + " (%,d values summed in double: the parameter changes and any optimizer state that travels with them),"
                        + " more than %s, or make %s smaller", network(), mib(shardedResults), length,
                        raise(resources, shardedResults), hiddenKey));
            }
            int slices = GradientAggregator.sliceCount(partitions, length, resources.slots());
            long slice = (length + slices - 1) / slices;
            long reduceTasks = resources.concurrentTasks() * FLOAT * (partitions + 2L) * slice;
            String what = String.format(Locale.ROOT, "%d concurrent reduce task%s of the sharded sum (a slice of %d partials and"
                    + " its sum)", resources.concurrentTasks(), resources.concurrentTasks() == 1 ? "" : "s", partitions);
            checkDriver(resources, reduceTasks, "; in local mode also its " + what, hiddenKey);
            checkExecutor(resources, broadcastBytes() + reduceTasks, "the broadcast weights and its " + what, hiddenKey);
        } else if (!columnSparsePartials) {
            long results = FLOAT * length * partitions;
            if (limit > 0 && results > limit) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "%s: driver aggregation returns %d partials of %s, %s"
                        + " a round, to the driver, more than %s%s", network(), partitions, mib(FLOAT * length), mib(results),
                        raise(resources, results), partitions > 1 && shardedResults <= limit
                                ? ", or set " + aggregationKey + " = sharded (one sum of " + mib(shardedResults) + " whatever the partitions)"
                                : ", or make " + hiddenKey + " smaller"));
            }
        }
    }

    /** The driver's arrays, and in local mode {@code localTaskBytes} of tasks beside them (what {@code localTasks} says), against its heap. */
    private void checkDriver(Resources resources, long localTaskBytes, String localTasks, String smallerKeys) {
        long need = resources.local() ? driverBytes + localTaskBytes : driverBytes;
        if (need > resources.driverHeap()) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "%s needs about %s in the driver (its parameters,"
                    + " optimizer state, broadcast copy, sum and mean%s), more than the %s heap of this JVM; give the driver more"
                    + " memory (bin/sparkprop: SPARKPROP_JAVA_OPTS=-Xmx...; spark-submit: --driver-memory or spark.driver.memory),"
                    + " or make %s smaller", network(), mib(need), resources.local() ? localTasks : "", mib(resources.driverHeap()),
                    smallerKeys));
        }
    }

    /** {@code need} bytes on each executor (for {@code what}) against what spark.executor.memory leaves; not in local mode. */
    private void checkExecutor(Resources resources, long need, String what, String smallerKeys) {
        if (!resources.local() && need > resources.executorAvailable()) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "%s needs about %s on each executor (%s), more than the"
                    + " %s that spark.executor.memory = %s leaves after Spark's 300 MiB reserve; raise spark.executor.memory, or"
                    + " make %s smaller", network(), mib(need), what, mib(Math.max(0, resources.executorAvailable())),
                    resources.executorMemorySetting(), smallerKeys));
        }
    }

    /** "spark.driver.maxResultSize = V; set it to at least ..." for {@code results} bytes, with 64 MiB to spare. */
    private static String raise(Resources resources, long results) {
        return String.format(Locale.ROOT, "spark.driver.maxResultSize = %s; set spark.driver.maxResultSize to at least %dm (or 0 for"
                + " no limit)", resources.maxResultSetting(), (results >> 20) + 64);
    }

    private String shape() {
        return Arrays.stream(sizes).mapToObj(String::valueOf).collect(Collectors.joining("-"));
    }

    /** "the network 784-256-10 (P parameters, X MiB per broadcast of its weights [and adam's state])". */
    private String network() {
        return String.format(Locale.ROOT, "the network %s (%,d parameters, %s per broadcast of its weights%s)", shape(),
                parameters, mib(broadcastBytes()), broadcastFloats > parameters ? " and " + optimizer + "'s state" : "");
    }

    /** Bytes in MiB, rounded up: to a tenth below 10 MiB, else to a whole one. */
    private static String mib(long bytes) {
        if (bytes < 10L << 20) {
            return String.format(Locale.ROOT, "%.1f MiB", Math.ceil(bytes * 10.0 / (1 << 20)) / 10);
        }
        return String.format(Locale.ROOT, "%,d MiB", (bytes + (1 << 20) - 1) >> 20);
    }
}
