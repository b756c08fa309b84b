package io.sparkprop.jobs.config;

import io.sparkprop.driver.config.Setting;
import io.sparkprop.driver.config.TrainingSettings;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every configuration key the command line reads: the training settings
 * ({@link TrainingSettings}) and the command line's own ({@link JobSettings}), each with its type,
 * default and meaning from its one declaration. {@code conf/sparkprop-defaults.conf} documents the
 * same keys for people; a test keeps the file and the declarations equal.
 */
public final class ConfigSchema {
    /** The resource name of the documented defaults file inside the jar. */
    public static final String RESOURCE = "/sparkprop-defaults.conf";

    private static final ConfigSchema SHIPPED = new ConfigSchema();

    private final Map<String, Setting<?>> entries = new LinkedHashMap<>();
    /** Old keys to the settings that replaced them. */
    private final Map<String, Setting<?>> deprecated = new LinkedHashMap<>();

    private ConfigSchema() {
        for (Setting<?> s : JobSettings.ALL) {
            entries.put(s.key(), s);
        }
        for (Setting<?> s : TrainingSettings.ALL) {
            if (entries.put(s.key(), s) != null) {
                throw new IllegalStateException(s.key() + " is declared twice");
            }
            s.deprecatedKeys().forEach(old -> deprecated.put(old, s));
        }
    }

    /** The schema shipped with sparkprop. */
    public static ConfigSchema shipped() {
        return SHIPPED;
    }

    public Map<String, Setting<?>> entries() {
        return Collections.unmodifiableMap(entries);
    }

    /** The setting with this key, or null. */
    public Setting<?> entry(String key) {
        return entries.get(key);
    }

    /** The setting that replaced the old key {@code key}, or null when it is not an old key. */
    public Setting<?> replacementOf(String key) {
        return deprecated.get(key);
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
