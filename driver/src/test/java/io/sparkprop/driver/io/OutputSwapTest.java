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
        IOException e = assertThrows(IOException.class, () -> OutputSwap.replace(fs(), target, true, dir -> {
            fs().mkdirs(dir);
            Files.writeString(java.nio.file.Path.of(dir.toUri()).resolve("part-0"), "half");
            throw new IOException("the job failed");
        }));
        assertEquals("the job failed", e.getMessage());
        assertEquals("yesterday", Files.readString(out.resolve("part-0")));
        assertEquals(List.of("out"), names());

        OutputSwap.replace(fs(), target, true, dir -> {
            fs().mkdirs(dir);
            Files.writeString(java.nio.file.Path.of(dir.toUri()).resolve("part-1"), "today");
        });
        assertEquals(List.of("part-1"), Files.list(out).map(f -> f.getFileName().toString()).toList());
        assertEquals(List.of("out"), names());
    }

    @Test
    void refusalsNameTheUsersPath() throws IOException {
        java.nio.file.Path file = tmp.resolve("model.onnx");
        Files.writeString(file, "old");
        Path target = new Path(file.toUri());
        String m = assertThrows(IllegalArgumentException.class, () -> OutputSwap.replaceFile(fs(), target, false, p -> { }))
                .getMessage();
        assertTrue(m.contains("model.onnx already exists; pass --overwrite"), m);
        m = assertThrows(IllegalArgumentException.class, () -> OutputSwap.check(fs(), target, true)).getMessage();
        assertTrue(m.contains("model.onnx is a file, expected a directory"), m);
        OutputSwap.replaceFile(fs(), target, true, p -> Files.writeString(java.nio.file.Path.of(p.toUri()), "new"));
        assertEquals("new", Files.readString(file));

        // a parent that cannot hold a directory (a file; permissions do not stop root): refused up front
        Path underAFile = new Path(file.toUri().toString() + "/out");
        m = assertThrows(IllegalArgumentException.class, () -> OutputSwap.check(fs(), underAFile, false)).getMessage();
        assertTrue(m.startsWith("cannot write to output path ") && m.contains("model.onnx/out") && !m.contains(".probe-"), m);
        assertEquals("new", Files.readString(file));
        assertEquals(List.of("model.onnx"), names());
    }
}
