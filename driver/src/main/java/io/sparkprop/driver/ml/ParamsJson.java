package io.sparkprop.driver.ml;

import io.sparkprop.driver.config.Setting;
import io.sparkprop.driver.config.TrainingSettings;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The estimators' training Params as JSON, written from {@link TrainingSettings} when the Python
 * package is built (python/setup.py runs {@code java -cp sparkprop.jar io.sparkprop.driver.ml.ParamsJson FILE}),
 * so the Python Params are derived from the one declaration: per Param its name, configuration key,
 * documentation (the JVM Param's own), kind, default, what a valid value is, the closed list of
 * choices or the numeric bounds (null where infinite). It loads no Spark class: the job jar alone runs it.
 */
public final class ParamsJson {
    private ParamsJson() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: ParamsJson OUTPUT_FILE");
            System.exit(2);
        }
        try (Writer out = Files.newBufferedWriter(Path.of(args[0]), StandardCharsets.UTF_8)) {
            out.write(json());
        }
    }

    /** A JSON array, one object per Param: the settings in declaration order, then weightCol. */
    static String json() {
        List<String> params = new ArrayList<>();
        for (Setting<?> s : TrainingSettings.ALL) {
            params.add(setting(s));
        }
        params.add(object(List.of(
                field("name", quote("weightCol")), field("key", quote("data.weight")),
                field("doc", quote(SettingParams.WEIGHT_COL_DOC)), field("kind", quote("STRING")),
                field("default", quote("")), field("expected", quote(SettingParams.WEIGHT_COL_EXPECTED)),
                field("closed", "true"))));
        return "[\n" + String.join(",\n", params) + "\n]\n";
    }

    private static String setting(Setting<?> s) {
        Setting.Bounds b = s.bounds();
        List<String> fields = new ArrayList<>(List.of(
                field("name", quote(s.param())), field("key", quote(s.key())), field("doc", quote(s.paramDoc())),
                field("kind", quote(s.kind().name())), field("default", value(s.defaultValue())),
                field("expected", quote(s.expected())), field("closed", String.valueOf(s.choicesClosed()))));
        if (s.kind() == Setting.Kind.ENUM || s.kind() == Setting.Kind.AUTO_OR_INT) {
            fields.add(field("choices", value(s.choices())));
        }
        if (s.kind() == Setting.Kind.INT || s.kind() == Setting.Kind.LONG || s.kind() == Setting.Kind.DOUBLE) {
            fields.add(field("min", Double.isInfinite(b.min()) ? "null" : number(b.min())));
            fields.add(field("minInclusive", String.valueOf(b.minInclusive())));
            fields.add(field("max", Double.isInfinite(b.max()) ? "null" : number(b.max())));
            fields.add(field("maxInclusive", String.valueOf(b.maxInclusive())));
        }
        return object(fields);
    }

    private static String value(Object v) {
        if (v instanceof int[] a) {
            List<String> items = new ArrayList<>();
            for (int x : a) {
                items.add(String.valueOf(x));
            }
            return "[" + String.join(", ", items) + "]";
        }
        if (v instanceof List<?> list) {
            return "[" + String.join(", ", list.stream().map(x -> quote(String.valueOf(x))).toList()) + "]";
        }
        if (v instanceof Double d) {
            return number(d);
        }
        return v instanceof String str ? quote(str) : String.valueOf(v);
    }

    /** A double as JSON keeps it: always with a point or exponent, so Python reads a float back. */
    private static String number(double d) {
        String text = String.valueOf(d);
        return text.contains(".") || text.contains("E") ? text.toLowerCase(Locale.ROOT) : text + ".0";
    }

    private static String field(String name, String json) {
        return quote(name) + ": " + json;
    }

    private static String object(List<String> fields) {
        return "  {" + String.join(", ", fields) + "}";
    }

    private static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                default -> sb.append(c < 0x20 ? String.format(Locale.ROOT, "\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return sb.append('"').toString();
    }
}
