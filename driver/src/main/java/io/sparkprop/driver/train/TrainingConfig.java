package io.sparkprop.driver.train;

import io.sparkprop.core.nn.NetworkSpec;
import io.sparkprop.core.nn.ParameterLayout;
import io.sparkprop.core.nn.WeightInit;
import io.sparkprop.core.optim.Adam;
import io.sparkprop.core.optim.AdamW;
import io.sparkprop.core.optim.ConstantRate;
import io.sparkprop.core.optim.CosineDecay;
import io.sparkprop.core.optim.ExponentialDecay;
import io.sparkprop.core.optim.InverseTimeDecay;
import io.sparkprop.core.optim.LearningRateSchedule;
import io.sparkprop.core.optim.LinearWarmup;
import io.sparkprop.core.optim.Momentum;
import io.sparkprop.core.optim.Optimizer;
import io.sparkprop.core.optim.Sgd;
import io.sparkprop.core.optim.StepDecay;
import io.sparkprop.core.optim.UpdateRule;

import java.io.Serializable;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Everything that defines a training run, as plain values (names and numbers), so it can be logged,
 * written into a checkpoint's JSON and read back. Built with {@link #builder(NetworkSpec)}; the
 * builder's {@code build()} validates every key and names it, with the allowed range, on error.
 * Keys are the snake_case names used in configuration files.
 */
