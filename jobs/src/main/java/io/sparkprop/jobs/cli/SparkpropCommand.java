package io.sparkprop.jobs.cli;

import io.sparkprop.driver.config.ConfigurationException;
import io.sparkprop.driver.io.RunLock;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/**
 * The {@code sparkprop} command line: the entry point of the spark-submit jar and of bin/sparkprop.
 * Exit codes: 0 success, 1 failure (one line saying why on stderr), 2 usage error, 4 another run holds
 * the lock (retrain, rollback; train and predict of the same output); retrain adds 3 (candidate rejected,
 * the current model kept).
 */
@Command(name = "sparkprop",
        mixinStandardHelpOptions = true,
        versionProvider = SparkpropCommand.Version.class,
        description = "Data-parallel training of feed-forward neural networks on Apache Spark.",
        subcommands = {TrainCommand.class, EvaluateCommand.class, PredictCommand.class, InfoCommand.class, ExportCommand.class,
                RetrainCommand.class, RollbackCommand.class, ListCommand.class, ConfigCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Run 'sparkprop COMMAND --help' for a command's options. Configuration keys and their defaults: conf/sparkprop-defaults.conf."})
public final class SparkpropCommand implements Runnable {
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_USAGE = 2;
    /** Another run holds the lock: of the model (retrain, rollback) or of the output (train, predict). */
    public static final int EXIT_LOCKED = 4;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Whether stdout is a terminal: then training shows one updating progress line per epoch. */
    private final boolean terminal;

    private SparkpropCommand(boolean terminal) {
        this.terminal = terminal;
    }

    boolean terminal() {
        return terminal;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required (train, evaluate, predict, info, export, config, ...)");
    }

    public static void main(String[] args) {
        // Java 17: a console exists only when stdin and stdout are both terminals (not redirected or piped).
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true), System.console() != null));
    }

    /** Runs a command line as for a log or a pipe (plain progress lines) and returns its exit code; used by tests. */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        return execute(args, out, err, false);
    }

    /**
     * Runs a command line and returns its exit code; {@code terminal}: stdout is a terminal. Everything
     * the command prints has the credentials in it redacted ({@link RedactingWriter}).
     */
    public static int execute(String[] args, PrintWriter out, PrintWriter err, boolean terminal) {
        CommandLine cl = new CommandLine(new SparkpropCommand(terminal));
        cl.setOut(new PrintWriter(new RedactingWriter(out), true));
        cl.setErr(new PrintWriter(new RedactingWriter(err), true));
        cl.setExitCodeExceptionMapper(e -> e instanceof CommandLine.ParameterException || e instanceof ConfigurationException
                ? EXIT_USAGE : e instanceof RunLock.HeldException ? EXIT_LOCKED : EXIT_FAILED);
        // A command line picocli cannot parse: one line, the problem and where the help is (not the
        // whole usage text, which would bury the problem).
        cl.setParameterExceptionHandler((e, arguments) -> {
            CommandLine failed = e.getCommandLine();
            String name = failed.getCommandSpec().qualifiedName();
            failed.getErr().println(name + ": error: " + FailureReport.oneLine(e) + " (see '" + name + " --help')");
            return EXIT_USAGE;
        });
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            FailureReport.print(commandLine.getCommandName(), e, commandLine.getErr());
            return commandLine.getExitCodeExceptionMapper().getExitCode(e);
        });
        try {
            return cl.execute(args);
        } finally {
            cl.getOut().flush();
            cl.getErr().flush();
        }
    }

    /** The version from the jar manifest, or "dev" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = SparkpropCommand.class.getPackage().getImplementationVersion();
            return new String[] {"sparkprop " + (v == null ? "dev" : v)};
        }
    }
}
