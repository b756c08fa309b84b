package io.sparkprop.jobs.config;

import io.sparkprop.driver.config.ConfigurationException;
import io.sparkprop.driver.config.Setting;
import io.sparkprop.driver.config.TrainingSettings;
import io.sparkprop.driver.train.TrainingConfig;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The effective configuration of one job: shipped defaults, then a job file, then command-line
 * overrides, each layer replacing the one before. Every sparkprop key is checked against the schema
 * (unknown keys get a "did you mean"); keys under {@code spark.} pass through to Spark unchecked.
 */
public final class JobConfig {
    public static final String REDACTED = CredentialRedaction.REDACTED;
    /** Keys handed to Hadoop by Spark; recorded in models and reports only when output.recordSparkConf asks. */
    private static final String SPARK_HADOOP = "spark.hadoop.";

    private final Map<String, String> values;
    private final Map<String, String> sources;
    private final CredentialRedaction redaction;

    private final List<String> warnings;

    private JobConfig(Map<String, String> values, Map<String, String> sources, List<String> warnings) {
        this.values = values;
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
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> sources = new LinkedHashMap<>();
        List<String> warnings = new ArrayList<>();
        schema.entries().values().forEach(s -> {
            values.put(s.key(), s.format(s.defaultValue()));
            sources.put(s.key(), "default");
        });
        apply(schema, jobFile, "job file " + jobFileName, values, sources, warnings);
        apply(schema, overrides, "the command line", values, sources, warnings);
        return new JobConfig(values, sources, warnings);
    }

    private static void apply(ConfigSchema schema, Map<String, String> layer, String source,
                              Map<String, String> values, Map<String, String> sources, List<String> warnings) {
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
                    setting.parse(value);
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
        for (Setting<?> s : TrainingSettings.ALL) {
            b.parse(s, getString(s.key()));
        }
        return b.build();
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
        if (!getBoolean("output.recordSparkConf")) {
            out.keySet().removeIf(k -> k.startsWith(SPARK_HADOOP));
        }
        return Collections.unmodifiableMap(out);
    }

    public String getString(String key) {
        String v = values.get(key);
        if (v == null) {
            throw new IllegalStateException("configuration key " + key + " is not in the schema");
        }
        return v;
    }

    /** Null for an empty value. */
    public String getOptional(String key) {
        String v = getString(key);
        return v.isEmpty() ? null : v;
    }

    public int getInt(String key) {
        return Integer.parseInt(getString(key));
    }

    public long getLong(String key) {
        return Long.parseLong(getString(key));
    }

    public double getDouble(String key) {
        return Double.parseDouble(getString(key));
    }

    public boolean getBoolean(String key) {
        return Boolean.parseBoolean(getString(key).trim());
    }

    public int[] getIntList(String key) {
        String v = getString(key);
        return v.isEmpty() ? new int[0] : Arrays.stream(v.split(",")).mapToInt(s -> Integer.parseInt(s.trim())).toArray();
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

    /** {@code text} with the value of every sensitive {@code key=value} pair inside it replaced. */
    public String redactInside(String text) {
        return redaction.redactInside(text);
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
        List<String> lines = new ArrayList<>();
        redacted().forEach((k, v) -> lines.add(k + " = " + v + "   (" + sources.get(k) + ")"));
        return lines;
    }
}
