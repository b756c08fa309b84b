package io.sparkprop.jobs.config;

import io.sparkprop.driver.config.Choice;
import io.sparkprop.driver.config.ConfigurationException;
import io.sparkprop.driver.config.Setting;
import io.sparkprop.driver.config.TrainingSettings;
import io.sparkprop.driver.model.SavedModel.Task;
import io.sparkprop.driver.train.TrainingConfig;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The effective configuration of one job: shipped defaults, then a job file, then command-line
 * overrides, each layer replacing the one before. Every sparkprop key is checked against the schema
 * (unknown keys get a "did you mean"); keys under {@code spark.} pass through to Spark unchecked.
 * Each key remembers the layer that set it ("default", "job file PATH", "--conf", "--epochs"), so
 * what is printed can say where a value came from.
 */
public final class JobConfig {
    public static final String REDACTED = CredentialRedaction.REDACTED;
    /** Keys handed to Hadoop by Spark; recorded in models and reports only when output.recordSparkConf asks. */
    private static final String SPARK_HADOOP = "spark.hadoop.";

    /** The source of a key nothing overrode. */
    public static final String DEFAULT_SOURCE = "default";

    private final ConfigSchema schema;
    /** Every key's text as given (what is printed and recorded). */
    private final Map<String, String> values;
    /** The schema's keys' typed values, parsed once as each layer is applied. */
    private final Map<String, Object> parsed;
    private final Map<String, String> sources;
    private final CredentialRedaction redaction;

    private final List<String> warnings;

    /**
     * One command-line layer: the entries one option set, and how to name it where the
     * configuration is printed ("--conf", or the option, e.g. "--epochs").
     */
    public record Layer(String source, Map<String, String> entries) {
    }

    private JobConfig(ConfigSchema schema, Map<String, String> values, Map<String, Object> parsed, Map<String, String> sources,
                      List<String> warnings) {
        this.schema = schema;
        this.values = values;
        this.parsed = parsed;
        this.sources = sources;
        this.warnings = List.copyOf(warnings);
        this.redaction = CredentialRedaction.of(values);
    }

    /**
     * @param jobFile     entries of the job file (may be empty), in file order
     * @param jobFileName its name, for messages
     * @param overrides   command-line {@code key=value} overrides, in order
     */
    public static JobConfig resolve(ConfigSchema schema, Map<String, String> jobFile, String jobFileName,
                                    Map<String, String> overrides) {
        return resolve(schema, jobFile, jobFileName, List.of(new Layer("the command line", overrides)));
    }

    /**
     * @param jobFile     entries of the job file (may be empty), in file order
     * @param jobFileName its name, for messages
     * @param commandLine the command line's layers, in order of precedence (later ones win)
     */
    public static JobConfig resolve(ConfigSchema schema, Map<String, String> jobFile, String jobFileName,
                                    List<Layer> commandLine) {
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, Object> parsed = new LinkedHashMap<>();
        Map<String, String> sources = new LinkedHashMap<>();
        List<String> warnings = new ArrayList<>();
        schema.entries().values().forEach(s -> {
            values.put(s.key(), s.format(s.defaultValue()));
            parsed.put(s.key(), s.defaultValue());
            sources.put(s.key(), DEFAULT_SOURCE);
        });
        apply(schema, jobFile, "job file " + jobFileName, values, parsed, sources, warnings);
        for (Layer layer : commandLine) {
            apply(schema, layer.entries(), layer.source(), values, parsed, sources, warnings);
        }
        return new JobConfig(schema, values, parsed, sources, warnings);
    }

    private static void apply(ConfigSchema schema, Map<String, String> layer, String source, Map<String, String> values,
                              Map<String, Object> parsed, Map<String, String> sources, List<String> warnings) {
        for (Map.Entry<String, String> kv : layer.entrySet()) {
            String key = kv.getKey().trim();
            String value = kv.getValue().trim();
            if (!key.startsWith("spark.") || schema.entry(key) != null) {
                Setting<?> setting = schema.entry(key);
                if (setting == null && schema.replacementOf(key) != null) {
                    setting = schema.replacementOf(key);
                    warnings.add("configuration key " + key + " (from " + source + ") is deprecated and will be removed in the"
                            + " next release: use " + setting.key() + " (this value is read as " + setting.key() + ")");
                    key = setting.key();
                }
                if (setting == null) {
                    throw new ConfigurationException("unknown configuration key '" + key + "' (from " + source
                            + "); did you mean '" + schema.closest(key) + "'? See conf/sparkprop-defaults.conf for every key");
                }
                try {
                    parsed.put(key, setting.parse(value));
                } catch (IllegalArgumentException e) {
                    throw new ConfigurationException("configuration key " + key + " (from " + source + ") is '" + value
                            + "', expected " + e.getMessage());
                }
            }
            values.put(key, value);
            sources.put(key, source);
        }
    }

    /** Deprecation warnings of the keys read (one line each), for the command to print. */
    public List<String> warnings() {
        return warnings;
    }

