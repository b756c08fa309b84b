package io.sparkprop.driver.config;

import io.sparkprop.core.nn.Activation;
import io.sparkprop.core.nn.Softmax;
import io.sparkprop.core.optim.LearningRateSchedule;
import io.sparkprop.core.optim.Optimizer;
import io.sparkprop.driver.config.Setting.Bounds;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every setting of a fit, declared once: the network's hidden layers, feature standardisation and
 * the validation split, the optimizer, the learning-rate schedule, the loop, checkpoints and
 * evaluation. The command line reads them under their keys (conf/sparkprop-defaults.conf documents
 * the same entries, and a test keeps the two equal), the Spark ML estimators expose them as Params
 * under their param names, and {@link io.sparkprop.driver.train.TrainingConfig} holds their values.
 */
public final class TrainingSettings {
    private TrainingSettings() {
    }

    // ---- model and data

    public static final Setting<int[]> HIDDEN = Setting.intList("model.hidden", "layers", new int[] {256, 128},
            "Widths of the hidden layers, comma-separated (e.g. 512,256); empty for none.").fixedOnResume();
    public static final Setting<String> ACTIVATION = Setting.choice("model.activation", "activation", "relu",
            List.of("identity", "sigmoid", "tanh", "relu", "leaky_relu"),
            "Activation of the hidden layers; leaky_relu(slope) sets the slope (default 0.01).")
            .alsoAccepting(TrainingSettings::isHiddenActivation).fixedOnResume();
    public static final Setting<String> INIT = Setting.choice("model.init", "weightInit", "auto",
            List.of("auto", "glorot_uniform", "glorot_normal", "he_uniform", "he_normal"),
            "Initial weights: auto (He for ReLU-family activations, Glorot otherwise) or one scheme.")
            .alsoAccepting("default"::equals);
    public static final Setting<Double> DROPOUT = Setting.number("model.dropout", "dropout", 0, Bounds.fromUntil(0, 1),
            "Inverted dropout while training: the probability p of zeroing each hidden unit of each example at each"
                    + " step (kept units are scaled by 1 / (1 - p)), one rate for every hidden layer; 0 for none."
                    + " Evaluation, validation, prediction and ONNX use the plain network.").fixedOnResume();
    /**
     * The most classes a classifier may have. A label above it is almost surely a numeric target (or
     * a mistake), and its network would not fit: 10,000 outputs behind a 128-wide layer are already
     * 1.3 M parameters.
     */
    public static final int MAX_CLASSES = 10_000;
    public static final Setting<Integer> CLASSES = Setting.integer("model.classes", "classCount", 0,
            Bounds.closed(0, MAX_CLASSES), "Classification: the number of classes K (labels 0..K-1), at most 10000;"
                    + " 0 takes K = max(label) + 1 from the data and warns about classes no row has. Set it when some"
                    + " classes are absent from the training data on purpose.").fixedOnResume();
    public static final Setting<Boolean> STANDARDIZE = Setting.bool("data.standardize", "standardization", true,
            "Standardise every feature to mean 0 and standard deviation 1, with statistics fitted on the training data"
                    + " and stored in the model (prediction applies them).").fixedOnResume();
    public static final Setting<String> STANDARDIZE_SCALE = Setting.choice("data.standardizeScale", "standardizationScale",
            Choice.StandardizeScale.AUTO, Choice.StandardizeScale.class,
            "How data.standardize scales the centred features: feature, each by its own standard deviation (as Spark ML's"
                    + " StandardScaler); shared, all by one scale, the root mean variance of the non-constant features, so"
                    + " they keep their relative spread (image pixels: a border pixel lit in a few images is not blown up to"
                    + " unit variance); auto, shared for images (the command line's data.format = idx) and feature for"
                    + " everything else. Constant features are 0 either way.").fixedOnResume();
    public static final Setting<Boolean> STANDARDIZE_TARGET = Setting.bool("data.standardizeTarget", "labelStandardization", true,
            "Regression: train on every target output standardised to mean 0 and standard deviation 1 (a constant one"
                    + " only centred), with statistics fitted on the training rows and stored in the model; predictions"
                    + " and metrics are in the label's units, the loss in standardised ones. Classification ignores it.")
            .fixedOnResume();
    public static final Setting<String> CACHE_FORMAT = Setting.choice("data.cacheFormat", "cacheFormat", "float32",
            List.of("float32", "bfloat16", "float16", "uint8"),
            "How the cached dense features are stored (training and validation blocks), decoded into each mini-batch:"
                    + " float32 (4 bytes a value, as given); bfloat16 or float16 (2 bytes: the standardised values rounded"
                    + " to nearest even, relative error at most 2^-9 or 2^-11; float16 fails on a value beyond 65504);"
                    + " uint8 (1 byte: per column q = round((x - min) / step) on the raw values, step = (max - min) / 255"
                    + " fitted on the training rows, and exact for whole numbers spanning at most 255 and for pixels / 255,"
                    + " so 8-bit images train to the same bits as float32). Sparse blocks stay float32. Recorded in the"
                    + " model (training.cache).").fixedOnResume();
    public static final Setting<Double> VALIDATION_FRACTION = Setting.number("data.validation.fraction", "validationFraction", 0.2,
            Bounds.fromUntil(0, 1), "Fraction of the training rows held out for validation metrics and early stopping"
                    + " when no separate validation data is given (seeded by train.seed); 0 to train on every row.").fixedOnResume();

