package io.sparkprop.jobs.cli;

import io.sparkprop.core.nn.NetworkSpec;
import io.sparkprop.driver.model.ModelStore;
import io.sparkprop.driver.model.SavedModel;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code sparkprop info MODEL}: describes a saved model without starting Spark. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Describe a saved model: network, parameters, features, labels and training metadata.")
final class InfoCommand implements Callable<Integer> {
    @Parameters(paramLabel = "MODEL", description = "Model directory (path or URI: file://, hdfs://, s3a://).")
    String model;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        SavedModel m = new ModelStore(new Configuration()).read(model);
        PrintWriter out = spec.commandLine().getOut();
        NetworkSpec s = m.spec();
        out.println("model:       " + model);
        out.println("network:     " + s);
        out.println("parameters:  " + s.layout().size());
        out.println("task:        " + m.task().name().toLowerCase());
        if (!m.classLabels().isEmpty()) {
            out.println("classes:     " + String.join(", ", m.classLabels()));
        }
        if (m.task() == SavedModel.Task.REGRESSION) {
            out.println("outputs:     " + s.outputWidth() + (m.targetNames().isEmpty() ? "" : " (" + abbreviate(String.join(", ", m.targetNames())) + ")"));
        }
        out.println("features:    " + s.inputWidth() + (m.featureNames().isEmpty() ? "" : " (" + abbreviate(String.join(", ", m.featureNames())) + ")"));
        out.println("standardized: " + m.standardized());
        if (m.targetStandardized()) {
            out.println("targets:     standardised, mean " + Arrays.toString(m.targetMean()) + ", std "
                    + Arrays.toString(m.targetStd()));
        }
        if (m.training().get("cache") instanceof Map) {
            Map<?, ?> cache = (Map<?, ?>) m.training().get("cache");
            long bytes = ((Number) cache.get("bytes")).longValue();
            long float32Bytes = ((Number) cache.get("float32Bytes")).longValue();
            out.println(String.format(Locale.ROOT, "cache:       %s (training rows %.1f MiB, %.1f %% of float32)", cache.get("format"),
                    bytes / (1024.0 * 1024.0), 100.0 * bytes / Math.max(1, float32Bytes)));
        }
        out.println("created:     " + m.createdAt() + " by sparkprop " + m.sparkpropVersion());
        m.training().forEach((k, v) -> out.println("training." + k + ": " + v));
        return SparkpropCommand.EXIT_OK;
    }

    private static String abbreviate(String s) {
        return s.length() <= 100 ? s : s.substring(0, 97) + "...";
    }
}
