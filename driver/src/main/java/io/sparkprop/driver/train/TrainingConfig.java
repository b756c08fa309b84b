package io.sparkprop.driver.train;

import io.sparkprop.core.nn.Dropout;
import io.sparkprop.core.nn.NetworkSpec;
import io.sparkprop.core.nn.ParameterLayout;
import io.sparkprop.core.nn.WeightInit;
import io.sparkprop.core.optim.LearningRateSchedule;
import io.sparkprop.core.optim.Optimizer;
import io.sparkprop.core.optim.UpdateRule;
import io.sparkprop.driver.config.Choice;
import io.sparkprop.driver.config.ConfigurationException;
import io.sparkprop.driver.config.Setting;
import io.sparkprop.driver.config.TrainingSettings;

import java.io.Serializable;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import static io.sparkprop.driver.config.TrainingSettings.*;

/**
 * The values of every {@link TrainingSettings} setting for one run (defaults where not set), and the
 * network once it is known. Built with {@link #builder()}: {@code set} checks each value against its
 * setting's range, {@code build()} the constraints between settings; both name the configuration
 * key, the value and what was expected.
 */
public final class TrainingConfig implements Serializable {
    private static final long serialVersionUID = 2L;

    /** Values by configuration key (Integer, Long, Double, Boolean, String or int[]), every setting present. */
    private final Map<String, Object> values;
    private final NetworkSpec network;

    private TrainingConfig(Map<String, Object> values, NetworkSpec network) {
        this.values = values;
        this.network = network;
    }

    /** A builder holding every setting's default. */
    public static Builder builder() {
        return new Builder(null);
    }

    /** A builder holding every setting's default, for {@code network}. */
    public static Builder builder(NetworkSpec network) {
        return builder().network(network);
    }

    /** A builder holding this configuration's values, to change a few. */
    public Builder toBuilder() {
        Builder b = new Builder(network);
        b.values.putAll(values);
        return b;
    }

    /** The value of {@code setting}. */
    @SuppressWarnings("unchecked")
    public <T> T get(Setting<T> setting) {
        Object v = values.get(setting.key());
        return (T) (v instanceof int[] a ? a.clone() : v);
    }

    /** The network to train; set by the fit once the data's width and classes are known. */
    public NetworkSpec network() {
        if (network == null) {
            throw new IllegalStateException("the training configuration has no network yet");
        }
        return network;
    }

    /** Checkpoint directory URI (file://, hdfs://, s3a://...), or null for none. */
    public String checkpointDir() {
        String dir = get(CHECKPOINT_DIR);
        return dir == null || dir.isEmpty() ? null : dir;
    }

    /** The seeded initial parameters. */
    public float[] initialParameters() {
        return WeightInit.named(get(INIT), network()).initialize(network().layout(), get(SEED));
    }

    /** Training's dropout: model.dropout on every hidden layer, its masks keyed by train.seed. */
    public Dropout dropout() {
        return new Dropout(get(DROPOUT), get(SEED));
    }

    /**
     * train.sparseUpdate for the update rule's steps (synchronous, or the partitions' local steps) on
     * sparse input: whether they visit only the touched first-layer columns. auto takes touched only
     * where that is the dense step exactly, sgd without weight decay.
     */
    public boolean touchedSteps() {
        return switch (Choice.of(Choice.SparseUpdate.class, get(SPARSE_UPDATE))) {
            case TOUCHED -> true;
            case DENSE -> false;
            // a stateless optimizer (sgd) leaves a weight whose gradient is zero as it is
            case AUTO -> newOptimizer().stateArrays() == 0 && get(WEIGHT_DECAY) == 0;
        };
    }

    /**
     * train.sparseUpdate for the outer step of local steps on sparse input: auto takes touched where it
     * is exact, outer momentum 0 (an untouched column's change and velocity are then both zero).
     */
    public boolean touchedOuterStep() {
        return switch (Choice.of(Choice.SparseUpdate.class, get(SPARSE_UPDATE))) {
            case TOUCHED -> true;
            case DENSE -> false;
            case AUTO -> get(OUTER_MOMENTUM) == 0;
        };
    }

    /**
     * The driver-side update (clip, weight decay, optimizer step at lr(t)) for this run.
     *
     * @param iterationsPerEpoch the default decay interval of the step, exponential and inverse-time schedules
     * @param totalIterations    the run's planned iterations, the default length of a cosine decay
     */
    public UpdateRule newUpdateRule(ParameterLayout layout, long iterationsPerEpoch, long totalIterations) {
        Optimizer optimizer = newOptimizer();
        LearningRateSchedule schedule = LearningRateSchedule.named(get(SCHEDULE), get(LEARNING_RATE), get(DECAY_STEPS),
                get(DECAY_RATE), get(MIN_RATE), get(WARMUP_STEPS), iterationsPerEpoch, totalIterations);
        return new UpdateRule(optimizer, schedule, get(WEIGHT_DECAY), get(CLIP_NORM), layout.weightRanges(), layout.size());
    }

    /** train.optimizer with its hyper-parameters, without state. */
    Optimizer newOptimizer() {
        return Optimizer.named(get(OPTIMIZER), get(MOMENTUM), get(BETA1), get(BETA2), get(EPSILON));
    }

    /** train.aggregation. */
    public Choice.Aggregation aggregation() {
        return Choice.of(Choice.Aggregation.class, get(AGGREGATION));
    }

