package io.sparkprop.jobs.cli;

import io.sparkprop.driver.config.Setting;
import io.sparkprop.jobs.config.ConfigSchema;
import io.sparkprop.jobs.config.JobConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What train and config print about the configuration, through the real command line: by default
 * only what differs from the defaults, each with its source; with --verbose and from config every
 * declared key; credentials redacted; progress off a terminal as plain lines.
 */
class PrintedConfigurationTest {
    private static final String SECRET = "TopSecretKey987";
    /** A printed configuration line: two spaces, key, " = ", value, three spaces, (source). */
    private static final Pattern LINE = Pattern.compile("^  (\\S+) = (.*)   \\((.+)\\)$");

    @TempDir
    Path tmp;

    /** 48 rows of y = 2 x1 - x2 on a small grid, with a header. */
    private Path tinyCsv() throws IOException {
        StringBuilder csv = new StringBuilder("x1,x2,y\n");
        for (int i = 0; i < 48; i++) {
            double x1 = (i % 8) / 4.0 - 1;
            double x2 = (i / 8) / 3.0 - 1;
            csv.append(x1).append(',').append(x2).append(',').append(2 * x1 - x2).append('\n');
        }
        Path p = tmp.resolve("tiny.csv");
        Files.writeString(p, csv);
        return p;
    }

