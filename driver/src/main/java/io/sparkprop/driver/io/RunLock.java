package io.sparkprop.driver.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The one-run-at-a-time lock of a model, the file {@code <registry>/<name>/LOCK}, or of an output
 * path (the command line's outputs and the Spark ML stages' saves), the hidden file
 * {@code .<name>.lock} beside it: created only if absent, atomically (see
 * {@link #tryCreate}), holding its owner (host, pid, run id, a token). While held, a daemon thread
 * refreshes the file's modification time every heartbeat interval. A lock is taken over when its
 * heartbeat is older than the stale timeout, or at once when its owner ran on this host and that
 * process is gone (a killed driver). Released by {@link #close()} and, should the JVM exit first, by
 * a shutdown hook; release deletes the file only while it is still this holder's.
 */
public final class RunLock implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RunLock.class);
    /** Seconds between heartbeats, and the heartbeat age after which a lock is taken over, unless set. */
    public static final int DEFAULT_HEARTBEAT_SECONDS = 10;
    public static final int DEFAULT_STALE_SECONDS = 120;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Another live run holds the lock; the message names it. */
    public static final class HeldException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        HeldException(String message) {
            super(message);
        }
    }

    private final FileSystem fs;
    private final Path file;
    private final byte[] content;
    private final Thread heartbeat;
    private final Thread shutdownHook;
    private final long heartbeatMillis;
    private volatile boolean released;

    private RunLock(FileSystem fs, Path file, byte[] content, long heartbeatSeconds) {
        this.fs = fs;
        this.file = file;
        this.content = content;
        this.heartbeat = new Thread(this::beat, "sparkprop-lock-heartbeat");
        this.heartbeat.setDaemon(true);
        this.shutdownHook = new Thread(this::release, "sparkprop-lock-release");
        this.heartbeatMillis = heartbeatSeconds * 1000;
    }

    /**
     * Where a lock lives and how messages name it: {@code file} the lock file in {@code folder},
     * {@code owned} "model 'x'", {@code where} "the registry r", {@code folderStep} "creating the model folder f".
     */
    public record Target(FileSystem fs, Path file, String owned, Path folder, String where, String folderStep) {
    }

    /**
     * Takes the lock of the output {@code output} (qualified; {@code fs} its file system without the
     * checksum layer): the hidden file {@code .<name>.lock} beside it, so that two runs never write
     * one output; the same rules as a model's lock.
     */
    public static RunLock acquireOutput(FileSystem fs, Path output, String runId, long heartbeatSeconds, long staleSeconds,
                                        PrintWriter out) throws IOException {
        Path folder = output.getParent();
        return acquire(new Target(fs, OutputSwap.hiddenSibling(output, "." + output.getName() + ".lock"), "output path " + output, folder,
                "the folder " + folder, "creating the folder " + folder), runId, heartbeatSeconds, staleSeconds, out);
    }

    /**
     * Takes the lock {@code lock} for run {@code runId}, taking over a stale or dead one (saying so on
     * {@code out}); throws {@link HeldException} when a live run holds it.
     */
    public static RunLock acquire(Target lock, String runId, long heartbeatSeconds, long staleSeconds,
                                  PrintWriter out) throws IOException {
        FileSystem fs = lock.fs();
        Path file = lock.file();
        Map<String, Object> owner = new LinkedHashMap<>();
        owner.put("host", hostName());
        owner.put("pid", ProcessHandle.current().pid());
        owner.put("runId", runId);
        owner.put("token", UUID.randomUUID().toString());
        owner.put("acquiredAt", Instant.now().toString());
        byte[] content = JSON.writeValueAsBytes(owner);
        for (int attempt = 0; attempt < 3; attempt++) {
            if (create(lock, content)) {
                RunLock held = new RunLock(fs, file, content, heartbeatSeconds);
                held.heartbeat.start();
                Runtime.getRuntime().addShutdownHook(held.shutdownHook);
                return held;
            }
            byte[] held = readOwner(fs, file);
            FileStatus status;
            try {
                status = fs.getFileStatus(file);
            } catch (FileNotFoundException e) {
                continue; // released in between: try again
            }
            if (held == null) {
                continue;
            }
            String why = takeOverReason(held, status, staleSeconds);
            if (why == null) {
                throw new HeldException(lock.owned() + " is locked by another run: " + describe(held)
                        + ", heartbeat " + ageSeconds(status) + " s ago (taken over after " + staleSeconds + " s; lock file "
                        + file + ")");
            }
            // Move the old lock aside rather than delete it: a rename succeeds for one taker only.
            // Re-checking the content first keeps us from moving a lock another taker just created.
            byte[] again = readAll(fs, file);
            if (!Arrays.equals(held, again)) {
                continue;
            }
            Path aside = new Path(file.getParent(), "." + file.getName() + ".taken-over-" + UUID.randomUUID());
            if (fs.rename(file, aside)) {
                fs.delete(aside, false);
                String line = "taking over the lock of " + lock.owned() + " from " + describe(held) + ": " + why;
                LOG.warn(line);
                out.println(line);
                out.flush();
            }
        }
        throw new HeldException(lock.owned() + ": could not take the lock " + file + " after 3 attempts");
    }

    /**
     * The lock file's content, or null when it is gone. The holder creates the file and then writes
     * its owner, so a lock found empty is read again for up to two seconds before it counts as
     * ownerless (a holder that died between the two steps; the heartbeat age then decides).
     */
    private static byte[] readOwner(FileSystem fs, Path file) throws IOException {
        byte[] held = readAll(fs, file);
        for (int i = 0; i < 40 && held != null && parse(held) == null; i++) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            held = readAll(fs, file);
        }
        return held;
    }

    /** Why a held lock may be taken over, or null when its owner looks alive. */
    private static String takeOverReason(byte[] held, FileStatus status, long staleSeconds) {
        long age = ageSeconds(status);
        if (age > staleSeconds) {
            return "its heartbeat is " + age + " s old (stale after " + staleSeconds + " s)";
        }
        JsonNode owner = parse(held);
        if (owner != null && hostName().equals(owner.path("host").asText()) && owner.path("pid").canConvertToLong()) {
            long pid = owner.path("pid").asLong();
            boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
            if (!alive) {
                return "its process " + pid + " on this host is gone";
            }
        }
        return null;
    }

    private void beat() {
        while (!released) {
            try {
                Thread.sleep(heartbeatMillis);
                if (!released) {
                    fs.setTimes(file, System.currentTimeMillis(), -1);
                }
            } catch (InterruptedException e) {
                return;
            } catch (IOException e) {
                LOG.warn("could not refresh the heartbeat of {}: {}", file, e.toString());
            }
        }
    }

    /** Releases the lock: stops the heartbeat and deletes the file if it is still ours. */
    @Override
    public void close() {
        release();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down; the hook releases (has released) the lock
        }
    }

    private synchronized void release() {
        if (released) {
            return;
        }
        released = true;
        heartbeat.interrupt();
        try {
            if (Arrays.equals(content, readAll(fs, file))) {
                fs.delete(file, false);
            } else {
                LOG.warn("lock {} is no longer this run's (taken over as stale?); left as it is", file);
            }
        } catch (IOException e) {
            LOG.warn("could not release lock {}: {}", file, e.toString());
        }
    }

    /**
     * {@link #tryCreate}, the lock's folder made first; a failure to write (permissions, a read-only
     * or full file system) names the registry or folder and what was tried rather than just a path.
     */
    private static boolean create(Target lock, byte[] content) throws IOException {
        FileSystem fs = lock.fs();
        String step = lock.folderStep();
        try {
            if (!fs.mkdirs(lock.folder())) {
                throw new IOException("mkdirs returned false");
            }
            step = "creating the lock file " + lock.file();
            return tryCreate(fs, lock.file(), content);
        } catch (IOException e) {
            IOException failure = new IOException("cannot write to " + lock.where() + ": " + step
                    + " failed (" + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
                    + "); check that it exists and this user may write to it");
            failure.addSuppressed(e);
            throw failure;
        }
    }

    /**
     * Creates the lock file with {@code content} unless it exists, atomically. HDFS's
     * {@code create(overwrite=false)} is atomic, but Hadoop's local file system implements it as
     * "exists? then open", which two runs can pass together; there the owner is written to a hidden
     * file first and hard-linked as the lock (link(2) fails if the name exists), which also means a
     * reader never finds the local lock without its owner.
     */
    private static boolean tryCreate(FileSystem fs, Path file, byte[] content) throws IOException {
        if (fs instanceof RawLocalFileSystem) {
            java.nio.file.Path lock = ((RawLocalFileSystem) fs).pathToFile(file).toPath();
            java.nio.file.Path owner = lock.resolveSibling("." + lock.getFileName() + ".owner-" + UUID.randomUUID());
            Files.write(owner, content);
            try {
                Files.createLink(lock, owner);
                return true;
            } catch (java.nio.file.FileAlreadyExistsException e) {
                return false;
            } finally {
                Files.deleteIfExists(owner);
            }
        }
        try (FSDataOutputStream out = fs.create(file, false)) {
            out.write(content);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            if (fs.exists(file)) {
                return false;
            }
            throw e;
        }
    }

    private static byte[] readAll(FileSystem fs, Path file) throws IOException {
        try (FSDataInputStream in = fs.open(file)) {
            return in.readAllBytes();
        } catch (FileNotFoundException e) {
            return null;
        }
    }

    private static long ageSeconds(FileStatus status) {
        return Math.max(0, (System.currentTimeMillis() - status.getModificationTime()) / 1000);
    }

    /** The owner object, or null when the content is absent, empty or not a JSON object. */
    private static JsonNode parse(byte[] held) {
        try {
            JsonNode node = held == null ? null : JSON.readTree(held);
            return node != null && node.isObject() ? node : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static String describe(byte[] held) {
        JsonNode owner = parse(held);
        if (owner == null) {
            return "an unknown owner";
        }
        return "run " + owner.path("runId").asText() + " (host " + owner.path("host").asText() + ", pid "
                + owner.path("pid").asText() + ", since " + owner.path("acquiredAt").asText() + ")";
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown-host";
        }
    }
}
