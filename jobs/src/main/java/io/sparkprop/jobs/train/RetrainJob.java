package io.sparkprop.jobs.train;

import io.sparkprop.driver.config.ConfigurationException;
import io.sparkprop.driver.config.Setting;
import com.fasterxml.jackson.databind.JsonNode;
import io.sparkprop.driver.config.TrainingSettings;
import io.sparkprop.driver.model.SavedModel;
import io.sparkprop.jobs.config.JobConfig;
import io.sparkprop.jobs.config.JobSettings;
import io.sparkprop.jobs.config.RetrainMetric;
import io.sparkprop.jobs.output.OutputGuard;
import io.sparkprop.jobs.registry.ModelRegistry;
import io.sparkprop.driver.io.RunLock;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The {@code retrain} job: one scheduled retraining run of a model in a {@link ModelRegistry}.
 * <pre>
 *   take the model's lock (RunLock)                 another live run holds it: HeldException
 *   run id already in the history                   nothing to do, its recorded exit code
 *   read CURRENT (none: a fresh model)              missing or corrupt: an error, nothing written
 *   train warm from CURRENT on the new data (+ replay sample), checkpointing under runs/&lt;run-id&gt;
 *   evaluate candidate and CURRENT on the same holdout
 *   gate: candidate not worse than CURRENT by more than the tolerance on the metric
 *     pass: write version n+1 (complete before anything names it), swap CURRENT to it, prune
 *     fail: nothing but the history line
 *   append the history line; delete the run's checkpoints; release the lock
 * </pre>
 * A run that dies before its history line is written leaves its checkpoints, so running it again
 * with the same run id resumes; a version it wrote already (model.json records the run id) is
 * reused rather than written twice.
 */
public final class RetrainJob {
    /** Exit code: the candidate is the new CURRENT. */
    public static final int EXIT_PROMOTED = 0;
    /** Exit code: the candidate was rejected by the gate; CURRENT is unchanged. */
    public static final int EXIT_KEPT = 3;

    private final JobConfig config;
    private final Configuration hadoopConf;
    private final Supplier<SparkLease> sparkStarter;
    private final PrintWriter out;
    private boolean terminal;
    private Consumer<String> warnings = line -> { };

    /**
     * @param hadoopConf   for the registry (Spark is started only once the lock is held)
     * @param sparkStarter starts Spark when there is training to do; the job closes the lease
     */
    public RetrainJob(JobConfig config, Configuration hadoopConf, Supplier<SparkLease> sparkStarter, PrintWriter out) {
        this.config = config;
        this.hadoopConf = hadoopConf;
        this.sparkStarter = sparkStarter;
        this.out = out;
    }

    /** {@code true}: {@code out} is a terminal, so training shows one updating line per epoch (see {@link TrainJob}). */
    public RetrainJob progressOnTerminal(boolean terminal) {
        this.terminal = terminal;
        return this;
    }

    /** Where warnings go, one line each (a torn line of the registry's history). */
    public RetrainJob warnings(Consumer<String> sink) {
        this.warnings = sink;
        return this;
    }

    /** Runs retraining as run {@code runId}; returns {@link #EXIT_PROMOTED} or {@link #EXIT_KEPT}. */
    public int run(String runId) throws IOException {
        ModelRegistry.checkPlainName("run id", runId);
        String registryUri = required(JobSettings.REGISTRY, "--registry");
        ModelRegistry registry = new ModelRegistry(registryUri, required(JobSettings.REGISTRY_MODEL, "--name"), hadoopConf)
                .warnings(warnings);
        RetrainMetric metric = config.retrainMetric();
        if (config.optional(JobSettings.DATA_VALIDATION) == null && config.get(TrainingSettings.VALIDATION_FRACTION) == 0) {
            throw new ConfigurationException("retraining needs a holdout to compare the candidate with CURRENT: set"
                    + " data.validation (--validation) or data.validation.fraction > 0");
        }
        OutputGuard.retrain(registry, config, hadoopConf);
        boolean firstRun = !registry.hasFolder();
        boolean finished = false;
        try (RunLock lock = registry.lock(runId, config.get(JobSettings.LOCK_HEARTBEAT),
                config.get(JobSettings.LOCK_STALE_AFTER), out)) {
            int code = runLocked(registry, runId, metric);
            finished = true;
            return code;
        } finally {
            if (firstRun && !finished) {
                registry.deleteFolderIfEmpty();
            }
        }
    }