    /** The configuration block: every "  key = value   (source)" line after the "configuration" heading, by key. */
    private static Map<String, String[]> printedConfiguration(String out) {
        Map<String, String[]> lines = new LinkedHashMap<>();
        boolean inBlock = false;
        for (String line : out.split("\n", -1)) {
            if (line.startsWith("configuration")) {
                inBlock = true;
                continue;
            }
            if (!inBlock) {
                continue;
            }
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                break;
            }
            assertTrue(lines.put(m.group(1), new String[] {m.group(2), m.group(3)}) == null, "printed twice: " + m.group(1));
        }
        return lines;
    }

    @Test
    void trainPrintsOnlyWhatDiffersFromTheDefaultsEachWithItsSourceAndPlainProgress() throws IOException {
        Path job = tmp.resolve("tiny.conf");
        // train.seed = 42 is the default: set, but not a difference, so not printed
        Files.writeString(job, "train.batchSize = 8\ntrain.seed = 42\nmodel.hidden = 4\n");
        CommandLineRun run = CommandLineRun.run("train", "--job", job.toString(), "--format", "csv",
                "--data", tinyCsv().toString(), "--features", "x1,x2", "--label", "y", "--task", "regression",
                "--epochs", "2", "-o", tmp.resolve("model").toString(), "--conf", "train.optimizer=adam",
                "--conf", "train.learningRate=0.05", "--conf", "spark.hadoop.fs.s3a.secret.key=" + SECRET);
        assertEquals(0, run.exitCode, run.toString());
        Map<String, String[]> printed = printedConfiguration(run.out);

        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("train.batchSize", "8|job file " + job);
        expected.put("model.hidden", "4|job file " + job);
        expected.put("train.learningRate", "0.05|--conf");
        expected.put("spark.hadoop.fs.s3a.secret.key", JobConfig.REDACTED + "|--conf");
        expected.put("data.format", "csv|--format");
        expected.put("data.train", tinyCsv() + "|--data");
        expected.put("data.features", "x1,x2|--features");
        expected.put("data.label", "y|--label");
        expected.put("model.task", "regression|--task");
        expected.put("train.epochs", "2|--epochs");
        expected.put("output.model", tmp.resolve("model") + "|--output");
        expected.put("spark.master", "local[2]|--master");
        expected.forEach((key, valueAndSource) -> {
            String[] line = printed.get(key);
            assertTrue(line != null, key + " is not printed:\n" + run.out);
            assertEquals(valueAndSource, line[0] + "|" + line[1], key);
        });
        // train.optimizer=adam is the default and train.seed=42 too: nothing else is printed but the test
        // harness's own spark.* settings (--conf, no declared default)
        printed.forEach((key, line) -> assertTrue(expected.containsKey(key) || (key.startsWith("spark.")
                && ConfigSchema.shipped().entry(key) == null && line[1].equals("--conf")), "printed: " + key + " = " + line[0]
                + " (" + line[1] + ")"));
        assertFalse(printed.containsKey("train.seed") || printed.containsKey("train.optimizer"), run.out);
        assertFalse(run.out.contains(SECRET) || run.err.contains(SECRET), "the secret leaked");
        // off a terminal: plain lines, no carriage returns or escape codes
        assertFalse(run.out.contains("\r") || run.err.contains("\r"), run.out);
        assertFalse(run.out.contains("\u001b") || run.err.contains("\u001b"), run.out);
        assertTrue(run.out.contains("model written to"), run.out);
    }

    @Test
    void verboseTrainOnATerminalPrintsEveryKeyAndOneUpdatingLinePerEpoch() throws IOException {
        Path data = tinyCsv();
        Path model = tmp.resolve("model");
        CommandLineRun run = CommandLineRun.run(true, "train", "--verbose", "--format", "csv",
                "--data", data.toString(), "--features", "x1,x2", "--label", "y", "--task", "regression",
                "--epochs", "2", "-o", model.toString(), "--conf", "train.batchSize=8",
                "--conf", "spark.hadoop.fs.s3a.secret.key=" + SECRET);
        assertEquals(0, run.exitCode, run.toString());
        Map<String, String[]> printed = printedConfiguration(run.out);
        assertEveryDeclaredKeyPrinted(printed, Map.of("train.batchSize", "8|--conf", "train.epochs", "2|--epochs",
                "data.format", "csv|--format", "data.train", data + "|--data", "data.features", "x1,x2|--features",
                "data.label", "y|--label", "model.task", "regression|--task", "output.model", model + "|--output",
                "spark.master", "local[2]|--master"));
        assertEquals(JobConfig.REDACTED + "|--conf", String.join("|", printed.get("spark.hadoop.fs.s3a.secret.key")));
        assertFalse(run.out.contains(SECRET) || run.err.contains(SECRET), "the secret leaked");
        // the epochs' lines: redrawn with \r, each finished by a newline with the epoch's summary
        String progress = run.out.substring(run.out.indexOf("\repoch 1/2"));
        assertTrue(progress.contains("\repoch 1/2  ") && progress.contains("\repoch 2/2  "), run.out);
        for (int epoch = 1; epoch <= 2; epoch++) {
            Matcher running = Pattern.compile("\repoch " + epoch + "/2  (\\d+)/(\\d+) steps  loss [0-9.]+  0:\\d\\d elapsed, ETA 0:\\d\\d")
                    .matcher(progress);
            assertTrue(running.find(), "epoch " + epoch + "'s running line:\n" + progress);
            String perEpoch = running.group(2);
            Matcher done = Pattern.compile("\repoch " + epoch + "/2  " + perEpoch + " steps  training loss [0-9.]+  0:\\d\\d"
                    + "  validation loss [0-9.]+( \\(standardised targets\\))?, mse [^\n\r]*\n").matcher(progress);
            assertTrue(done.find(), "epoch " + epoch + "'s final line, after " + perEpoch + " steps:\n" + progress);
        }
        assertFalse(run.out.contains("\u001b"), "no escape codes");
        assertEquals(2, progress.substring(0, progress.indexOf("model written to")).chars().filter(c -> c == '\n').count()
                - 1, "one newline per epoch (and one ending the summary line)");
    }

    @Test
    void configPrintsEveryDeclaredKeyWithoutRunningAndRejectsBadValues() throws IOException {
        Path job = tmp.resolve("job.conf");
        Files.writeString(job, "train.optimizer = adamw\nspark.executor.memory = 2g\n");
        CommandLineRun run = CommandLineRun.run("config", "--job", job.toString(), "--epochs", "3",
                "--conf", "spark.hadoop.fs.s3a.secret.key=" + SECRET, "--conf", "train.learningRate=0.01");
        assertEquals(0, run.exitCode, run.toString());
        Map<String, String[]> printed = printedConfiguration(run.out);
        assertEveryDeclaredKeyPrinted(printed, Map.of("train.optimizer", "adamw|job file " + job,
                "train.epochs", "3|--epochs", "train.learningRate", "0.01|--conf"));
        assertEquals("2g|job file " + job, String.join("|", printed.get("spark.executor.memory")));
        assertEquals(JobConfig.REDACTED + "|--conf", String.join("|", printed.get("spark.hadoop.fs.s3a.secret.key")));
        assertFalse(run.out.contains(SECRET) || run.err.contains(SECRET), "the secret leaked");

        CommandLineRun help = CommandLineRun.run("config", "--help");
        assertEquals(0, help.exitCode, help.toString());
        assertTrue(help.out.contains("--job") && help.out.contains("--conf") && help.out.contains("--epochs"), help.out);

        CommandLineRun bad = CommandLineRun.run("config", "--epochs", "-1");
        assertEquals(2, bad.exitCode, bad.toString());
        assertTrue(bad.err.contains("train.epochs (from --epochs) is '-1', expected an integer >= 0"), bad.err);
    }

    /**
     * Every declared setting printed once: with its default and source "default" unless {@code set}
     * names it ("value|source").
     */
    private static void assertEveryDeclaredKeyPrinted(Map<String, String[]> printed, Map<String, String> set) {
        for (Setting<?> s : ConfigSchema.shipped().entries().values()) {
            String[] line = printed.get(s.key());
            assertTrue(line != null, s.key() + " is not printed");
            String expected = set.getOrDefault(s.key(), s.format(s.defaultValue()) + "|" + JobConfig.DEFAULT_SOURCE);
            assertEquals(expected, line[0] + "|" + line[1], s.key());
        }
    }
}