    // ---- the update rule

    public static final Setting<String> OPTIMIZER = Setting.choice("train.optimizer", "solver", "adam", Optimizer.NAMES,
            "Update rule: sgd, momentum, nesterov, adam, adamw.").fixedOnResume();
    public static final Setting<Double> LEARNING_RATE = Setting.number("train.learningRate", "stepSize", 0.003, Bounds.above(0),
            "Learning rate at the first iteration (the schedule changes it from there).").fixedOnResume();
    public static final Setting<Double> MOMENTUM = Setting.number("train.momentum", "momentum", 0.9, Bounds.fromUntil(0, 1),
            "Momentum coefficient for momentum and nesterov.").fixedOnResume();
    public static final Setting<Double> BETA1 = Setting.number("train.beta1", "beta1", 0.9, Bounds.fromUntil(0, 1),
            "Adam/AdamW: decay rate of the first-moment estimate.").fixedOnResume();
    public static final Setting<Double> BETA2 = Setting.number("train.beta2", "beta2", 0.999, Bounds.fromUntil(0, 1),
            "Adam/AdamW: decay rate of the second-moment estimate.").fixedOnResume();
    public static final Setting<Double> EPSILON = Setting.number("train.epsilon", "epsilon", 1e-8, Bounds.above(0),
            "Adam/AdamW: added to the denominator for numerical stability.").fixedOnResume();
    public static final Setting<String> SCHEDULE = Setting.choice("train.schedule", "schedule", "cosine", LearningRateSchedule.NAMES,
            "Learning-rate schedule over iterations t: constant; step (x decayRate every decaySteps); exponential"
                    + " (x decayRate per decaySteps, smoothly); inverse_time (lr / (1 + decayRate t / decaySteps));"
                    + " cosine (to minRate over decaySteps).").fixedOnResume();
    public static final Setting<Long> DECAY_STEPS = Setting.longInteger("train.schedule.decaySteps", "decaySteps", 0, Bounds.atLeast(0),
            "Iterations per decay of the step, exponential and inverse_time schedules (0: one epoch); the length of"
                    + " the cosine schedule (0: the whole run after warm-up).")
            .replacing("train.schedule.stepSize").fixedOnResume();
    public static final Setting<Double> DECAY_RATE = Setting.number("train.schedule.decayRate", "decayRate", 0.9, Bounds.above(0),
            "step and exponential schedules: the factor per decaySteps, in (0, 1]; inverse_time: the k in"
                    + " lr / (1 + k t / decaySteps).")
            .replacing("train.schedule.gamma", "train.schedule.k").fixedOnResume();
    public static final Setting<Double> MIN_RATE = Setting.number("train.schedule.minRate", "minStepSize", 0, Bounds.atLeast(0),
            "cosine schedule: the final learning rate (at most train.learningRate).").fixedOnResume();
    public static final Setting<Long> WARMUP_STEPS = Setting.longInteger("train.warmupSteps", "warmupSteps", 0, Bounds.atLeast(0),
            "Iterations of linear warm-up before the schedule starts; 0 for none.").fixedOnResume();
    public static final Setting<String> LEARNING_RATE_SCALE = Setting.choice("train.learningRateScale", "learningRateScale",
            Choice.LearningRateScale.AUTO, Choice.LearningRateScale.class,
            "How train.learningRate follows the W workers, read as the rate for 2 workers' global batch (2 x"
                    + " train.batchSize): none, as set at every W; sqrt, x sqrt(W / 2); linear, x W / 2 (neither below 2"
                    + " workers); auto, where train.localSteps is auto or timed (auto's rule; x 1 at 1 and 2 workers), sqrt"
                    + " where that trains synchronously (from 17 workers on) and x (W / 2)^(3/4) where it takes local steps,"
                    + " else none. A scaled rate warms up over one epoch (at most half the run; with auto's local steps at most"
                    + " 256 iterations) where train.warmupSteps is 0. The rate"
                    + " and warm-up taken are logged and recorded; a resumed run takes its checkpoint's (auto), or must"
                    + " take the same (none, sqrt, linear).");
    public static final Setting<Double> WEIGHT_DECAY = Setting.number("train.weightDecay", "regParam", 0, Bounds.atLeast(0),
            "L2 weight decay lambda on the weights (never the biases); decoupled for adamw.").fixedOnResume();
    public static final Setting<Double> CLIP_NORM = Setting.number("train.clipNorm", "clipNorm", 0, Bounds.atLeast(0),
            "Clip the gradient to this global L2 norm; 0 for no clipping.").fixedOnResume();

