package io.sparkprop.jobs.output;

import io.sparkprop.driver.config.TrainingSettings;
import io.sparkprop.driver.io.OutputSwap;
import io.sparkprop.driver.model.ModelStore;
import io.sparkprop.driver.model.OnnxExporter;
import io.sparkprop.jobs.config.ConfigSchema;
import io.sparkprop.jobs.config.JobConfig;
import io.sparkprop.jobs.config.JobSettings;
import io.sparkprop.jobs.registry.ModelRegistry;
import io.sparkprop.driver.io.RunLock;
import io.sparkprop.jobs.train.TrainJob;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The checks every command that writes makes before Spark starts: no output is, contains or lies
 * inside an input (whatever --overwrite says), only an output sparkprop wrote is replaced, and one
 * run at a time writes an output (its lock, {@link RunLock#acquireOutput}).
 */
public final class OutputGuard {
    private static final String OUTSIDE_INPUTS = "sparkprop would write into an input; choose an output outside every input";

    private OutputGuard() {
    }

    /**
     * {@code train}: output.model and train.checkpoint.dir against the training and validation data
     * and each other, the model checked as {@link TrainJob#checkOutput} does; returns output.model's lock.
     */
    public static RunLock train(JobConfig config, Configuration conf, PrintWriter out) throws IOException {
        List<Place> inputs = data(config, conf);
        Place output = Place.output("output path", config.get(JobSettings.OUTPUT_MODEL), conf);
        output.refuseOverlap(inputs, OUTSIDE_INPUTS);
        String checkpoints = config.optional(TrainingSettings.CHECKPOINT_DIR);
        if (checkpoints != null) {
            Place folder = Place.output("checkpoint folder (train.checkpoint.dir)", checkpoints, conf);
            folder.refuseOverlap(inputs, OUTSIDE_INPUTS);
            folder.refuseOverlap(List.of(output), "replacing the model would delete the checkpoints, or they would land"
                    + " in the model; choose a checkpoint folder apart from the output");
        }
        TrainJob.checkOutput(new ModelStore(conf), config);
        return lock(output, "train", config, conf, out);
    }

    /** {@code predict}: the output against the model and the data, checked as {@code kind}; returns its lock. */
    public static RunLock predict(JobConfig config, String model, String output, boolean overwrite, OutputSwap.Kind kind,
                                       Configuration conf, PrintWriter out) throws IOException {
        List<Place> inputs = new ArrayList<>(List.of(Place.input("the data", config.get(JobSettings.DATA_TRAIN), conf)));
        inputs.add(Place.input("the model", model, conf));
        Place place = Place.output("output path", output, conf);
        place.refuseOverlap(inputs, OUTSIDE_INPUTS);
        Path target = place.paths().get(0);
        OutputSwap.check(OutputSwap.fileSystem(target, conf), target, overwrite, kind);
        return lock(place, "predict", config, conf, out);
    }

    /**
     * {@code export}: the file against the model, checked as an ONNX file sparkprop writes; returns its lock
     * (heartbeat and staleness: the defaults).
     */
    public static RunLock export(String model, String output, boolean overwrite, Configuration conf, PrintWriter out)
            throws IOException {
        Place place = Place.output("output path", output, conf);
        place.refuseOverlap(List.of(Place.input("the model", model, conf)), OUTSIDE_INPUTS);
        Path target = place.paths().get(0);
        OutputSwap.check(OutputSwap.fileSystem(target, conf), target, overwrite, OnnxExporter.KIND);
        return lock(place, "export", JobConfig.resolve(ConfigSchema.shipped(), Map.of(), "-", Map.of()), conf, out);
    }

    /** {@code retrain}: the model's registry folder against the new, validation and replay data. */
    public static void retrain(ModelRegistry registry, JobConfig config, Configuration conf) {
        List<Place> inputs = new ArrayList<>(data(config, conf));
        String replay = config.optional(JobSettings.REPLAY_DATA);
        if (replay != null) {
            inputs.add(Place.input("the replay data", replay, conf));
        }
        Place.output("the folder of model '" + registry.name() + "' in the registry", registry.dir().toString(), conf)
                .refuseOverlap(inputs, OUTSIDE_INPUTS);
    }

    private static List<Place> data(JobConfig config, Configuration conf) {
        List<Place> inputs = new ArrayList<>();
        inputs.add(Place.input("the training data", config.get(JobSettings.DATA_TRAIN), conf));
        String validation = config.optional(JobSettings.DATA_VALIDATION);
        if (validation != null) {
            inputs.add(Place.input("the validation data", validation, conf));
        }
        return inputs;
    }

    private static RunLock lock(Place output, String command, JobConfig config, Configuration conf, PrintWriter out)
            throws IOException {
        Path target = output.paths().get(0);
        FileSystem fs = OutputSwap.fileSystem(target, conf);
        String runId = command + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        return RunLock.acquireOutput(fs, target, runId, config.get(JobSettings.LOCK_HEARTBEAT),
                config.get(JobSettings.LOCK_STALE_AFTER), out);
    }
}
