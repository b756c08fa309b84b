package io.sparkprop.driver.io;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Outputs are replaced only by complete outputs, on the real local Hadoop file system. */
class OutputSwapTest {
    @TempDir
    java.nio.file.Path tmp;

    /** A folder holding "part-0" counts as written here; a file as written here when it starts with "ours". */
    private static final OutputSwap.Kind FOLDER = OutputSwap.Kind.folderWith("a test output", "part-0");
    private static final OutputSwap.Kind FILE = new OutputSwap.Kind("a test file", false,
            (fs, f) -> Files.readString(java.nio.file.Path.of(f.getPath().toUri())).startsWith("ours"));

    private FileSystem fs() throws IOException {
        return FileSystem.getLocal(new Configuration()).getRawFileSystem();
    }

    private List<String> names() throws IOException {
        try (var files = Files.list(tmp)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aFailedWriterLeavesTheOldOutputAndNoTemporary() throws IOException {
        java.nio.file.Path out = tmp.resolve("out");
        Files.createDirectories(out);
        Files.writeString(out.resolve("part-0"), "yesterday");
        Path target = new Path(out.toUri());
        IOException e = assertThrows(IOException.class, () -> OutputSwap.replace(fs(), target, true, FOLDER, dir -> {
            fs().mkdirs(dir);
            Files.writeString(java.nio.file.Path.of(dir.toUri()).resolve("part-0"), "half");
            throw new IOException("the job failed");
        }));
        assertEquals("the job failed", e.getMessage());
        assertEquals("yesterday", Files.readString(out.resolve("part-0")));
        assertEquals(List.of("out"), names());

        OutputSwap.replace(fs(), target, true, FOLDER, dir -> {
            fs().mkdirs(dir);
            Files.writeString(java.nio.file.Path.of(dir.toUri()).resolve("part-0"), "today");
        });
        assertEquals("today", Files.readString(out.resolve("part-0")));
        assertEquals(List.of("out"), names());
    }

    @Test
    void refusalsNameTheUsersPath() throws IOException {
        java.nio.file.Path file = tmp.resolve("model.onnx");
        Files.writeString(file, "ours, old");
        Path target = new Path(file.toUri());
        String m = assertThrows(IllegalArgumentException.class, () -> OutputSwap.replace(fs(), target, false, FILE, p -> { }))
                .getMessage();
        assertTrue(m.contains("model.onnx already exists; pass --overwrite"), m);
        m = assertThrows(IllegalArgumentException.class, () -> OutputSwap.check(fs(), target, true, FOLDER)).getMessage();
        assertTrue(m.contains("model.onnx is a file, not a test output (with part-0) that sparkprop wrote"), m);
        OutputSwap.replace(fs(), target, true, FILE, p -> Files.writeString(java.nio.file.Path.of(p.toUri()), "new"));
        assertEquals("new", Files.readString(file));

        // a parent that cannot hold a directory (a file; permissions do not stop root): refused up front
        Path underAFile = new Path(file.toUri().toString() + "/out");
        m = assertThrows(IllegalArgumentException.class, () -> OutputSwap.check(fs(), underAFile, false, FOLDER)).getMessage();
        assertTrue(m.startsWith("cannot write to output path ") && m.contains("model.onnx/out") && !m.contains(".probe-"), m);
        assertEquals("new", Files.readString(file));
        assertEquals(List.of("model.onnx"), names());
    }

    @Test
    void onlyWhatSparkpropWroteIsReplaced() throws IOException {
        java.nio.file.Path out = Files.createDirectories(tmp.resolve("out"));
        Files.writeString(out.resolve("notes.txt"), "mine");
        Files.createDirectories(out.resolve("photos"));
        Path target = new Path(out.toUri());
        String m = assertThrows(IllegalArgumentException.class, () -> OutputSwap.replace(fs(), target, true, FOLDER, dir -> {
            throw new AssertionError("nothing may be written");
        })).getMessage();
        assertTrue(m.contains("out holds ") && m.contains("notes.txt") && m.contains("photos/")
                && m.contains("not a test output (with part-0) that sparkprop wrote"), m);
        assertEquals("mine", Files.readString(out.resolve("notes.txt")));

        java.nio.file.Path file = Files.writeString(tmp.resolve("theirs.onnx"), "theirs");
        m = assertThrows(IllegalArgumentException.class, () -> OutputSwap.check(fs(), new Path(file.toUri()), true, FILE))
                .getMessage();
        assertTrue(m.contains("theirs.onnx is a file, not a test file that sparkprop wrote"), m);
        assertEquals("theirs", Files.readString(file));

        // an empty folder holds nothing to lose
        java.nio.file.Path empty = Files.createDirectories(tmp.resolve("empty"));
        OutputSwap.replace(fs(), new Path(empty.toUri()), true, FOLDER, dir -> {
            fs().mkdirs(dir);
            Files.writeString(java.nio.file.Path.of(dir.toUri()).resolve("part-0"), "new");
        });
        assertEquals("new", Files.readString(empty.resolve("part-0")));
    }

    @Test
    void leftoversOfAKilledWriterGoAtTheNextWrite() throws IOException {
        java.nio.file.Path out = Files.createDirectories(tmp.resolve("out"));
        Files.writeString(out.resolve("part-0"), "v1");
        String uuid = "0123abcd-0000-4000-8000-000000000000";
        long beforeThisJvm = java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime() - 60_000;
        List<String> stale = List.of(".out.probe-" + uuid, ".out.tmp-" + uuid, ".out.old-" + uuid);
        for (String name : stale) {
            java.nio.file.Path d = Files.createDirectories(tmp.resolve(name));
            Files.setLastModifiedTime(d, java.nio.file.attribute.FileTime.fromMillis(beforeThisJvm));
        }
        Files.createDirectories(tmp.resolve(".out.tmp-" + uuid.replace('0', '1'))); // written after this JVM started
        Files.createDirectories(tmp.resolve(".other.tmp-" + uuid)); // another output's
        OutputSwap.replace(fs(), new Path(out.toUri()), true, FOLDER, dir -> {
            fs().mkdirs(dir);
            Files.writeString(java.nio.file.Path.of(dir.toUri()).resolve("part-0"), "v2");
        });
        assertEquals(List.of(".other.tmp-" + uuid, ".out.tmp-" + uuid.replace('0', '1'), "out"), names());
    }

    @Test
    void aColonInTheNameIsRefusedInWords() {
        Path target = new Path(tmp.resolve("a:b").toUri().getPath());
        String m = assertThrows(IllegalArgumentException.class, () -> OutputSwap.check(fs(), target, false, FOLDER)).getMessage();
        assertTrue(m.contains("a:b has a ':' in a file or folder name, which Hadoop paths cannot hold"), m);
    }
}
