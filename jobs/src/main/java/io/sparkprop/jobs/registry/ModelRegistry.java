package io.sparkprop.jobs.registry;

import io.sparkprop.driver.config.ConfigurationException;
import io.sparkprop.driver.io.OutputSwap;
import io.sparkprop.driver.io.RunLock;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkprop.driver.model.ModelStore;
import io.sparkprop.driver.model.SavedModel;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The versions of one named model in a registry on any Hadoop FileSystem URI:
 * <pre>
 *   &lt;registry&gt;/&lt;name&gt;/versions/&lt;n&gt;/   a model in the model format (ModelStore), n = 1, 2, ...
 *   &lt;registry&gt;/&lt;name&gt;/CURRENT          the number of the version in service, one line
 *   &lt;registry&gt;/&lt;name&gt;/history.jsonl    one JSON object per finished run or rollback
 *   &lt;registry&gt;/&lt;name&gt;/LOCK             held by the one run that may change the model (RunLock)
 *   &lt;registry&gt;/&lt;name&gt;/runs/&lt;run-id&gt;/checkpoints   a run's checkpoints while it trains
 * </pre>
 * Invariants: a version directory appears complete or not at all (ModelStore writes it under a
 * hidden name and renames it); CURRENT names a complete version; CURRENT and history.jsonl are
 * replaced whole by an atomic rename, so a reader sees the old or the new file, never none or half.
 * Only the lock holder writes. On the local file system the raw one is used (no .crc side files).
 */
public final class ModelRegistry {
    public static final String VERSIONS = "versions";
    public static final String CURRENT = "CURRENT";
    public static final String HISTORY = "history.jsonl";
    public static final String LOCK = "LOCK";
    public static final String RUNS = "runs";