    public static final Setting<String> CLASS_WEIGHTS = Setting.validatedString("train.classWeights", "classWeights", "none",
            ClassWeights.EXPECTED, ClassWeights::isValid,
            "Classification: a weight per class that multiplies each training row's weight (data.weight; Spark ML"
                    + " weightCol) in the loss and its gradient: none; balanced (n / (k n_c), the inverse class frequency"
                    + " on the training rows, as scikit-learn's); one weight >= 0 per class 0..k-1, comma-separated (1,19);"
                    + " or class:weight pairs (1:19, other classes 1). The model's metadata records the resolved weights;"
                    + " validation metrics weigh rows by data.weight only.").fixedOnResume();

    // ---- the loop

    public static final Setting<Integer> BATCH_SIZE = Setting.integer("train.batchSize", "batchSize", 64, Bounds.atLeast(1),
            "Examples each worker (task slot, one cached block) computes a step on; an iteration's global batch is the"
                    + " blocks times this. At most a block's rows (larger is capped, with a warning).").fixedOnResume();
    public static final Setting<Integer> EPOCHS = Setting.integer("train.epochs", "maxIter", 0, Bounds.atLeast(0),
            "Passes over the training data; 0 (auto): 10, except with validation data and fewer than 8,000 training rows"
                    + " (small tables): min(500, ceil(80000 / training rows)) epochs with early stopping after 10 without a"
                    + " better validation loss (train.patience, when set, instead), keeping the best epoch; a regression"
                    + " there with train.weightDecay 0 gets train.weightDecay = 30 / training rows.")
            .fixedOnResume();
    public static final Setting<Long> MAX_ITERATIONS = Setting.longInteger("train.maxIterations", "maxSteps", 0, Bounds.atLeast(0),
            "Stop after this many iterations (optimizer steps) in total, even mid-epoch; 0 for no limit.");
    public static final Setting<Long> SEED = Setting.longInteger("train.seed", "seed", 42, Bounds.ANY,
            "Seed for initial weights, the validation split and the per-epoch shuffles.").fixedOnResume();
    public static final Setting<Integer> PATIENCE = Setting.integer("train.patience", "patience", 0, Bounds.atLeast(0),
            "Early stopping: epochs without a better validation loss before stopping; 0 to never stop early (except"
                    + " train.epochs = 0 on small tables). The best parameters seen are the ones saved.");
    public static final Setting<Long> LOG_INTERVAL = Setting.longInteger("train.logInterval", "logInterval", 50, Bounds.atLeast(0),
            "Log a progress line every this many iterations (and after every epoch); 0 for epochs only.");
    public static final Setting<Integer> EVAL_BATCH_SIZE = Setting.integer("train.evalBatchSize", "evalBatchSize", 512, Bounds.atLeast(1),
            "Rows per forward pass when evaluating (validation, metrics).");
    public static final Setting<String> AGGREGATION = Setting.choice("train.aggregation", "aggregation",
            Choice.Aggregation.AUTO, Choice.Aggregation.class,
            "Where the partitions' partial sums are added (always in partition order, in double; both ways give the same"
                    + " bits): driver, each partial added on the driver as it arrives (one Spark stage; a partial that"
                    + " arrives before a lower partition's waits, so the driver may hold up to partitions - 1 of them);"
                    + " sharded, every partial cut into slices (one per task slot, more where one task's slices of all"
                    + " the partitions would pass 64 MB) and each slice summed by its own task"
                    + " through a shuffle (reduce-scatter), so the driver holds one sum of the parameters whatever the"
                    + " partition count, at the price of a second stage and a shuffle per round; auto, driver while its"
                    + " worst case (partitions - 1 waiting partials) fits in 1/8 of the driver heap and half of"
                    + " spark.driver.maxResultSize, sharded beyond (large models on many partitions).");
    public static final Setting<String> SYNCHRONOUS_EXCHANGE = Setting.choice("train.synchronousExchange", "synchronousExchange",
            Choice.SynchronousExchange.AUTO, Choice.SynchronousExchange.class,
            "Synchronous steps (train.localSteps = 1, or auto's from 17 workers): where the workers' gradients meet."
                    + " driver: every step is a Spark job whose tasks send their partial sums to the driver, which adds them"
                    + " (train.aggregation) and updates the parameters; tasks: the steps up to the end of the epoch (or the"
                    + " next checkpoint) run as one Spark barrier job whose tasks exchange their partials among themselves"
                    + " every step (a reduce-scatter and an all-gather: through memory within an executor, over TCP between"
                    + " executors) and each apply the same update, with no job and no driver round trip per step; auto:"
                    + " tasks where Spark can run a barrier stage (no more blocks than task slots, no dynamic allocation),"
                    + " else driver. Both give the same bits.");
    public static final Setting<Boolean> SPARSE_TRANSFER = Setting.bool("train.sparseTransfer", "sparseTransfer", true,
            "Send a partition's first-layer weight gradient (or change) as (column indices, values) when some input columns"
                    + " are zero in all of it and that is smaller: wide sparse data (LIBSVM, sparse vectors) then moves only"
                    + " the columns its rows touched. The sums, and so the bits, are the same either way.");
    public static final Setting<String> SPARSE_UPDATE = Setting.choice("train.sparseUpdate", "sparseUpdate",
            Choice.SparseUpdate.AUTO, Choice.SparseUpdate.class,
            "Which first-layer weights a step updates on sparse input (LIBSVM, sparse vectors). dense: all of them,"
                    + " every step (O(parameters) per step however few input columns a batch touched); touched: only the"
                    + " input columns the step's rows touched (a partition's batch in local steps; the round's nonzero"
                    + " columns on the driver), which for sgd without weight decay is exactly the dense step, and for"
                    + " momentum, nesterov, adam, adamw or weight decay leaves an untouched column's weights and optimizer"
                    + " state as they are for that step (the lazy semantics of TensorFlow's LazyAdam and PyTorch's SparseAdam:"
                    + " a feature's moments decay only on the steps that see it); auto: touched where it gives the dense"
                    + " bits (sgd with weight decay 0, and the outer step of local steps with outer momentum 0), dense"
                    + " elsewhere. Dense input always updates densely.");

