package io.sparkprop.jobs.cli;

import io.sparkprop.jobs.config.ConfigSchema;
import io.sparkprop.jobs.config.JobConfig;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The configuration options every command shares: a job file and {@code --conf key=value}
 * overrides. Commands add named shortcuts (e.g. {@code --epochs}) that are overrides too.
 */
final class ConfigOptions {
    @Option(names = "--job", paramLabel = "FILE",
            description = "Job file of 'key = value' lines (path or URI), overriding the defaults.")
    String jobFile;

    @Option(names = "--conf", paramLabel = "KEY=VALUE",
            description = "Override one configuration key (repeatable); see conf/sparkprop-defaults.conf.")
    Map<String, String> overrides = new LinkedHashMap<>();

    /** Defaults, then the job file, then {@code --conf}, then the command's own shortcuts. */
    JobConfig resolve(Shortcuts shortcuts) throws IOException {
        List<JobConfig.Layer> cli = new ArrayList<>();
        cli.add(new JobConfig.Layer("--conf", overrides));
        cli.addAll(shortcuts.layers());
        JobConfig config = JobConfig.resolve(ConfigSchema.shipped(), readJobFile(), jobFile == null ? "-" : jobFile, cli);
        config.warnings().forEach(w -> System.err.println("warning: " + w));
        config.trainingConfig(); // the constraints between training settings, checked before Spark starts
        return config;
    }

    /**
     * Prints the configuration a run uses: by default only the keys whose value differs from the
     * shipped default, {@code verbose} every key; each with its source, credentials redacted.
     */
    static void print(PrintWriter out, JobConfig config, boolean verbose) {
        List<String> lines = verbose ? config.describe() : config.describeChanged();
        if (verbose) {
            out.println("configuration (every key, with where its value came from):");
        } else if (lines.isEmpty()) {
            out.println("configuration: the defaults (--verbose or 'sparkprop config' lists every key)");
        } else {
            out.println("configuration (what differs from the defaults; --verbose or 'sparkprop config' lists every key):");
        }
        lines.forEach(line -> out.println("  " + line));
        out.flush();
    }

    private Map<String, String> readJobFile() throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        if (jobFile == null) {
            return out;
        }
        Path path = new Path(jobFile);
        if (!path.getFileSystem(new Configuration()).exists(path)) {
            throw new IllegalArgumentException("job file " + jobFile + " does not exist");
        }
        Properties p = new Properties() {
            private static final long serialVersionUID = 1L;

            @Override
            public synchronized Object put(Object key, Object value) {
                out.put((String) key, (String) value);
                return super.put(key, value);
            }
        };
        try (FSDataInputStream in = path.getFileSystem(new Configuration()).open(path)) {
            p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        }
        return out;
    }
}
