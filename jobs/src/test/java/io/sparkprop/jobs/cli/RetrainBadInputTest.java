package io.sparkprop.jobs.cli;

import io.sparkprop.jobs.registry.ModelRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad input to {@code sparkprop retrain}, one case at a time: exit code 1, one line naming the
 * problem, and the registry exactly as it was (no version, no history line, no lock, no run folder).
 */
class RetrainBadInputTest {
    @TempDir
    Path tmp;
    Path registry;
    Path data;
    Path holdout;

    @BeforeEach
    void data() throws IOException {
        registry = Files.createDirectories(tmp.resolve("registry"));
        data = RetrainFixture.csv(tmp.resolve("new.csv"), 200, 1, false);
        holdout = RetrainFixture.csv(tmp.resolve("holdout.csv"), 100, 2, false);
    }

    private void assertRefused(String registryUri, Path newData, String expected, String... extra) throws IOException {
        assertRefused(registryUri, newData, holdout, expected, extra);
    }

    private void assertRefused(String registryUri, Path newData, Path holdout, String expected, String... extra) throws IOException {
        List<String> before = RetrainFixture.snapshot(registry);
        CommandLineRun run = CommandLineRun.run(RetrainFixture.retrain(registryUri, newData, holdout, extra));
        assertEquals(1, run.exitCode, run.toString());
        assertTrue(run.err.contains(expected), "expected '" + expected + "' in: " + run.err);
        assertEquals(1, run.err.strip().lines().count(), "one line: " + run.err);
        RetrainFixture.assertUnchanged(before, registry);
    }

    /** A copy of the new data with its CSV header replaced and, optionally, its last column dropped. */
    private Path variant(String name, String header, boolean dropLast) throws IOException {
        List<String> lines = Files.readAllLines(data);
        String body = lines.stream().skip(1).map(l -> dropLast ? l.substring(0, l.lastIndexOf(',')) : l)
                .collect(Collectors.joining("\n"));
        return Files.writeString(tmp.resolve(name), header + "\n" + body + "\n");
    }

    @Test
    void modelNameThatIsNotAPlainName() throws IOException {
        CommandLineRun run = CommandLineRun.run(RetrainFixture.retrain(registry.toString(), data, holdout, "--name", "../escape"));
        assertEquals(2, run.exitCode, "--name twice is a usage error: " + run);
        List<String> args = new java.util.ArrayList<>(List.of(RetrainFixture.retrain(registry.toString(), data, holdout)));
        args.set(args.indexOf(RetrainFixture.NAME), "../escape");
        run = CommandLineRun.run(args.toArray(new String[0]));
        assertEquals(2, run.exitCode, "a bad name is a usage error: " + run);
        assertTrue(run.err.contains("model name '../escape' is not a plain name"), run.err);
        assertEquals(List.of("/"), RetrainFixture.snapshot(registry), "the registry is still empty");
        assertFalse(Files.exists(tmp.resolve("escape")));
    }

    @Test
    void registryThatDoesNotExistOrIsNotARegistry() throws IOException {
        assertRefused(tmp.resolve("nowhere").toString(), data, "registry " + tmp.resolve("nowhere") + " does not exist");
        assertFalse(Files.exists(tmp.resolve("nowhere")));
        Path file = Files.writeString(tmp.resolve("file"), "x");
        assertRefused(file.toString(), data, "is a file, not a registry directory");
        Files.createDirectories(registry.resolve(RetrainFixture.NAME));
        Files.writeString(registry.resolve(RetrainFixture.NAME).resolve("model.json"), "{}");
        assertRefused(registry.toString(), data, "is not a model registry folder: it holds 'model.json'");
    }

    @Test
    void currentPointingToAMissingVersion() throws IOException {
        RetrainFixture.seedVersionOne(registry);
        Files.writeString(registry.resolve(RetrainFixture.NAME).resolve(ModelRegistry.CURRENT), "7\n");
        assertRefused(registry.toString(), data, "version 7 of model 'clf' is missing");
    }

    @Test
    void currentPointingToACorruptVersion() throws IOException {
        RetrainFixture.seedVersionOne(registry);
        try (RandomAccessFile f = new RandomAccessFile(registry.resolve("clf/versions/1/params.bin").toFile(), "rw")) {
            f.seek(10);
            int b = f.read();
            f.seek(10);
            f.write(b ^ 0x40);
        }
        assertRefused(registry.toString(), data, "params.bin fails its checksum");
    }

    @Test
    void metricThatDoesNotFitTheTask() throws IOException {
        RetrainFixture.seedVersionOne(registry);
        assertRefused(registry.toString(), data, "retrain.metric = rmse does not apply to classification", "--metric", "rmse");
    }

    @Test
    void newDataWhoseSchemaOrWidthDoesNotMatchCurrent() throws IOException {
        RetrainFixture.seedVersionOne(registry);
        Path narrow = variant("narrow.csv", "x1,x2,x3,label", false);
        Files.writeString(narrow, Files.readString(narrow).lines()
                .map(l -> l.startsWith("x1") ? l : l.substring(0, l.indexOf(',')) + l.substring(l.indexOf(',', l.indexOf(',') + 1)))
                .collect(Collectors.joining("\n")) + "\n");
        assertRefused(registry.toString(), narrow, "the new data has 3 features, the current model (version 1 of 'clf') expects 4");
        Path renamed = variant("renamed.csv", "x1,x2,x3,z,label", false);
        assertRefused(registry.toString(), renamed, renamed, "the new data's feature 4 is 'z', the current model (version 1 of 'clf') expects 'x4'");
        assertRefused(registry.toString(), variant("unlabelled.csv", "x1,x2,x3,x4", true), "label column 'label' is missing");
    }

    @Test
    void badDataOnAFreshRegistryLeavesNoTrace() throws IOException {
        assertRefused(registry.toString(), variant("unlabelled.csv", "x1,x2,x3,x4", true), "label column 'label' is missing");
        assertEquals(List.of("/"), RetrainFixture.snapshot(registry), "not even the model's folder");
    }
}
