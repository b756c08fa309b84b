package io.sparkprop.jobs.config;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every configuration key with its default, type and meaning, read from the one documented defaults
 * file ({@code conf/sparkprop-defaults.conf}, shipped inside the jar). Entries look like:
 * <pre>
 *   # What the key means (any number of lines).
 *   # type: double > 0
 *   train.learningRate = 0.001
 * </pre>
 * The file is the single source of truth: nothing else lists keys or defaults.
 */
public final class ConfigSchema {
    /** The resource name of the defaults file inside the jar. */
    public static final String RESOURCE = "/sparkprop-defaults.conf";

    /** One key of the schema. */
    public static final class Entry {
        final String key;
        final String defaultValue;
        final ConfigType type;
        final String description;

        Entry(String key, String defaultValue, ConfigType type, String description) {
            this.key = key;
            this.defaultValue = defaultValue;
            this.type = type;
            this.description = description;
        }

        public String key() {
            return key;
        }

        public String defaultValue() {
            return defaultValue;
        }

        public String description() {
            return description;
        }

        public String type() {
            return type.text;
        }
    }

    private final Map<String, Entry> entries;

    private ConfigSchema(Map<String, Entry> entries) {
        this.entries = Collections.unmodifiableMap(entries);
    }

    /** The schema shipped with sparkprop. */
    public static ConfigSchema shipped() {
        try (InputStream in = ConfigSchema.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath: the jar was built wrongly");
            }
            return parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ConfigSchema parse(InputStream in) throws IOException {
        Map<String, Entry> entries = new LinkedHashMap<>();
        List<String> comment = new ArrayList<>();
        ConfigType type = null;
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String line;
        int lineNo = 0;
        while ((line = reader.readLine()) != null) {
            lineNo++;
            String t = line.trim();
            if (t.isEmpty()) {
                comment.clear();
                type = null;
            } else if (t.startsWith("#")) {
                String c = t.substring(1).trim();
                if (c.startsWith("type:")) {
                    type = ConfigType.parse(c.substring(5));
                } else {
                    comment.add(c);
                }
            } else {
                int eq = t.indexOf('=');
                if (eq < 0 || type == null) {
                    throw new IllegalStateException("defaults file line " + lineNo + ": expected '# type: ...' then 'key = value', got '" + t + "'");
                }
                String key = t.substring(0, eq).trim();
                String value = t.substring(eq + 1).trim();
                String problem = type.check(value);
                if (problem != null) {
                    throw new IllegalStateException("defaults file line " + lineNo + ": default of " + key + " is not " + problem);
                }
                entries.put(key, new Entry(key, value, type, String.join(" ", comment)));
                comment.clear();
                type = null;
            }
        }
        return new ConfigSchema(entries);
    }

    public Map<String, Entry> entries() {
        return entries;
    }

    public Entry entry(String key) {
        return entries.get(key);
    }

    /** The known key closest to {@code key} by edit distance, for "did you mean" messages. */
    public String closest(String key) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : entries.keySet()) {
            int d = editDistance(key.toLowerCase(), k.toLowerCase());
            if (d < bestDistance) {
                bestDistance = d;
                best = k;
            }
        }
        return best;
    }

    /** Levenshtein distance: insertions, deletions and substitutions each cost 1. */
    static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