    private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9_.-]+");
    private static final Set<String> ENTRIES = Set.of(VERSIONS, CURRENT, HISTORY, LOCK, RUNS);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = LoggerFactory.getLogger(ModelRegistry.class);

    private final Configuration hadoopConf;
    private final FileSystem fs;
    private final Path root;
    private final Path dir;
    private final String name;
    private Consumer<String> warnings = line -> LOG.warn(line);
    private boolean tornLineReported;

    /**
     * Opens model {@code name} in the registry at {@code registry}. The registry must be an existing
     * directory; the model's folder may be absent (a model with no versions yet) but when present
     * must hold only registry entries.
     */
    public ModelRegistry(String registry, String name, Configuration hadoopConf) throws IOException {
        checkPlainName("model name", name);
        this.hadoopConf = hadoopConf;
        this.name = name;
        Path rootPath = new Path(registry);
        this.fs = OutputSwap.fileSystem(rootPath, hadoopConf);
        this.root = fs.makeQualified(rootPath);
        this.dir = new Path(root, name);
        FileStatus rootStatus = status(root);
        if (rootStatus == null) {
            throw new IllegalArgumentException("registry " + registry + " does not exist (create the directory first)");
        }
        if (!rootStatus.isDirectory()) {
            throw new IllegalArgumentException("registry " + registry + " is a file, not a registry directory");
        }
        FileStatus dirStatus = status(dir);
        if (dirStatus != null) {
            if (!dirStatus.isDirectory()) {
                throw new IllegalArgumentException(dir + " is a file, not a model registry folder");
            }
            for (FileStatus child : fs.listStatus(dir)) {
                String entry = child.getPath().getName();
                if (!ENTRIES.contains(entry) && !entry.startsWith(".") && !entry.startsWith(CURRENT + ".tmp-")
                        && !entry.startsWith(HISTORY + ".tmp-")) {
                    throw new IllegalArgumentException(dir + " is not a model registry folder: it holds '" + entry
                            + "' (expected only " + String.join(", ", new java.util.TreeSet<>(ENTRIES)) + ")");
                }
            }
        }
    }

    /** The longest plain name: well inside every file system's limit on one path component (255 bytes). */
    public static final int MAX_NAME_LENGTH = 100;

    /**
     * 1 to {@link #MAX_NAME_LENGTH} ASCII letters, digits, '-', '_' and '.', not only dots: safe as
     * one path component anywhere (non-ASCII letters are refused: object stores and HDFS differ on
     * Unicode normalisation, so the same-looking name could be two models).
     */
    public static void checkPlainName(String what, String value) {
        if (value == null || value.isEmpty()) {
            throw new ConfigurationException(what + " is empty: use 1 to " + MAX_NAME_LENGTH + " letters, digits, '-', '_' and '.'");
        }
        if (value.length() > MAX_NAME_LENGTH) {
            throw new ConfigurationException(what + " '" + value.substring(0, 20) + "...' is " + value.length()
                    + " characters long; at most " + MAX_NAME_LENGTH + " are allowed");
        }
        if (!PLAIN_NAME.matcher(value).matches() || value.chars().allMatch(c -> c == '.')) {
            throw new ConfigurationException(what + " '" + printable(value) + "' is not a plain name: use ASCII letters,"
                    + " digits, '-', '_' and '.' (no path separators, no control characters, not '.' or '..')");
        }
    }

    /** {@code value} with control characters shown as their code (u+XXXX), so the message stays one readable line. */
    private static String printable(String value) {
        StringBuilder sb = new StringBuilder();
        value.codePoints().forEach(c -> {
            if (Character.isISOControl(c)) {
                sb.append(String.format("u+%04X", c));
            } else {
                sb.appendCodePoint(c);
            }
        });
        return sb.toString();
    }

    public String name() {
        return name;
    }

    /** Where warnings go, one line each (a torn history line); the log by default. */
    public ModelRegistry warnings(Consumer<String> sink) {
        this.warnings = sink;
        return this;
    }

    /**
     * Fails, changing nothing, when the model has no folder in the registry (a command that only reads
     * or repoints a model): one line naming the models the registry holds.
     */
    public void requireFolder() throws IOException {
        if (hasFolder()) {
            return;
        }
        List<String> models = new ArrayList<>();
        for (FileStatus child : fs.listStatus(root)) {
            if (child.isDirectory() && !child.getPath().getName().startsWith(".")) {
                models.add(child.getPath().getName());
            }
        }
        models.sort(null);
        throw new IllegalArgumentException("registry " + root + " has no model '" + name + "' ("
                + (models.isEmpty() ? "it holds no models yet" : "its models: " + String.join(", ", models)) + ")");
    }

    /**
     * Takes this model's lock ({@value #LOCK} in its folder) for run {@code runId}; see {@link RunLock}:
     * a stale or dead holder is taken over (said on {@code out}), a live one refused.
     */
    public RunLock lock(String runId, long heartbeatSeconds, long staleSeconds, PrintWriter out) throws IOException {
        return RunLock.acquire(new RunLock.Target(fileSystem(), new Path(dir(), LOCK), "model '" + name() + "'", dir(),
                "the registry " + dir().getParent(), "creating the model folder " + dir()), runId, heartbeatSeconds, staleSeconds, out);
    }

    /** The model's folder, {@code <registry>/<name>}. */
    public Path dir() {
        return dir;
    }

    public FileSystem fileSystem() {
        return fs;
    }

    public Path versionDir(int version) {
        return new Path(new Path(dir, VERSIONS), String.valueOf(version));
    }

    /** Where run {@code runId} keeps its checkpoints. */
    public String checkpointDir(String runId) {
        return new Path(new Path(new Path(dir, RUNS), runId), "checkpoints").toString();
    }

    /** Deletes what run {@code runId} kept while it trained. */
    public void deleteRun(String runId) throws IOException {
        Path runs = new Path(dir, RUNS);
        fs.delete(new Path(runs, runId), true);
        if (fs.exists(runs) && fs.listStatus(runs).length == 0) {
            fs.delete(runs, false);
        }
    }

    /**
     * Deletes run {@code runId}'s folder when it holds no checkpoint (a run that failed before its
     * first one), so a failed run leaves nothing behind; a folder with checkpoints is kept to resume.
     */
    public void deleteRunIfNoCheckpoints(String runId) throws IOException {
        if (!hasCheckpoints(runId)) {
            deleteRun(runId);
        }
    }

    /** True when run {@code runId} left at least one checkpoint (it will resume from the newest). */
    public boolean hasCheckpoints(String runId) throws IOException {
        try {
            for (FileStatus f : fs.listStatus(new Path(checkpointDir(runId)))) {
                if (f.getPath().getName().matches("ckpt-\\d+\\.json")) {
                    return true;
                }
            }
        } catch (FileNotFoundException e) {
            // never checkpointed
        }
        return false;
    }

    /** True when the model's folder exists (it has, or had, versions, history or a lock). */
    public boolean hasFolder() throws IOException {
        return status(dir) != null;
    }

    /** Deletes the model's folder if it is empty: a first run that failed leaves no trace. */
    public void deleteFolderIfEmpty() throws IOException {
        FileStatus s = status(dir);
        if (s != null && s.isDirectory() && fs.listStatus(dir).length == 0) {
            fs.delete(dir, false);
        }
    }

    /** The complete versions, ascending (hidden temporary directories are not versions). */
    public List<Integer> versions() throws IOException {
        List<Integer> out = new ArrayList<>();
        FileStatus[] children;
        try {
            children = fs.listStatus(new Path(dir, VERSIONS));
        } catch (FileNotFoundException e) {
            return out;
        }
        for (FileStatus child : children) {
            String n = child.getPath().getName();
            if (child.isDirectory() && n.matches("[1-9][0-9]{0,8}")) {
                out.add(Integer.parseInt(n));
            }
        }
        out.sort(null);
        return out;
    }

    /** The version in service, or empty when the model has none yet. */
    public OptionalInt current() throws IOException {
        byte[] bytes = readAll(new Path(dir, CURRENT));
        if (bytes == null) {
            return OptionalInt.empty();
        }
        String text = new String(bytes, StandardCharsets.UTF_8).trim();
        if (!text.matches("[1-9][0-9]{0,8}")) {
            throw new IllegalArgumentException(new Path(dir, CURRENT) + " holds '" + text + "', not a version number");
        }
        return OptionalInt.of(Integer.parseInt(text));
    }

    /** Reads version {@code n}, checked by ModelStore (format, length, SHA-256). */
    public SavedModel read(int version) throws IOException {
        Path v = versionDir(version);
        if (status(v) == null) {
            throw new IllegalArgumentException("version " + version + " of model '" + name + "' is missing (" + v + ")");
        }
        return new ModelStore(hadoopConf).read(v.toString());
    }

    /**
     * Writes {@code model} as the next version and returns its number. The version is complete when
     * this returns and invisible if it throws; nothing points at it yet.
     */
    public int write(SavedModel model, Map<String, byte[]> extraFiles) throws IOException {
        List<Integer> existing = versions();
        int next = existing.isEmpty() ? 1 : existing.get(existing.size() - 1) + 1;
        new ModelStore(hadoopConf).write(model, versionDir(next).toString(), false, extraFiles);
        return next;
    }

    /** Deletes version {@code n}; refuses the one in service. */
    public void delete(int version) throws IOException {
        OptionalInt current = current();
        if (current.isPresent() && current.getAsInt() == version) {
            throw new IllegalStateException("version " + version + " is CURRENT and cannot be deleted");
        }
        fs.delete(versionDir(version), true);
    }

    /** Points CURRENT at {@code version}, which must be complete: one atomic replacement. */
    public void setCurrent(int version) throws IOException {
        if (!new ModelStore(hadoopConf).exists(versionDir(version).toString())) {
            throw new IllegalArgumentException("version " + version + " of model '" + name + "' does not exist");
        }
        replace(CURRENT, (version + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Keeps the newest {@code keep} versions and CURRENT; returns the versions deleted. */
    public List<Integer> prune(int keep) throws IOException {
        List<Integer> all = versions();
        OptionalInt current = current();
        List<Integer> deleted = new ArrayList<>();
        for (int i = 0; i < all.size() - keep; i++) {
            int v = all.get(i);
            if (current.isEmpty() || current.getAsInt() != v) {
                fs.delete(versionDir(v), true);
                deleted.add(v);
            }
        }
        return deleted;
    }

    /**
     * Every history entry, oldest first. A last line without its newline that is not JSON is the
     * torn write of an older sparkprop killed while appending: skipped, with one warning naming the
     * file and line (the next append drops it). Any other line that is not JSON is an error naming them.
     */
    public List<JsonNode> history() throws IOException {
        return historyLines().stream().map(HistoryLine::entry).toList();
    }

    /** A history line as written and its entry. */
    private record HistoryLine(String text, JsonNode entry) {
    }

    private List<HistoryLine> historyLines() throws IOException {
        List<HistoryLine> out = new ArrayList<>();
        Path file = new Path(dir, HISTORY);
        byte[] bytes = readAll(file);
        if (bytes == null) {
            return out;
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            try {
                out.add(new HistoryLine(lines[i], JSON.readTree(lines[i])));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                boolean torn = i == lines.length - 1; // no newline after it: the write stopped inside the line
                if (!torn) {
                    throw new IllegalArgumentException(file + " line " + (i + 1) + " is not a JSON object ("
                            + e.getOriginalMessage() + "): repair or remove that line");
                }
                if (!tornLineReported) {
                    tornLineReported = true;
                    warnings.accept(file + " line " + (i + 1) + " is cut short (a run was killed while writing it): skipped;"
                            + " the next history line written replaces it");
                }
            }
        }
        return out;
    }

    /** The history entry of run {@code runId}, if it finished. */
    public Optional<JsonNode> finishedRun(String runId) throws IOException {
        return history().stream().filter(e -> runId.equals(e.path("runId").asText())).reduce((a, b) -> b);
    }

    /** The version written by run {@code runId}, if one was (recorded in its model.json). */
    public OptionalInt versionOfRun(String runId) throws IOException {
        for (int v : versions()) {
            byte[] json = readAll(new Path(versionDir(v), ModelStore.MODEL_JSON));
            if (json != null && runId.equals(JSON.readTree(json).path("training").path("runId").asText())) {
                return OptionalInt.of(v);
            }
        }
        return OptionalInt.empty();
    }

    /** Adds one line to history.jsonl, replacing the file atomically. */
    public void appendHistory(Map<String, Object> entry) throws IOException {
        StringBuilder all = new StringBuilder();
        for (HistoryLine line : historyLines()) {
            all.append(line.text()).append('\n');
        }
        all.append(JSON.writeValueAsString(entry)).append('\n');
        replace(HISTORY, all.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Replaces file {@code entry} of the model's folder by writing a temporary file beside it and
     * renaming it over the old one. The raw local file system renames with rename(2), which replaces
     * the target atomically; elsewhere (HDFS, ...) FileContext's rename with OVERWRITE does.
     */
    private void replace(String entry, byte[] content) throws IOException {
        fs.mkdirs(dir);
        Path target = new Path(dir, entry);
        Path tmp = new Path(dir, entry + ".tmp-" + UUID.randomUUID());
        try {
            try (FSDataOutputStream out = fs.create(tmp, false)) {
                out.write(content);
            }
            if (fs instanceof RawLocalFileSystem) {
                if (!fs.rename(tmp, target)) {
                    throw new IOException("could not rename " + tmp + " to " + target);
                }
            } else {
                FileContext.getFileContext(fs.getUri(), hadoopConf).rename(tmp, target, Options.Rename.OVERWRITE);
            }
        } finally {
            if (fs.exists(tmp)) {
                fs.delete(tmp, false);
            }
        }
    }

    private FileStatus status(Path p) throws IOException {
        try {
            return fs.getFileStatus(p);
        } catch (FileNotFoundException e) {
            return null;
        }
    }

    private byte[] readAll(Path file) throws IOException {
        try (FSDataInputStream in = fs.open(file)) {
            return in.readAllBytes();
        } catch (FileNotFoundException e) {
            return null;
        }
    }
}
