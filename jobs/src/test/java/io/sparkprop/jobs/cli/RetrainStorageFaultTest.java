package io.sparkprop.jobs.cli;

import io.sparkprop.jobs.registry.ModelRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Storage faults after training: the registry cannot take the new version, or a write fails half-way
 * (injected by {@link FailingLocalFileSystem}, a real Hadoop FileSystem). Each time: exit 1 with the
 * cause, CURRENT untouched, no new or partial version visible, no history line, the lock released.
 * The run's checkpoints stay, so running it again resumes instead of training from scratch.
 */
class RetrainStorageFaultTest {
    @TempDir
    Path tmp;

    private static final String[] FAULTY = {"--conf", "spark.hadoop.fs.faulty.impl=" + FailingLocalFileSystem.class.getName(),
            "--conf", "spark.hadoop.fs.faulty.impl.disable.cache=true"};

    private CommandLineRun retrain(Path registry, String registryUri, String... extra) throws IOException {
        Path data = RetrainFixture.csv(tmp.resolve("new.csv"), 300, 1, false);
        Path holdout = RetrainFixture.csv(tmp.resolve("holdout.csv"), 100, 2, false);
        List<String> args = new java.util.ArrayList<>(List.of(RetrainFixture.retrain(registryUri, data, holdout,
                "--run-id", "faulty-run", "--conf", "train.epochs=1")));
        args.addAll(List.of(extra));
        return CommandLineRun.run(args.toArray(new String[0]));
    }

    private static void assertRegistryAsBefore(Path registry, List<String> versionsBefore, String current) throws IOException {
        Path model = registry.resolve(RetrainFixture.NAME);
        assertEquals(versionsBefore, RetrainFixture.snapshot(model.resolve(ModelRegistry.VERSIONS)), "versions changed");
        if (current == null) {
            assertFalse(Files.exists(model.resolve(ModelRegistry.CURRENT)));
        } else {
            assertEquals(current, RetrainFixture.current(registry));
        }
        assertFalse(Files.exists(model.resolve(ModelRegistry.HISTORY)), "a history line was written");
        assertFalse(Files.exists(model.resolve(ModelRegistry.LOCK)), "the lock was not released");
        try (var files = Files.list(model)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().contains(".tmp-")), "temporary files left");
        }
        assertTrue(Files.exists(model.resolve("runs/faulty-run/checkpoints")), "checkpoints kept for a re-run");
    }

    @Test
    void versionsLocationThatCannotBeWritten() throws IOException {
        Path registry = Files.createDirectories(tmp.resolve("registry"));
        // a regular file where the versions folder belongs: every mkdirs under it fails
        Path versions = Files.createDirectories(registry.resolve(RetrainFixture.NAME)).resolve(ModelRegistry.VERSIONS);
        Files.writeString(versions, "not a folder");
        CommandLineRun run = retrain(registry, registry.toString());
        assertEquals(1, run.exitCode, run.toString());
        assertTrue(run.err.contains("versions"), run.err);
        assertEquals("not a folder", Files.readString(versions));
        assertFalse(Files.exists(registry.resolve("clf/CURRENT")));
        assertFalse(Files.exists(registry.resolve("clf/history.jsonl")));
        assertFalse(Files.exists(registry.resolve("clf/LOCK")));
    }

    @Test
    void writeFailingHalfWayThroughTheVersion() throws IOException {
        Path registry = Files.createDirectories(tmp.resolve("registry"));
        RetrainFixture.seedVersionOne(registry);
        List<String> before = RetrainFixture.snapshot(registry.resolve("clf/versions"));
        // params.bin is written, model.json fails
        CommandLineRun run = retrain(registry, "faulty://" + registry, concat(FAULTY, "--conf", "spark.hadoop.fs.faulty.failOn=model.json"));
        assertEquals(1, run.exitCode, run.toString());
        assertTrue(run.err.contains("injected fault: cannot create") && run.err.contains("model.json"), run.err);
        assertRegistryAsBefore(registry, before, "1");
    }

    @Test
    void pointerSwapFailingAfterTheVersionIsWritten() throws IOException {
        Path registry = Files.createDirectories(tmp.resolve("registry"));
        RetrainFixture.seedVersionOne(registry);
        List<String> before = RetrainFixture.snapshot(registry.resolve("clf/versions"));
        CommandLineRun run = retrain(registry, "faulty://" + registry, concat(FAULTY, "--conf", "spark.hadoop.fs.faulty.failOn=CURRENT.tmp",
                "--tolerance", "1000"));
        assertEquals(1, run.exitCode, run.toString());
        assertTrue(run.err.contains("injected fault: cannot create") && run.err.contains("CURRENT.tmp-"), run.err);
        assertRegistryAsBefore(registry, before, "1");
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
