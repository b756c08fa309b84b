package io.sparkprop.jobs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkprop.jobs.registry.ModelRegistry;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One run at a time: two retrains started together on one registry, and a live lock held by another host. */
class RetrainLockTest {
    @TempDir
    Path tmp;

    @Test
    void twoRetrainsStartedTogetherOneRunsTheOtherExitsFour() throws Exception {
        Path registry = Files.createDirectories(tmp.resolve("registry"));
        Path data = RetrainFixture.csv(tmp.resolve("new.csv"), 300, 1, false);
        Path holdout = RetrainFixture.csv(tmp.resolve("holdout.csv"), 100, 2, false);
        CyclicBarrier start = new CyclicBarrier(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<CommandLineRun> a = pool.submit(() -> {
                start.await();
                return CommandLineRun.run(RetrainFixture.retrain(registry.toString(), data, holdout, "--run-id", "run-a"));
            });
            Future<CommandLineRun> b = pool.submit(() -> {
                start.await();
                return CommandLineRun.run(RetrainFixture.retrain(registry.toString(), data, holdout, "--run-id", "run-b"));
            });
            CommandLineRun ra = a.get();
            CommandLineRun rb = b.get();
            CommandLineRun winner = ra.exitCode == 0 ? ra : rb;
            CommandLineRun loser = ra.exitCode == 0 ? rb : ra;
            assertEquals(List.of(0, 4), List.of(winner.exitCode, loser.exitCode), ra + "\n" + rb);
            String winnerId = winner == ra ? "run-a" : "run-b";
            assertTrue(loser.err.contains("model 'clf' is locked by another run: run " + winnerId + " (host "), loser.err);
            assertEquals(1, loser.err.strip().lines().count(), loser.err);

            ModelRegistry r = new ModelRegistry(registry.toString(), RetrainFixture.NAME, new Configuration());
            assertEquals(List.of(1), r.versions());
            assertEquals(1, r.current().getAsInt());
            List<JsonNode> history = r.history();
            assertEquals(1, history.size());
            assertEquals(winnerId, history.get(0).path("runId").asText());
            assertEquals(winnerId, r.read(1).training().get("runId"));
            assertFalse(Files.exists(registry.resolve("clf").resolve(ModelRegistry.LOCK)));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aLiveLockOfAnotherHostIsNamedAndExitsFourAStaleOneIsTakenOver() throws Exception {
        Path registry = Files.createDirectories(tmp.resolve("registry"));
        RetrainFixture.seedVersionOne(registry);
        Path data = RetrainFixture.csv(tmp.resolve("new.csv"), 300, 1, false);
        Path holdout = RetrainFixture.csv(tmp.resolve("holdout.csv"), 100, 2, false);
        Path lock = registry.resolve("clf").resolve(ModelRegistry.LOCK);
        Files.writeString(lock, "{\"host\":\"batch-7\",\"pid\":4242,\"runId\":\"nightly\",\"acquiredAt\":\"2026-01-01T00:00:00Z\"}");
        List<String> before = RetrainFixture.snapshot(registry);
        CommandLineRun held = CommandLineRun.run(RetrainFixture.retrain(registry.toString(), data, holdout));
        assertEquals(4, held.exitCode, held.toString());
        assertTrue(held.err.contains("locked by another run: run nightly (host batch-7, pid 4242"), held.err);
        assertEquals(before, RetrainFixture.snapshot(registry), "the other run's lock and the registry are untouched");

        Files.setLastModifiedTime(lock, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 600_000));
        CommandLineRun taken = CommandLineRun.run(RetrainFixture.retrain(registry.toString(), data, holdout,
                "--conf", "retrain.lock.staleAfter=300", "--conf", "train.epochs=1"));
        assertEquals(0, taken.exitCode, taken.toString());
        assertTrue(taken.out.contains("taking over the lock of model 'clf' from run nightly (host batch-7, pid 4242"), taken.out);
        assertEquals("2", RetrainFixture.current(registry));
        assertFalse(Files.exists(lock));
    }
}