    /** The training settings' values: what {@link io.sparkprop.driver.train.ModelFit} takes. */
    public TrainingConfig trainingConfig() {
        TrainingConfig.Builder b = TrainingConfig.builder();
        TrainingSettings.ALL.forEach(s -> copy(s, b));
        return b.build();
    }

    private <T> void copy(Setting<T> setting, TrainingConfig.Builder b) {
        b.set(setting, get(setting));
    }

    /**
     * The job's own keys (not the training settings, which a model records on their own) as a model
     * records them: {@link #recorded()}.
     */
    public Map<String, String> redactedJobSettings() {
        Map<String, String> out = new LinkedHashMap<>(recorded());
        TrainingSettings.ALL.forEach(s -> out.remove(s.key()));
        return out;
    }

    /**
     * What model.json, report.html and the registry's history may hold: {@link #redacted()} without
     * the {@code spark.hadoop.*} keys (file system settings, where credentials live), unless
     * output.recordSparkConf asks for them (still redacted).
     */
    public Map<String, String> recorded() {
        Map<String, String> out = new LinkedHashMap<>(redacted());
        if (!get(JobSettings.RECORD_SPARK_CONF)) {
            out.keySet().removeIf(k -> k.startsWith(SPARK_HADOOP));
        }
        return Collections.unmodifiableMap(out);
    }

    /** The value of {@code setting}, a key of the schema, as parsed from the layer that set it. */
    @SuppressWarnings("unchecked")
    public <T> T get(Setting<T> setting) {
        if (schema.entry(setting.key()) != setting) {
            throw new IllegalStateException("configuration key " + setting.key() + " is not in the schema");
        }
        Object v = parsed.get(setting.key());
        return (T) (v instanceof int[] a ? a.clone() : v);
    }

    /** The value of a string {@code setting}, or null when it is empty. */
    public String optional(Setting<String> setting) {
        String v = get(setting);
        return v.isEmpty() ? null : v;
    }

    /** data.format. */
    public DataFormat dataFormat() {
        return Choice.of(DataFormat.class, get(JobSettings.DATA_FORMAT));
    }

    /** model.task. */
    public Task task() {
        return Choice.of(Task.class, get(JobSettings.TASK));
    }

    /** retrain.metric. */
    public RetrainMetric retrainMetric() {
        return Choice.of(RetrainMetric.class, get(JobSettings.RETRAIN_METRIC));
    }

    /** The keys under {@code spark.} that the defaults, job file or command line set. */
    public Map<String, String> sparkSettings() {
        Map<String, String> out = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith("spark.")) {
                out.put(k, v);
            }
        });
        return out;
    }

    /** Whether {@code key}'s value is a credential (Spark's, Hadoop's and sparkprop's rules: {@link CredentialRedaction}). */
    public boolean isSecret(String key) {
        return redaction.isSecret(key);
    }

    /** {@code text} with the secrets inside it replaced: in URIs, and the value of every sensitive {@code key=value} pair. */
    public String redactInside(String text) {
        return redaction.redactInside(text);
    }

    /**
     * {@code value} with {@link #redactInside} applied to every string in it, through maps and lists
     * (keys stay): what a model's training metadata may record (data paths, a checkpoint URI).
     */
    public Object redactStrings(Object value) {
        if (value instanceof String text) {
            return redactInside(text);
        }
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(k, redactStrings(v)));
            return out;
        }
        if (value instanceof List<?> list) {
            return list.stream().map(this::redactStrings).toList();
        }
        return value;
    }

    /**
     * Every key and value, credentials replaced by {@link #REDACTED} (and secrets inside values by
     * it too): what may be printed.
     */
    public Map<String, String> redacted() {
        Map<String, String> out = new LinkedHashMap<>();
        values.forEach((k, v) -> out.put(k, redaction.redact(k, v)));
        return Collections.unmodifiableMap(out);
    }

    /** The effective configuration as lines {@code key = value   (source)}, redacted. */
    public List<String> describe() {
        return lines(key -> true);
    }

    /**
     * The lines of {@link #describe} whose value differs from the shipped default: what a run
     * prints unless asked for every key. A key set to its default (in any spelling, e.g.
     * {@code 0.0010}) is left out; a key without a declared default (most {@code spark.} keys) is in.
     */
    public List<String> describeChanged() {
        return lines(this::differsFromDefault);
    }

    private List<String> lines(Predicate<String> which) {
        List<String> lines = new ArrayList<>();
        redacted().forEach((k, v) -> {
            if (which.test(k)) {
                lines.add(k + " = " + v + "   (" + sources.get(k) + ")");
            }
        });
        return lines;
    }

    private boolean differsFromDefault(String key) {
        Setting<?> setting = schema.entry(key);
        if (setting == null) {
            return true;
        }
        return !setting.format(parsed.get(key)).equals(setting.format(setting.defaultValue()));
    }
}
