package io.sparkprop.jobs.cli;

import io.sparkprop.driver.config.ConfigurationException;
import io.sparkprop.driver.model.ModelStore;
import io.sparkprop.driver.model.OnnxExporter;
import io.sparkprop.driver.model.SavedModel;
import io.sparkprop.jobs.output.OutputGuard;
import io.sparkprop.driver.io.RunLock;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code sparkprop export MODEL --format onnx --output FILE}: a saved model in another format, without Spark. */
@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Export a saved model for serving outside Spark.",
                "onnx: input 'features' float [N, inputs] (standardisation included); outputs 'logits' and 'probability'"
                        + " for classifiers, 'prediction' for regressors (ONNX IR 8, opset 17)."})
final class ExportCommand implements Callable<Integer> {
    @Parameters(paramLabel = "MODEL", description = "Model directory (path or URI).")
    String model;
    @Option(names = "--format", description = "Export format; only onnx (default: ${DEFAULT-VALUE}).", defaultValue = "onnx")
    String format;
    @Option(names = {"-o", "--output"}, paramLabel = "FILE", required = true, description = "The file to write (path or URI).")
    String output;
    @Option(names = "--overwrite", description = "Replace an ONNX file that sparkprop wrote; nothing else is replaced.")
    boolean overwrite;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!format.equals("onnx")) {
            throw new ConfigurationException("--format must be onnx, got '" + format + "'");
        }
        Configuration conf = new Configuration();
        SavedModel m;
        try (RunLock lock = OutputGuard.export(model, output, overwrite, conf, spec.commandLine().getOut())) {
            m = new ModelStore(conf).read(model);
            OnnxExporter.write(m, output, overwrite, conf);
        }
        spec.commandLine().getOut().println("ONNX model written to " + output + " (" + m.spec() + "; input '" + OnnxExporter.INPUT
                + "' [N, " + m.spec().inputWidth() + "], outputs "
                + (m.task() == SavedModel.Task.CLASSIFICATION ? "'" + OnnxExporter.LOGITS + "', '" + OnnxExporter.PROBABILITY + "'"
                : "'" + OnnxExporter.PREDICTION + "'") + ")");
        return SparkpropCommand.EXIT_OK;
    }
}
