package io.sparkprop.jobs.cli;

import picocli.CommandLine.Option;

import java.util.Map;

/** The data shortcuts that evaluate and predict share. */
final class DataOptions {
    @Option(names = "--data", paramLabel = "PATH", required = true, description = "Data path or URI (data.train).")
    String data;
    @Option(names = "--format", description = "idx, parquet, csv, libsvm, orc or json (data.format).")
    String format;
    @Option(names = "--label", paramLabel = "COL", description = "The label column (data.label).")
    String label;
    @Option(names = "--weight", paramLabel = "COL", description = "The row weight column (data.weight).")
    String weight;
    @Option(names = "--master", paramLabel = "URL", description = "Spark master when not under spark-submit (spark.master).")
    String master;

    Map<String, String> shortcuts(Map<String, String> s) {
        ConfigOptions.put(s, "data.train", data);
        ConfigOptions.put(s, "data.format", format);
        ConfigOptions.put(s, "data.label", label);
        ConfigOptions.put(s, "data.weight", weight);
        ConfigOptions.put(s, "spark.master", master);
        return s;
    }
}
