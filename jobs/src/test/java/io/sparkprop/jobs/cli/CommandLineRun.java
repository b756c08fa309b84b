package io.sparkprop.jobs.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
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

    /** Runs {@code sparkprop args...} with Spark kept small and on loopback for tests. */
    static CommandLineRun run(String... args) {
        return run(false, args);
    }

    /** As {@link #run}, with stdout taken for a terminal ({@code true}) or a log or pipe ({@code false}). */
    static CommandLineRun run(boolean terminal, String... args) {
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
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = SparkpropCommand.execute(all.toArray(new String[0]), new PrintWriter(out, true), new PrintWriter(err, true),
                terminal);
        return new CommandLineRun(code, out.toString(), err.toString());
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
    }
}