    // ---- local steps between synchronisations

    public static final Setting<String> LOCAL_STEPS = Setting.autoOrCount("train.localSteps", "localSteps", "auto",
            Choice.names(Choice.LocalSteps.class),
            "Mini-batch steps each partition takes on its own between two synchronisations (K). 1: synchronous"
                    + " data-parallel SGD, every step's gradient averaged; K > 1: each partition runs K steps of the"
                    + " optimizer from the broadcast weights and the driver averages the parameter changes (weighted by"
                    + " rows) and applies the outer step; auto: K from the network, the batch and the W workers alone (the"
                    + " same K, and bits, on every machine): below 17 workers the smallest power of two that"
                    + " keeps an estimate of Spark's fixed cost under 10 % of a round, with at most 32,768 samples (K x batch"
                    + " x workers) a round, and from 4 workers on a Nesterov outer step (1, 0.9)"
                    + " where the outer step is left at 1 and 0; from 17 workers on 1 (synchronous); at every worker count"
                    + " the rate scaled by train.learningRateScale; timed: the same rule on the cost of rounds timed on this cluster (faster"
                    + " where the estimate is off, but the bits then depend on the machine). The choice is logged"
                    + " and recorded.")
            .fixedOnResume();
    public static final Setting<String> LOCAL_OPTIMIZER_STATE = Setting.choice("train.localSteps.optimizerState",
            "localOptimizerState", Choice.LocalOptimizerState.AVERAGED, Choice.LocalOptimizerState.class,
            "K > 1: the optimizer's state (momentum, Adam's moments) at the start of each round: reset (zeroed) or"
                    + " averaged (the partitions' end states averaged by rows and broadcast with the weights).")
            .fixedOnResume();
    public static final Setting<Double> OUTER_LEARNING_RATE = Setting.number("train.outerLearningRate", "outerStepSize", 1.0,
            Bounds.above(0), "K > 1: the driver's step along the averaged parameter change; 1 with no momentum is plain"
                    + " averaging (SparkNet, federated averaging).").fixedOnResume();
    public static final Setting<Double> OUTER_MOMENTUM = Setting.number("train.outerMomentum", "outerMomentum", 0,
            Bounds.fromUntil(0, 1), "K > 1: Nesterov momentum of the driver's outer step (DiLoCo: outer learning rate"
                    + " 0.7, momentum 0.9); 0 for none.").fixedOnResume();

