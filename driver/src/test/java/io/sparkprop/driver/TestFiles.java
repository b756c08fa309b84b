package io.sparkprop.driver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/** Real files for tests: what a folder holds, to show that a refused command created or changed nothing. */
public final class TestFiles {
    private TestFiles() {
    }

    /** Every file under {@code dir} (hidden ones too) with the SHA-256 of its bytes; folders as "dir". */
    public static Map<String, String> snapshot(Path dir) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted().toList()) {
                out.put(dir.relativize(p).toString(), Files.isRegularFile(p) ? sha256(Files.readAllBytes(p)) : "dir");
            }
        }
        return out;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
