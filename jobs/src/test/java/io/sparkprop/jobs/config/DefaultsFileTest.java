package io.sparkprop.jobs.config;

import io.sparkprop.driver.config.Setting;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * conf/sparkprop-defaults.conf is written for people; the settings are declared in code. This test
 * reads the file as a person would (description lines, a {@code # type:} line, {@code key = default})
 * and requires the two to agree: the same keys, and for each the same type and range and the same
 * default value. A default or a range changed on one side only fails here.
 */
class DefaultsFileTest {
    private record Entry(String key, String type, String defaultText, int line) {
    }

    private static Map<String, Entry> readDefaultsFile() throws IOException {
        Map<String, Entry> entries = new LinkedHashMap<>();
        String type = null;
        int lineNo = 0;
        for (String line : Files.readAllLines(Path.of("..", "conf", "sparkprop-defaults.conf"))) {
            lineNo++;
            String t = line.trim();
            if (t.isEmpty()) {
                type = null;
            } else if (t.startsWith("#")) {
                String c = t.substring(1).trim();
                if (c.startsWith("type:")) {
                    type = c.substring(5).trim();
                }
            } else {
                int eq = t.indexOf('=');
                assertTrue(eq > 0 && type != null, "line " + lineNo + ": expected '# type: ...' then 'key = value', got '" + t + "'");
                String key = t.substring(0, eq).trim();
                assertTrue(entries.put(key, new Entry(key, type, t.substring(eq + 1).trim(), lineNo)) == null,
                        key + " appears twice in the defaults file");
                type = null;
            }
        }
        return entries;
    }

    @Test
    void everyDocumentedKeyMatchesItsDeclarationAndEveryDeclarationIsDocumented() throws IOException {
        Map<String, Entry> file = readDefaultsFile();
        Map<String, Setting<?>> declared = ConfigSchema.shipped().entries();
        List<String> problems = new ArrayList<>();
        for (Entry e : file.values()) {
            Setting<?> s = declared.get(e.key());
            if (s == null) {
                problems.add(e.key() + " (line " + e.line() + ") has no declaration");
                continue;
            }
            if (!e.type().equals(s.typeText())) {
                problems.add(e.key() + ": the file says type '" + e.type() + "', the declaration '" + s.typeText() + "'");
            }
            Object fileDefault;
            try {
                fileDefault = s.parse(e.defaultText());
            } catch (IllegalArgumentException x) {
                problems.add(e.key() + ": the file's default '" + e.defaultText() + "' is not " + x.getMessage());
                continue;
            }
            if (!Objects.deepEquals(fileDefault, s.defaultValue())) {
                problems.add(e.key() + ": the file's default is " + e.defaultText() + ", the declaration's "
                        + s.format(s.defaultValue()));
            }
        }
        for (String key : declared.keySet()) {
            if (!file.containsKey(key)) {
                problems.add(key + " is declared but not documented in conf/sparkprop-defaults.conf");
            }
        }
        assertEquals(List.of(), problems);
    }
}