public final class TrainingConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final List<String> OPTIMIZERS = List.of("sgd", "momentum", "nesterov", "adam", "adamw");
    public static final List<String> SCHEDULES = List.of("constant", "step", "exponential", "inverse_time", "cosine");

    private final NetworkSpec network;
    private final String optimizer;
    private final double learningRate;
    private final double momentum;
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final String schedule;
    private final long decaySteps;
    private final double decayRate;
    private final double minLearningRate;
    private final long warmupSteps;
    private final double weightDecay;
    private final double clipNorm;
    private final int batchSize;
    private final int epochs;
    private final long maxIterations;
    private final long seed;
    private final String weightInit;
    private final String checkpointDir;
    private final long checkpointInterval;
    private final int checkpointsKept;
    private final int patience;
    private final long logInterval;
    private final int evalBatchSize;
    private final int treeAggregationThreshold;

    private TrainingConfig(Builder b) {
        network = b.network;
        optimizer = b.optimizer;
        learningRate = b.learningRate;
        momentum = b.momentum;
        beta1 = b.beta1;
        beta2 = b.beta2;
        epsilon = b.epsilon;
        schedule = b.schedule;
        decaySteps = b.decaySteps;
        decayRate = b.decayRate;
        minLearningRate = b.minLearningRate;
        warmupSteps = b.warmupSteps;
        weightDecay = b.weightDecay;
        clipNorm = b.clipNorm;
        batchSize = b.batchSize;
        epochs = b.epochs;
        maxIterations = b.maxIterations;
        seed = b.seed;
        weightInit = b.weightInit;
        checkpointDir = b.checkpointDir;
        checkpointInterval = b.checkpointInterval;
        checkpointsKept = b.checkpointsKept;
        patience = b.patience;
        logInterval = b.logInterval;
        evalBatchSize = b.evalBatchSize;
        treeAggregationThreshold = b.treeAggregationThreshold;
    }

    public static Builder builder(NetworkSpec network) {
        return new Builder(network);
    }

    /** A builder holding this configuration's values, to change a few (e.g. max_iterations). */
    public Builder toBuilder() {
        Builder b = new Builder(network);
        b.optimizer = optimizer;
        b.learningRate = learningRate;
        b.momentum = momentum;
        b.beta1 = beta1;
        b.beta2 = beta2;
        b.epsilon = epsilon;
        b.schedule = schedule;
        b.decaySteps = decaySteps;
        b.decayRate = decayRate;
        b.minLearningRate = minLearningRate;
        b.warmupSteps = warmupSteps;
        b.weightDecay = weightDecay;
        b.clipNorm = clipNorm;
        b.batchSize = batchSize;
        b.epochs = epochs;
        b.maxIterations = maxIterations;
        b.seed = seed;
        b.weightInit = weightInit;
        b.checkpointDir = checkpointDir;
        b.checkpointInterval = checkpointInterval;
        b.checkpointsKept = checkpointsKept;
        b.patience = patience;
        b.logInterval = logInterval;
        b.evalBatchSize = evalBatchSize;
        b.treeAggregationThreshold = treeAggregationThreshold;
        return b;
    }

    public NetworkSpec network() {
        return network;
    }

    public String optimizer() {
        return optimizer;
    }

    public double learningRate() {
        return learningRate;
    }

    public double weightDecay() {
        return weightDecay;
    }

    public double clipNorm() {
        return clipNorm;
    }

    /** The global batch size B, split across partitions in proportion to their rows. */
    public int batchSize() {
        return batchSize;
    }

    public int epochs() {
        return epochs;
    }

    /** Stop after this many iterations in total (0: no limit besides epochs). */
    public long maxIterations() {
        return maxIterations;
    }

    public long seed() {
        return seed;
    }

    /** Checkpoint directory URI (file://, hdfs://, s3a://...), or null for none. */
    public String checkpointDir() {
        return checkpointDir;
    }

    /** Checkpoint every this many iterations (0: only at epoch ends and at the end). */
    public long checkpointInterval() {
        return checkpointInterval;
    }

    public int checkpointsKept() {
        return checkpointsKept;
    }

    /** Early stopping: epochs without a better validation loss before stopping (0: off). */
    public int patience() {
        return patience;
    }

    /** Log progress every this many iterations; 0 logs epochs only. */
    public long logInterval() {
        return logInterval;
    }

    /** Rows per forward pass when evaluating. */
    public int evalBatchSize() {
        return evalBatchSize;
    }

    /** Above this many partitions, partial sums are combined in a two-level tree. */
    public int treeAggregationThreshold() {
        return treeAggregationThreshold;
    }

    /** The seeded initial parameters. */
    public float[] initialParameters() {
        WeightInit init = "default".equals(weightInit) ? WeightInit.defaultFor(network) : WeightInit.of(weightInit);
        return init.initialise(network.layout(), seed);
    }

    /**
     * The driver-side update (clip, weight decay, optimiser step at lr(t)) for this run.
     *
     * @param totalIterations the run's planned iterations, the default length of a cosine decay
     */
    public UpdateRule newUpdateRule(ParameterLayout layout, long totalIterations) {
        return new UpdateRule(newOptimizer(), newSchedule(totalIterations), weightDecay, clipNorm,
                layout.weightRanges(), layout.size());
    }

    private Optimizer newOptimizer() {
        switch (optimizer) {
            case "sgd":
                return new Sgd();
            case "momentum":
                return new Momentum(momentum, false);
            case "nesterov":
                return new Momentum(momentum, true);
            case "adam":
                return new Adam(beta1, beta2, epsilon);
            default:
                return new AdamW(beta1, beta2, epsilon);
        }
    }

    private LearningRateSchedule newSchedule(long totalIterations) {
        LearningRateSchedule s;
        switch (schedule) {
            case "constant":
                s = new ConstantRate(learningRate);
                break;
            case "step":
                s = new StepDecay(learningRate, decaySteps, decayRate);
                break;
            case "exponential":
                s = new ExponentialDecay(learningRate, decayRate);
                break;
            case "inverse_time":
                s = new InverseTimeDecay(learningRate, decayRate);
                break;
            default:
                long t = decaySteps > 0 ? decaySteps : Math.max(1, totalIterations - warmupSteps);
                s = new CosineDecay(learningRate, t, minLearningRate);
        }
        return warmupSteps > 0 ? new LinearWarmup(warmupSteps, s) : s;
    }

    /** All values by key, network included: what checkpoints record. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Object> net = new LinkedHashMap<>();
        int[] sizes = network.sizes();
        String[] activations = new String[network.layers()];
        for (int l = 1; l <= network.layers(); l++) {
            activations[l - 1] = network.activation(l);
        }
        net.put("input_width", sizes[0]);
        net.put("widths", Arrays.copyOfRange(sizes, 1, sizes.length));
        net.put("activations", activations);
        net.put("loss", network.loss());
        m.put("network", net);
        m.put("optimizer", optimizer);
        m.put("learning_rate", learningRate);
        m.put("momentum", momentum);
        m.put("beta1", beta1);
        m.put("beta2", beta2);
        m.put("epsilon", epsilon);
        m.put("schedule", schedule);
        m.put("decay_steps", decaySteps);
        m.put("decay_rate", decayRate);
        m.put("min_learning_rate", minLearningRate);
        m.put("warmup_steps", warmupSteps);
        m.put("weight_decay", weightDecay);
        m.put("clip_norm", clipNorm);
        m.put("batch_size", batchSize);
        m.put("epochs", epochs);
        m.put("max_iterations", maxIterations);
        m.put("seed", seed);
        m.put("weight_init", weightInit);
        m.put("checkpoint_dir", checkpointDir);
        m.put("checkpoint_interval", checkpointInterval);
        m.put("checkpoints_kept", checkpointsKept);
        m.put("patience", patience);
        m.put("log_interval", logInterval);
        m.put("eval_batch_size", evalBatchSize);
        m.put("tree_aggregation_threshold", treeAggregationThreshold);
        return m;
    }

    @Override
    public String toString() {
        return toMap().toString();
    }

    /** Mutable, unvalidated values; {@link #build()} checks them all. */
    public static final class Builder {
        private final NetworkSpec network;
        private String optimizer = "adam";
        private double learningRate = 1e-3;
        private double momentum = 0.9;
        private double beta1 = 0.9;
        private double beta2 = 0.999;
        private double epsilon = 1e-8;
        private String schedule = "constant";
        private long decaySteps;
        private double decayRate = 0.1;
        private double minLearningRate;
        private long warmupSteps;
        private double weightDecay;
        private double clipNorm;
        private int batchSize = 128;
        private int epochs = 10;
        private long maxIterations;
        private long seed = 42;
        private String weightInit = "default";
        private String checkpointDir;
        private long checkpointInterval;
        private int checkpointsKept = 3;
        private int patience;
        private long logInterval = 50;
        private int evalBatchSize = 512;
        private int treeAggregationThreshold = 16;

        private Builder(NetworkSpec network) {
            this.network = Objects.requireNonNull(network, "network");
        }

        public Builder optimizer(String name) {
            this.optimizer = name == null ? null : name.trim().toLowerCase(Locale.ROOT);
            return this;
        }

        public Builder learningRate(double v) {
            learningRate = v;
            return this;
        }

        /** Momentum coefficient mu for momentum / nesterov. */
        public Builder momentum(double v) {
            momentum = v;
            return this;
        }

        /** Adam / AdamW moment decay rates and epsilon. */
        public Builder adam(double beta1, double beta2, double epsilon) {
            this.beta1 = beta1;
            this.beta2 = beta2;
            this.epsilon = epsilon;
            return this;
        }

        /**
         * The learning-rate schedule: constant; step (x decay_rate every decay_steps); exponential
         * (x decay_rate per iteration); inverse_time (lr / (1 + decay_rate t)); cosine (to
         * min_learning_rate over decay_steps, default: the whole run after warm-up).
         */
        public Builder schedule(String name) {
            this.schedule = name == null ? null : name.trim().toLowerCase(Locale.ROOT);
            return this;
        }

        public Builder decaySteps(long v) {
            decaySteps = v;
            return this;
        }

        public Builder decayRate(double v) {
            decayRate = v;
            return this;
        }

        public Builder minLearningRate(double v) {
            minLearningRate = v;
            return this;
        }

        public Builder warmupSteps(long v) {
            warmupSteps = v;
            return this;
        }

        public Builder weightDecay(double v) {
            weightDecay = v;
            return this;
        }

        public Builder clipNorm(double v) {
            clipNorm = v;
            return this;
        }

        public Builder batchSize(int v) {
            batchSize = v;
            return this;
        }

        public Builder epochs(int v) {
            epochs = v;
            return this;
        }

        public Builder maxIterations(long v) {
            maxIterations = v;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        /** glorot_uniform, glorot_normal, he_uniform, he_normal or default (He for ReLU, else Glorot). */
        public Builder weightInit(String name) {
            weightInit = name == null ? null : name.trim().toLowerCase(Locale.ROOT);
            return this;
        }

        public Builder checkpointDir(String uri) {
            checkpointDir = uri;
            return this;
        }

        public Builder checkpointInterval(long iterations) {
            checkpointInterval = iterations;
            return this;
        }

        public Builder checkpointsKept(int v) {
            checkpointsKept = v;
            return this;
        }

        public Builder patience(int epochs) {
            patience = epochs;
            return this;
        }

        public Builder logInterval(long iterations) {
            logInterval = iterations;
            return this;
        }

        public Builder evalBatchSize(int v) {
            evalBatchSize = v;
            return this;
        }

        public Builder treeAggregationThreshold(int v) {
            treeAggregationThreshold = v;
            return this;
        }

        public TrainingConfig build() {
            if (!OPTIMIZERS.contains(optimizer)) {
                throw invalid("optimizer", "'" + optimizer + "'", "one of " + OPTIMIZERS);
            }
            if (!SCHEDULES.contains(schedule)) {
                throw invalid("schedule", "'" + schedule + "'", "one of " + SCHEDULES);
            }
            positive("learning_rate", learningRate);
            unitInterval("momentum", momentum);
            unitInterval("beta1", beta1);
            unitInterval("beta2", beta2);
            positive("epsilon", epsilon);
            if (("step".equals(schedule) && decaySteps < 1) || decaySteps < 0) {
                throw invalid("decay_steps", decaySteps, "step: >= 1 iterations; cosine: >= 0 (0: the whole run)");
            }
            if ("exponential".equals(schedule) || "step".equals(schedule)) {
                if (!(decayRate > 0 && decayRate <= 1)) {
                    throw invalid("decay_rate", decayRate, "(0, 1] for the " + schedule + " schedule");
                }
            } else if (!(decayRate >= 0) || Double.isInfinite(decayRate)) {
                throw invalid("decay_rate", decayRate, ">= 0");
            }
            if (!(minLearningRate >= 0 && minLearningRate <= learningRate)) {
                throw invalid("min_learning_rate", minLearningRate, "[0, learning_rate = " + learningRate + "]");
            }
            nonNegative("warmup_steps", warmupSteps);
            if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
                throw invalid("weight_decay", weightDecay, ">= 0 (0: off)");
            }
            if (!(clipNorm >= 0) || Double.isInfinite(clipNorm)) {
                throw invalid("clip_norm", clipNorm, ">= 0 (0: no clipping)");
            }
            if (batchSize < 1) {
                throw invalid("batch_size", batchSize, ">= 1");
            }
            if (epochs < 1) {
                throw invalid("epochs", epochs, ">= 1");
            }
            nonNegative("max_iterations", maxIterations);
            if (!"default".equals(weightInit)) {
                try {
                    WeightInit.of(weightInit);
                } catch (IllegalArgumentException | NullPointerException e) {
                    throw invalid("weight_init", "'" + weightInit + "'",
                            "default, glorot_uniform, glorot_normal, he_uniform or he_normal");
                }
            }
            nonNegative("checkpoint_interval", checkpointInterval);
            if (checkpointsKept < 1) {
                throw invalid("checkpoints_kept", checkpointsKept, ">= 1");
            }
            if (patience < 0) {
                throw invalid("patience", patience, ">= 0 epochs (0: no early stopping)");
            }
            if (logInterval < 0) {
                throw invalid("log_interval", logInterval, ">= 0 iterations (0: log epochs only)");
            }
            if (evalBatchSize < 1) {
                throw invalid("eval_batch_size", evalBatchSize, ">= 1");
            }
            if (treeAggregationThreshold < 1) {
                throw invalid("tree_aggregation_threshold", treeAggregationThreshold, ">= 1 partitions");
            }
            return new TrainingConfig(this);
        }

        private static void positive(String key, double v) {
            if (!(v > 0) || Double.isInfinite(v)) {
                throw invalid(key, v, "a finite number > 0");
            }
        }

        private static void unitInterval(String key, double v) {
            if (!(v >= 0 && v < 1)) {
                throw invalid(key, v, "[0, 1)");
            }
        }

        private static void nonNegative(String key, long v) {
            if (v < 0) {
                throw invalid(key, v, ">= 0");
            }
        }

        private static IllegalArgumentException invalid(String key, Object value, String allowed) {
            return new IllegalArgumentException("training configuration: " + key + " = " + value + " is invalid, expected " + allowed);
        }
    }
}