    /** The run proper, while this run holds the lock. */
    private int runLocked(ModelRegistry registry, String runId, RetrainMetric metric) throws IOException {
        Optional<JsonNode> done = registry.finishedRun(runId);
        if (done.isPresent()) {
            int code = done.get().path("exitCode").asInt(EXIT_PROMOTED);
            out.println("run " + runId + " already finished at " + done.get().path("time").asText() + " ("
                    + done.get().path("decision").asText() + "); nothing to do");
            return code;
        }
        OptionalInt current = registry.current();
        SavedModel base = current.isPresent() ? registry.read(current.getAsInt()) : null;
        boolean classification = (base != null ? base.task() : config.task()) == SavedModel.Task.CLASSIFICATION;
        metric.checkAppliesTo(classification);
        String baseName = base == null ? null : "the current model (version " + current.getAsInt() + " of '"
                + registry.name() + "')";
        out.println(base == null ? "model '" + registry.name() + "' has no version yet: training a fresh one"
                : "retraining " + baseName);
        if (registry.hasCheckpoints(runId)) {
            out.println("run " + runId + " was interrupted: resuming from its checkpoints in " + registry.checkpointDir(runId));
        }
        TrainJob.Outcome outcome;
        try (SparkLease lease = sparkStarter.get()) {
            SparkSession spark = lease.session();
            TrainJob.Retraining retraining = new TrainJob.Retraining(base, baseName, registry.checkpointDir(runId),
                    config.optional(JobSettings.REPLAY_DATA), config.get(JobSettings.REPLAY_FRACTION));
            outcome = new TrainJob(spark, config, out).progressOnTerminal(terminal).train(retraining);
        } catch (IOException | RuntimeException e) {
            registry.deleteRunIfNoCheckpoints(runId);
            throw e;
        }
        double tolerance = config.get(JobSettings.RETRAIN_TOLERANCE);
        double candidateValue = metric.of(outcome.metrics);
        boolean promote = base == null || metric.accepts(candidateValue, metric.of(outcome.baseMetrics), tolerance);
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("runId", runId);
        entry.put("time", Instant.now().toString());
        entry.put("dataTrain", config.redactInside(config.get(JobSettings.DATA_TRAIN)));
        entry.put("dataValidation", config.redactInside(config.get(JobSettings.DATA_VALIDATION)));
        entry.put("replayData", config.redactInside(config.get(JobSettings.REPLAY_DATA)));
        entry.put("replayFraction", config.get(JobSettings.REPLAY_FRACTION));
        entry.put("metric", metric.toString());
        entry.put("tolerance", tolerance);
        entry.put("previousVersion", current.isPresent() ? current.getAsInt() : null);
        entry.put("candidateMetrics", outcome.metrics.toMapWithRows());
        entry.put("currentMetrics", base == null ? null : outcome.baseMetrics.toMapWithRows());
        if (base != null) {
            out.printf("holdout %s: candidate %.6g, current %.6g (tolerance %s, %s is better)%n", metric, candidateValue,
                    metric.of(outcome.baseMetrics), tolerance, metric.higherIsBetter() ? "higher" : "lower");
        }
        int code;
        if (promote) {
            int version = promote(registry, runId, outcome, current);
            entry.put("version", version);
            entry.put("decision", "promoted");
            code = EXIT_PROMOTED;
        } else {
            entry.put("decision", "rejected");
            code = EXIT_KEPT;
            out.println("candidate rejected: CURRENT stays version " + current.getAsInt());
        }
        entry.put("exitCode", code);
        registry.appendHistory(entry);
        registry.deleteRun(runId);
        List<Integer> pruned = registry.prune(config.get(JobSettings.RETRAIN_KEEP));
        if (!pruned.isEmpty()) {
            out.println("deleted old versions " + pruned + " (keeping " + config.get(JobSettings.RETRAIN_KEEP) + ")");
        }
        return code;
    }

    /**
     * Writes the candidate as a new version and points CURRENT at it. If this run wrote a version
     * already (an earlier attempt died after writing it) that version is used. Should the pointer
     * swap fail, the new version is deleted again, leaving the registry as it was.
     */
    private int promote(ModelRegistry registry, String runId, TrainJob.Outcome outcome, OptionalInt previous) throws IOException {
        OptionalInt written = registry.versionOfRun(runId);
        boolean fresh = written.isEmpty();
        int version;
        if (fresh) {
            Map<String, Object> training = new LinkedHashMap<>(outcome.model.training());
            training.put("runId", runId);
            training.put("warmStartFrom", previous.isPresent() ? previous.getAsInt() : null);
            SavedModel tagged = outcome.model.withTraining(training);
            version = registry.write(tagged, outcome.reportFiles);
        } else {
            version = written.getAsInt();
            out.println("version " + version + " was written by an earlier attempt of run " + runId + "; using it");
        }
        try {
            registry.setCurrent(version);
        } catch (IOException | RuntimeException e) {
            if (fresh) {
                try {
                    registry.delete(version);
                } catch (IOException | RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
        out.println("promoted version " + version + " of '" + registry.name() + "' to CURRENT"
                + (previous.isPresent() ? " (was " + previous.getAsInt() + ")" : ""));
        return version;
    }

    private String required(Setting<String> setting, String option) {
        String v = config.optional(setting);
        if (v == null) {
            throw new ConfigurationException(setting.key() + " is not set (" + option + ")");
        }
        return v;
    }
}
