package io.sparkprop.jobs.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * bin/sparkprop as a user runs it, once the job jar is packaged (an integration test: the jar and its
 * lib/ exist only after the package phase): the JVM's incubator-module warning is filtered from
 * stderr, every other line and the exit code come through.
 */
class LauncherIT {
    private static final String INCUBATOR_WARNING = "WARNING: Using incubator modules: jdk.incubator.vector";

    /** Exit code, stdout and stderr of one process. */
    private record Result(int exitCode, String out, String err) {
    }

    private static Result run(List<String> command) throws IOException, InterruptedException {
        Path out = Files.createTempFile("launcher", ".out");
        Path err = Files.createTempFile("launcher", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
            pb.environment().put("SPARKPROP_JAVA_OPTS", "-Xmx512m");
            Process p = pb.start();
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "timed out: " + command);
            // the filter may write its last lines just after the JVM exits
            Thread.sleep(200);
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static List<String> sparkprop(String... args) {
        Path jar = Path.of(System.getProperty("sparkprop.jobJar"));
        assertTrue(Files.exists(jar), "job jar " + jar + " (the launcher would build it)");
        List<String> command = new ArrayList<>(List.of(Path.of("..", "bin", "sparkprop").toString()));
        command.addAll(List.of(args));
        return command;
    }

    @Test
    void theJvmPrintsTheWarningThatTheLauncherFilters() throws Exception {
        Result plain = run(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules=jdk.incubator.vector", "-version"));
        assertTrue(plain.err.contains(INCUBATOR_WARNING), "without the launcher the JVM prints it: " + plain.err);

        Result help = run(sparkprop("--help"));
        assertEquals(0, help.exitCode, help.err);
        assertTrue(help.out.contains("Usage: sparkprop") && help.out.contains("config"), help.out);
        assertFalse(help.err.contains("incubator"), help.err);
        assertTrue(help.err.isEmpty(), "stderr: " + help.err);
    }

    @Test
    void otherStderrLinesAndTheExitCodeComeThrough() throws Exception {
        Result bad = run(sparkprop("config", "--epochs", "-1"));
        assertEquals(2, bad.exitCode, bad.err);
        assertEquals("sparkprop config: error: configuration key train.epochs (from --epochs) is '-1', expected an integer >= 0\n",
                bad.err);
    }
}
