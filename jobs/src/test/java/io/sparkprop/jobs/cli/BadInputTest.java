package io.sparkprop.jobs.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input through the real command line: exit code 1 (2 for usage), one clear line, nothing written. */
class BadInputTest {
    @TempDir
    Path tmp;

    private void assertFails(CommandLineRun run, int code, String... fragments) {
        assertEquals(code, run.exitCode, run.toString());
        for (String f : fragments) {
            assertTrue(run.err.contains(f), "expected '" + f + "' in: " + run.err);
        }
    }

    private void assertNothingWritten(Path out) throws IOException {
        assertFalse(Files.exists(out), out + " was created");
        try (Stream<Path> files = Files.list(tmp)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().startsWith(".")), "temporary files left in " + tmp);
        }
    }

    @Test
    void missingInputPath() throws IOException {
        Path out = tmp.resolve("m");
        assertFails(CommandLineRun.run("train", "--format", "csv", "--data", tmp.resolve("nope.csv").toString(), "-o", out.toString()),
                1, "nope.csv does not exist");
        assertNothingWritten(out);
    }

    @Test
    void csvCellThatIsNotANumberNamesFileLineAndColumn() throws IOException {
        Path csv = tmp.resolve("t.csv");
        Files.writeString(csv, "a,b,y\n1,2,3\n4,five,6\n7,8,9\n");
        Path out = tmp.resolve("m");
        assertFails(CommandLineRun.run("train", "--format", "csv", "--data", csv.toString(), "--features", "a,b", "--label", "y",
                "--task", "regression", "-o", out.toString()), 1, "t.csv line 3, column b: 'five' is not a number");
        assertNothingWritten(out);
    }

    @Test
    void labelColumnAbsent() throws IOException {
        Path csv = tmp.resolve("t.csv");
        Files.writeString(csv, "a,b\n1,2\n3,4\n");
        Path out = tmp.resolve("m");
        assertFails(CommandLineRun.run("train", "--format", "csv", "--data", csv.toString(), "--features", "a", "--label", "y",
                "-o", out.toString()), 1, "label column 'y' is missing", "[a, b]");
        assertNothingWritten(out);
    }

    @Test
    void existingModelIsNotReplacedWithoutOverwrite() throws IOException {
        Path out = tmp.resolve("m");
        Files.createDirectories(out);
        Files.writeString(out.resolve("model.json"), "{}");
        assertFails(CommandLineRun.run("train", "-o", out.toString()), 1, "already holds a model; pass --overwrite");
        assertEquals("{}", Files.readString(out.resolve("model.json")));
    }

    @Test
    void configurationErrorsNameTheKey() {
        assertFails(CommandLineRun.run("train", "--conf", "train.learnigRate=0.1"), 2,
                "unknown configuration key 'train.learnigRate'", "did you mean 'train.learningRate'");
        assertFails(CommandLineRun.run("train", "--epochs", "0"), 2, "train.epochs", "expected an integer >= 1");
        assertFails(CommandLineRun.run("train", "--lr", "Infinity"), 2, "train.learningRate", "'Infinity'", "expected a number > 0");
        assertFails(CommandLineRun.run("train", "--conf", "model.dropout=1"), 2, "model.dropout", "'1'", "expected a number >= 0 and < 1");
        assertFails(CommandLineRun.run("train", "--conf", "train.schedule=step", "--conf", "train.schedule.decayRate=1.5"), 2,
                "train.schedule.decayRate = 1.5", "(0, 1] for the step schedule");
        assertFails(CommandLineRun.run("train", "--job", tmp.resolve("missing.conf").toString()), 1, "job file", "does not exist");
    }

    @Test
    void usageErrorsExitWithTwo() {
        assertEquals(2, CommandLineRun.run("train", "--no-such-option").exitCode);
        assertEquals(2, CommandLineRun.run("frobnicate").exitCode);
        assertEquals(0, CommandLineRun.run("train", "--help").exitCode);
    }

    @Test
    void unreadableModel() {
        assertFails(CommandLineRun.run("info", tmp.resolve("none").toString()), 1, "model.json is missing");
    }
}
