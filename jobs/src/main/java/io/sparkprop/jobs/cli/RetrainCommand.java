package io.sparkprop.jobs.cli;

import io.sparkprop.jobs.config.JobConfig;
import io.sparkprop.jobs.train.RetrainJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.UUID;
import java.util.concurrent.Callable;

/** {@code sparkprop retrain}: one scheduled retraining run of a model in a registry (see RetrainJob). */
@Command(name = "retrain", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Retrain the model in service on new data and promote the candidate if it is not worse.",
                "Warm-starts from the registry's CURRENT version (a fresh model when there is none), evaluates candidate",
                "and CURRENT on the same holdout, and on success writes a new version and points CURRENT at it."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the candidate was promoted (or a fresh model written)",
                "1:failed (one line saying why on stderr); nothing was promoted",
                "2:usage error",
                "3:the candidate was rejected; CURRENT is unchanged",
                "4:another run holds the model's lock (the message names it)"},
        footer = {"", "The same --run-id again resumes a run that died (from its checkpoints);",
                "for a run that finished it does nothing and exits with the code that run had.",
                "Example: sparkprop retrain --registry hdfs:///models --name digits \\",
                "    --data hdfs:///digits/today --validation hdfs:///digits/holdout"})
final class RetrainCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions configOptions;
    @Mixin
    RegistryOptions registryOptions;
    @Mixin
    TrainingDataOptions dataOptions;

    @Option(names = "--run-id", paramLabel = "ID", description = "This run's id (default: generated from the time).")
    String runId;
    @Option(names = "--replay", paramLabel = "PATH", description = "Older data to mix in (retrain.replay.data).")
    String replay;
    @Option(names = "--replay-fraction", paramLabel = "F", description = "Fraction of the older data mixed in (retrain.replay.fraction).")
    Double replayFraction;
    @Option(names = "--metric", description = "accuracy, loss, rmse, mae or r2 (retrain.metric).")
    String metric;
    @Option(names = "--tolerance", description = "How much worse than CURRENT the candidate may be (retrain.tolerance).")
    Double tolerance;
    @Option(names = "--keep", description = "Versions kept (retrain.keep).")
    Integer keep;
    @Option(names = "--verbose", description = "Print every configuration key with its value and source, not only those that differ from the defaults.")
    boolean verbose;

    @picocli.CommandLine.ParentCommand
    SparkpropCommand root;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Shortcuts s = new Shortcuts();
        registryOptions.put(s);
        dataOptions.put(s);
        s.put("--replay", "retrain.replay.data", replay);
        s.put("--replay-fraction", "retrain.replay.fraction", replayFraction);
        s.put("--metric", "retrain.metric", metric);
        s.put("--tolerance", "retrain.tolerance", tolerance);
        s.put("--keep", "retrain.keep", keep);
        JobConfig config = configOptions.resolve(s);
        String id = runId != null ? runId
                : LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-" + UUID.randomUUID().toString().substring(0, 8);
        PrintWriter out = spec.commandLine().getOut();
        out.println("run id: " + id);
        ConfigOptions.print(out, config, verbose);
        return new RetrainJob(config, SparkSessions.hadoopConfiguration(config),
                () -> SparkSessions.start(config, "sparkprop retrain"), out).progressOnTerminal(root.terminal())
                .warnings(line -> spec.commandLine().getErr().println("warning: " + line)).run(id);
    }
}