    // ---- checkpoints

    public static final Setting<String> CHECKPOINT_DIR = Setting.string("train.checkpoint.dir", "checkpointDir", "",
            "Directory URI for checkpoints; empty for none. A command-line run started again with the same directory"
                    + " resumes from the latest checkpoint there.");
    public static final Setting<Long> CHECKPOINT_INTERVAL = Setting.longInteger("train.checkpoint.interval", "checkpointInterval", 0,
            Bounds.atLeast(0), "Write a checkpoint every this many iterations; 0 for once per epoch.");
    public static final Setting<Integer> CHECKPOINTS_KEPT = Setting.integer("train.checkpoint.kept", "checkpointsKept", 3,
            Bounds.atLeast(1), "Checkpoints kept in train.checkpoint.dir, newest first.");

    /** Every setting, in the order the defaults file documents them. */
    public static final List<Setting<?>> ALL = List.of(HIDDEN, ACTIVATION, INIT, DROPOUT, CLASSES, STANDARDIZE, STANDARDIZE_SCALE, STANDARDIZE_TARGET, CACHE_FORMAT, VALIDATION_FRACTION,
            OPTIMIZER, LEARNING_RATE, MOMENTUM, BETA1, BETA2, EPSILON, SCHEDULE, DECAY_STEPS, DECAY_RATE, MIN_RATE,
            WARMUP_STEPS, LEARNING_RATE_SCALE, WEIGHT_DECAY, CLIP_NORM, CLASS_WEIGHTS, BATCH_SIZE, EPOCHS, MAX_ITERATIONS, SEED, PATIENCE, LOG_INTERVAL,
            LOCAL_STEPS, LOCAL_OPTIMIZER_STATE, OUTER_LEARNING_RATE, OUTER_MOMENTUM, CHECKPOINT_DIR, CHECKPOINT_INTERVAL, CHECKPOINTS_KEPT, EVAL_BATCH_SIZE, AGGREGATION, SYNCHRONOUS_EXCHANGE, SPARSE_TRANSFER, SPARSE_UPDATE);

    private static final Map<String, Setting<?>> BY_KEY = index();

    private static Map<String, Setting<?>> index() {
        Map<String, Setting<?>> m = new LinkedHashMap<>();
        for (Setting<?> s : ALL) {
            if (m.put(s.key(), s) != null) {
                throw new IllegalStateException("two settings use the key " + s.key());
            }
        }
        return m;
    }

    /** The setting with configuration key {@code key}, or null. */
    public static Setting<?> byKey(String key) {
        return BY_KEY.get(key);
    }

    private static boolean isHiddenActivation(String name) {
        try {
            Activation a = Activation.of(name);
            return a != null && !(a instanceof Softmax);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
