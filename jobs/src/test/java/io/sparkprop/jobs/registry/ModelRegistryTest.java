package io.sparkprop.jobs.registry;

import io.sparkprop.driver.io.RunLock;
import io.sparkprop.core.nn.NetworkSpec;
import io.sparkprop.driver.model.SavedModel;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The registry and its lock on the local file system, without Spark. */
class ModelRegistryTest {
    @TempDir
    Path tmp;

    private ModelRegistry registry() throws IOException {
        return new ModelRegistry(tmp.toString(), "m", new Configuration());
    }

    private static SavedModel model(float value) {
        NetworkSpec spec = new NetworkSpec(2, new int[] {1}, new String[] {"identity"}, "mse");
        return new SavedModel(spec, new float[] {value, value, value}, SavedModel.Task.REGRESSION, List.of(), List.of(),
                null, null, Map.of(), "2026-01-01T00:00:00Z", "test");
    }

    @Test
    void pointerSwapsAreAtomicForAConcurrentReader() throws Exception {
        ModelRegistry r = registry();
        int one = r.write(model(1), Map.of());
        int two = r.write(model(2), Map.of());
        assertEquals(List.of(1, 2), r.versions());
        r.setCurrent(one);
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<String> seen = new AtomicReference<>();
        AtomicInteger reads = new AtomicInteger();
        Thread reader = new Thread(() -> {
            try {
                ModelRegistry rr = registry();
                while (!done.get()) {
                    int c = rr.current().orElse(-1);
                    reads.incrementAndGet();
                    if (c != one && c != two) {
                        seen.set("CURRENT read as " + c);
                    }
                }
            } catch (Exception e) {
                seen.set(e.toString());
            }
        });
        reader.start();
        for (int i = 0; i < 300; i++) {
            r.setCurrent(i % 2 == 0 ? two : one);
        }
        done.set(true);
        reader.join();
        assertNull(seen.get(), "a reader saw no or half a pointer");
        assertTrue(reads.get() > 10, "reads: " + reads.get());
        try (Stream<Path> files = Files.list(tmp.resolve("m"))) {
            assertEquals(List.of("CURRENT", "versions"), files.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no temporary or .crc files");
        }
        assertThrows(IllegalArgumentException.class, () -> r.setCurrent(9));
        assertEquals(1, r.current().getAsInt());
    }

    @Test
    void pruneKeepsTheNewestAndNeverCurrent() throws IOException {
        ModelRegistry r = registry();
        for (int i = 1; i <= 5; i++) {
            r.write(model(i), Map.of());
        }
        r.setCurrent(1);
        assertEquals(List.of(2, 3), r.prune(2));
        assertEquals(List.of(1, 4, 5), r.versions());
        assertThrows(IllegalStateException.class, () -> r.delete(1));
        assertEquals(1f, r.read(1).params()[0]);
    }

    @Test
    void namesMustBePlain() {
        for (String bad : List.of("..", ".", "a/b", "../up", "a\\b", "a b", "modèle", "a\tb")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new ModelRegistry(tmp.toString(), bad, new Configuration()), bad);
            assertTrue(e.getMessage().contains("is not a plain name"), e.getMessage());
        }
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> new ModelRegistry(tmp.toString(), "", new Configuration()));
        assertTrue(empty.getMessage().contains("model name is empty"), empty.getMessage());
        IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class,
                () -> ModelRegistry.checkPlainName("model name", "x".repeat(ModelRegistry.MAX_NAME_LENGTH + 1)));
        assertTrue(tooLong.getMessage().contains("is 101 characters long; at most 100"), tooLong.getMessage());
        ModelRegistry.checkPlainName("name", "x".repeat(ModelRegistry.MAX_NAME_LENGTH));
        ModelRegistry.checkPlainName("name", "digits-v2_final.1");
    }

    @Test
    void aLiveLockIsRespectedAStaleOrDeadOneTakenOver() throws Exception {
        ModelRegistry r = registry();
        StringWriter log = new StringWriter();
        PrintWriter out = new PrintWriter(log, true);
        Path lockFile = tmp.resolve("m").resolve(ModelRegistry.LOCK);
        try (RunLock held = r.lock("first", 1, 60, out)) {
            assertTrue(Files.exists(lockFile));
            RunLock.HeldException e = assertThrows(RunLock.HeldException.class,
                    () -> r.lock("second", 1, 60, out));
            assertTrue(e.getMessage().contains("locked by another run: run first (host "), e.getMessage());
            assertTrue(e.getMessage().contains("pid " + ProcessHandle.current().pid()), e.getMessage());

            // the heartbeat keeps the lock fresh
            Files.setLastModifiedTime(lockFile, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 50_000));
            Thread.sleep(1600);
            assertTrue(System.currentTimeMillis() - Files.getLastModifiedTime(lockFile).toMillis() < 5_000, "heartbeat");
        }
        assertFalse(Files.exists(lockFile), "released");

        // another host's lock: live while its heartbeat is fresh, taken over once it is stale
        Files.writeString(lockFile, "{\"host\":\"elsewhere\",\"pid\":1,\"runId\":\"ghost\",\"acquiredAt\":\"2026-01-01T00:00:00Z\"}");
        assertThrows(RunLock.HeldException.class, () -> r.lock("third", 1, 60, out));
        Files.setLastModifiedTime(lockFile, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 120_000));
        try (RunLock taken = r.lock("third", 1, 60, out)) {
            assertTrue(log.toString().contains("taking over the lock of model 'm' from run ghost (host elsewhere, pid 1"), log.toString());
            assertTrue(log.toString().contains("s old (stale after 60 s)"), log.toString());
            assertTrue(Files.readString(lockFile).contains("\"runId\":\"third\""));
        }

        // this host's lock whose process is gone (a killed driver): taken over at once
        Process dead = new ProcessBuilder("true").start();
        dead.waitFor();
        Files.writeString(lockFile, "{\"host\":\"" + java.net.InetAddress.getLocalHost().getHostName() + "\",\"pid\":"
                + dead.pid() + ",\"runId\":\"killed\"}");
        try (RunLock taken = r.lock("fourth", 1, 3600, out)) {
            assertTrue(log.toString().contains("its process " + dead.pid() + " on this host is gone"), log.toString());
        }
        assertFalse(Files.exists(lockFile));
    }

    @Test
    void aLockCaughtBetweenCreateAndWriteIsReadOnceItsOwnerIsWritten() throws Exception {
        ModelRegistry r = registry();
        Path lockFile = Files.createDirectories(tmp.resolve("m")).resolve(ModelRegistry.LOCK);
        Files.writeString(lockFile, "");
        Thread writer = new Thread(() -> {
            try {
                Thread.sleep(300);
                Files.writeString(lockFile, "{\"host\":\"elsewhere\",\"pid\":7,\"runId\":\"slow-writer\"}");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        writer.start();
        RunLock.HeldException e = assertThrows(RunLock.HeldException.class,
                () -> r.lock("other", 1, 60, new PrintWriter(new StringWriter())));
        writer.join();
        assertTrue(e.getMessage().contains("run slow-writer (host elsewhere, pid 7"), e.getMessage());
    }

    @Test
    void manyRacingTakersGetTheLockOneAtATime() throws Exception {
        ModelRegistry r = registry();
        for (int round = 0; round < 20; round++) {
            int takers = 8;
            java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(takers);
            List<RunLock> won = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
            AtomicInteger held = new AtomicInteger();
            List<Thread> threads = new java.util.ArrayList<>();
            for (int t = 0; t < takers; t++) {
                String id = "taker-" + t;
                Thread thread = new Thread(() -> {
                    try {
                        start.await();
                        won.add(r.lock(id, 1, 60, new PrintWriter(new StringWriter())));
                    } catch (RunLock.HeldException e) {
                        held.incrementAndGet();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                thread.start();
                threads.add(thread);
            }
            for (Thread thread : threads) {
                thread.join();
            }
            assertEquals(1, won.size(), "round " + round + ": exactly one taker holds the lock");
            assertEquals(takers - 1, held.get());
            won.get(0).close();
        }
    }

    @Test
    void aHistoryLineThatIsNotTheTornLastOneIsAnErrorNamingIt() throws IOException {
        java.nio.file.Path history = Files.createDirectories(tmp.resolve("m")).resolve(ModelRegistry.HISTORY);
        Files.writeString(history, "{\"runId\":\"a\"}\n{\"runId\":\"b\"\n{\"runId\":\"c\"}\n");
        String m = assertThrows(IllegalArgumentException.class, () -> registry().history()).getMessage();
        assertTrue(m.contains(ModelRegistry.HISTORY + " line 2 is not a JSON object") && m.contains("repair or remove that line"), m);
    }
}
