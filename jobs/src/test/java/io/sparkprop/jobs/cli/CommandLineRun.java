package io.sparkprop.jobs.cli;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** One run of the real command line in this JVM: exit code, stdout and stderr. */
final class CommandLineRun {
    final int exitCode;
    final String out;
    final String err;

    private CommandLineRun(int exitCode, String out, String err) {
        this.exitCode = exitCode;
        this.out = out;
        this.err = err;
    }

    /** The logging configuration bin/sparkprop passes to the JVM (tests otherwise log with log4j2-test.properties). */
    static final Path SHIPPED_LOGGING = Paths.get("..", "conf", "log4j2.properties").toAbsolutePath().normalize();

    /** Runs {@code sparkprop args...} with Spark kept small and on loopback for tests. */
    static CommandLineRun run(String... args) {
        return run(false, args);
    }

    /** As {@link #run}, with stdout taken for a terminal ({@code true}) or a log or pipe ({@code false}). */
    static CommandLineRun run(boolean terminal, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = SparkpropCommand.execute(withTestSettings(args), new PrintWriter(out, true), new PrintWriter(err, true),
                terminal);
        return new CommandLineRun(code, out.toString(), err.toString());
    }

    /**
     * As {@link #run}, but {@link #err} is what a user's terminal shows on stderr: the command's own
     * lines and everything logged in this JVM (Spark's loggers included) under the shipped
     * conf/log4j2.properties, whose console appender writes to System.err. The test logging
     * configuration is restored afterwards.
     */
    static CommandLineRun onTerminal(String... args) {
        LoggerContext logging = (LoggerContext) LogManager.getContext(false);
        URI testLogging = logging.getConfigLocation();
        PrintStream stderr = System.err;
        ByteArrayOutputStream terminal = new ByteArrayOutputStream();
        StringWriter out = new StringWriter();
        int code;
        try (PrintStream captured = new PrintStream(terminal, true, StandardCharsets.UTF_8)) {
            System.setErr(captured);
            // the console appender takes System.err when it is created: reconfigure after the swap
            logging.setConfigLocation(SHIPPED_LOGGING.toUri());
            // the capture must see what log4j2 prints, or the test would pass on an empty stderr
            String probe = "terminal capture probe " + System.nanoTime();
            LogManager.getLogger("io.sparkprop.test").warn(probe);
            if (!terminal.toString(StandardCharsets.UTF_8).contains(probe)) {
                throw new IllegalStateException("log4j2 does not write to the captured System.err under " + SHIPPED_LOGGING);
            }
            terminal.reset();
            code = SparkpropCommand.execute(withTestSettings(args), new PrintWriter(out, true),
                    new PrintWriter(captured, true, StandardCharsets.UTF_8));
        } finally {
            System.setErr(stderr);
            logging.setConfigLocation(testLogging);
        }
        return new CommandLineRun(code, out.toString(), terminal.toString(StandardCharsets.UTF_8));
    }

    private static String[] withTestSettings(String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        if (!all.isEmpty() && List.of("train", "evaluate", "predict", "retrain").contains(all.get(0))) {
            all.addAll(List.of("--conf", "spark.ui.enabled=false", "--conf", "spark.driver.host=127.0.0.1",
                    "--conf", "spark.driver.bindAddress=127.0.0.1", "--conf", "spark.sql.shuffle.partitions=2"));
            // Registration required catches a class of ours missing from the registrator; a test whose
            // Spark SQL source ships unregistered Spark classes may turn it off itself.
            if (all.stream().noneMatch(a -> a.startsWith("spark.kryo.registrationRequired"))) {
                all.addAll(List.of("--conf", "spark.kryo.registrationRequired=true"));
            }
            if (!all.contains("--master")) {
                all.addAll(List.of("--master", "local[2]"));
            }
        }
        return all.toArray(new String[0]);
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
    }
}
