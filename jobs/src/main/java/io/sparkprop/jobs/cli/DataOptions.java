package io.sparkprop.jobs.cli;

import picocli.CommandLine.Option;

/** The data shortcuts that evaluate and predict share. */
final class DataOptions {
    @Option(names = "--data", paramLabel = "PATH", required = true, description = "Data path or URI (data.train).")
    String data;
    @Option(names = "--format", description = "idx, parquet, csv, libsvm, orc or json (data.format).")
    String format;
    @Option(names = "--label", paramLabel = "COL[,COL...]", description = "The label column, or several numeric columns for a regression of several outputs (data.label).")
    String label;
    @Option(names = "--weight", paramLabel = "COL", description = "The row weight column (data.weight).")
    String weight;
    @Option(names = "--master", paramLabel = "URL", description = "Spark master when not under spark-submit (spark.master).")
    String master;

    Shortcuts shortcuts(Shortcuts s) {
        s.put("--data", "data.train", data);
        s.put("--format", "data.format", format);
        s.put("--label", "data.label", label);
        s.put("--weight", "data.weight", weight);
        s.put("--master", "spark.master", master);
        return s;
    }
}