    /** train.localSteps.optimizerState. */
    public Choice.SynchronousExchange synchronousExchange() {
        return Choice.of(Choice.SynchronousExchange.class, get(SYNCHRONOUS_EXCHANGE));
    }

    public Choice.LocalOptimizerState localOptimizerState() {
        return Choice.of(Choice.LocalOptimizerState.class, get(LOCAL_OPTIMIZER_STATE));
    }

    /** data.standardizeScale. */
    public Choice.StandardizeScale standardizeScale() {
        return Choice.of(Choice.StandardizeScale.class, get(STANDARDIZE_SCALE));
    }

    /** train.localSteps set to a count K, else 0: auto or timed choose K ({@link #localStepsTimed()}). */
    public int localStepsCount() {
        String v = get(LOCAL_STEPS);
        return Character.isDigit(v.charAt(0)) ? Integer.parseInt(v) : 0;
    }

    /** Whether train.localSteps = timed: K from rounds timed on this cluster (else auto's estimate, or a count). */
    public boolean localStepsTimed() {
        return localStepsCount() == 0 && Choice.of(Choice.LocalSteps.class, get(LOCAL_STEPS)) == Choice.LocalSteps.TIMED;
    }

    /**
     * Every setting's value by configuration key, in declaration order: the one provenance shape,
     * recorded in model.json ({@code training.configuration}) and in checkpoints.
     */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Setting<?> s : TrainingSettings.ALL) {
            m.put(s.key(), get(s));
        }
        return m;
    }

    @Override
    public String toString() {
        Map<String, String> text = new LinkedHashMap<>();
        for (Setting<?> s : TrainingSettings.ALL) {
            text.put(s.key(), s.format(get(s)));
        }
        return text.toString();
    }

    /** The layer sizes of a fit's network: the input width, model.hidden, the outputs. */
    int[] layerSizes(int inputWidth, int outputs) {
        int[] hidden = get(HIDDEN);
        int[] sizes = new int[hidden.length + 2];
        sizes[0] = inputWidth;
        System.arraycopy(hidden, 0, sizes, 1, hidden.length);
        sizes[sizes.length - 1] = outputs;
        return sizes;
    }

    /** input -> hidden layers (model.activation) -> outputs (softmax or identity), for layer sizes {@code sizes}. */
    NetworkSpec networkSpec(int[] sizes, boolean classification) {
        int[] widths = Arrays.copyOfRange(sizes, 1, sizes.length);
        String[] activations = new String[widths.length];
        Arrays.fill(activations, get(ACTIVATION));
        activations[widths.length - 1] = classification ? "softmax" : "identity";
        return new NetworkSpec(sizes[0], widths, activations, classification ? "softmax_cross_entropy" : "mse");
    }

    /** Values checked one by one as they are set; {@link #build()} checks the constraints between them. */
    public static final class Builder {
        private final Map<String, Object> values = new LinkedHashMap<>();
        private NetworkSpec network;

        private Builder(NetworkSpec network) {
            this.network = network;
            for (Setting<?> s : TrainingSettings.ALL) {
                values.put(s.key(), s.defaultValue());
            }
        }

        public Builder network(NetworkSpec spec) {
            this.network = spec;
            return this;
        }

        /** Sets {@code setting}; an enum's value is taken in lower case. */
        public <T> Builder set(Setting<T> setting, T value) {
            Object v = value instanceof String str && (setting.kind() == Setting.Kind.ENUM || setting.kind() == Setting.Kind.AUTO_OR_INT)
                    ? str.trim().toLowerCase(java.util.Locale.ROOT) : value;
            String problem = setting.problem(v);
            if (problem != null) {
                throw invalid(setting, v, problem);
            }
            values.put(setting.key(), v instanceof int[] a ? a.clone() : v);
            return this;
        }

        /** Sets {@code setting} from its text form, as configuration files write it. */
        public Builder parse(Setting<?> setting, String text) {
            Object v;
            try {
                v = setting.parse(text);
            } catch (IllegalArgumentException e) {
                throw invalid(setting, "'" + text + "'", e.getMessage());
            }
            values.put(setting.key(), v);
            return this;
        }

        /** Checks what no single setting can: ranges that depend on another setting. */
        public TrainingConfig build() {
            String schedule = (String) values.get(SCHEDULE.key());
            double rate = (Double) values.get(DECAY_RATE.key());
            if (LearningRateSchedule.multipliesByDecayRate(schedule) && rate > 1) {
                throw invalid(DECAY_RATE, rate, "a number in (0, 1] for the " + schedule + " schedule");
            }
            double minRate = (Double) values.get(MIN_RATE.key());
            double lr = (Double) values.get(LEARNING_RATE.key());
            if (minRate > lr) {
                throw invalid(MIN_RATE, minRate, "a number in [0, " + LEARNING_RATE.key() + " = " + lr + "]");
            }
            if ((Integer) values.get(CLASSES.key()) == 1) {
                throw invalid(CLASSES, 1, "0 (K from the labels) or a class count from 2 to " + MAX_CLASSES);
            }
            return new TrainingConfig(new LinkedHashMap<>(values), network);
        }

        private static ConfigurationException invalid(Setting<?> setting, Object value, String expected) {
            String shown = value instanceof int[] a ? setting.format(a) : value instanceof String s && !s.startsWith("'")
                    ? "'" + s + "'" : String.valueOf(value);
            return new ConfigurationException("training configuration: " + setting.key() + " = " + shown
                    + " is invalid, expected " + expected);
        }
    }
}
