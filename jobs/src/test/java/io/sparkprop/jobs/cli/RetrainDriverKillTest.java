package io.sparkprop.jobs.cli;

import io.sparkprop.driver.cluster.StandaloneCluster;
import io.sparkprop.jobs.registry.ModelRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The driver killed: {@code sparkprop retrain} runs as its own JVM (local[2]) and is SIGKILLed once
 * its first checkpoint is on disk. Its lock stays behind, naming a process that is gone; the same
 * command with the same run id takes the lock over, resumes from the checkpoint, and promotes a
 * version whose params.bin equals, byte for byte, that of an uninterrupted run into a second registry.
 */
class RetrainDriverKillTest {
    @TempDir
    Path tmp;

    private String[] args(Path registry, Path data, Path holdout, String runId) {
        return RetrainFixture.retrain(registry.toString(), data, holdout, "--run-id", runId, "--conf", "train.batchSize=8",
                "--conf", "train.epochs=3", "--conf", "train.checkpoint.interval=5");
    }

    @Test
    void killedDriverResumesFromItsCheckpointToTheSameBits() throws Exception {
        Path data = RetrainFixture.csv(tmp.resolve("new.csv"), 1200, 1, false);
        Path holdout = RetrainFixture.csv(tmp.resolve("holdout.csv"), 200, 2, false);
        Path crashed = Files.createDirectories(tmp.resolve("crashed"));
        Path clean = Files.createDirectories(tmp.resolve("clean"));

        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx1g");
        cmd.addAll(StandaloneCluster.MODULE_FLAGS);
        cmd.add("-cp");
        cmd.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        cmd.add(SparkpropCommand.class.getName());
        cmd.addAll(List.of(args(crashed, data, holdout, "nightly")));
        cmd.addAll(List.of("--master", "local[2]", "--conf", "spark.ui.enabled=false", "--conf", "spark.driver.host=127.0.0.1",
                "--conf", "spark.driver.bindAddress=127.0.0.1"));
        Path log = tmp.resolve("child.log");
        Process child = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Path checkpoints = crashed.resolve("clf/runs/nightly/checkpoints");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!hasCheckpoint(checkpoints)) {
            assertTrue(child.isAlive(), "the child exited before its first checkpoint:\n" + Files.readString(log));
            assertTrue(System.nanoTime() < deadline, "no checkpoint after 120 s:\n" + Files.readString(log));
            Thread.sleep(5);
        }
        child.destroyForcibly();
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        assertEquals(137, child.exitValue(), "killed by SIGKILL");

        Path model = crashed.resolve("clf");
        assertFalse(Files.exists(model.resolve(ModelRegistry.CURRENT)), "killed before promoting:\n" + Files.readString(log));
        assertTrue(Files.readString(model.resolve(ModelRegistry.LOCK)).contains("\"pid\":" + child.pid()), "the dead driver's lock");
        assertEquals(List.of(), RetrainFixture.snapshot(model.resolve(ModelRegistry.VERSIONS)), "no partial version");

        CommandLineRun resumed = CommandLineRun.run(args(crashed, data, holdout, "nightly"));
        assertEquals(0, resumed.exitCode, resumed.toString());
        assertTrue(resumed.out.contains("its process " + child.pid() + " on this host is gone"), resumed.out);
        assertTrue(resumed.out.contains("run nightly was interrupted: resuming from its checkpoints"), resumed.out);

        CommandLineRun uninterrupted = CommandLineRun.run(args(clean, data, holdout, "nightly"));
        assertEquals(0, uninterrupted.exitCode, uninterrupted.toString());
        assertArrayEquals(Files.readAllBytes(clean.resolve("clf/versions/1/params.bin")),
                Files.readAllBytes(crashed.resolve("clf/versions/1/params.bin")), "same bits as the uninterrupted run");
        assertEquals("1", RetrainFixture.current(crashed));
        assertFalse(Files.exists(model.resolve(ModelRegistry.LOCK)));
        assertFalse(Files.exists(model.resolve("runs")));
    }

    private static boolean hasCheckpoint(Path dir) throws java.io.IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(p -> p.getFileName().toString().matches("ckpt-\\d+\\.json"));
        }
    }
}
