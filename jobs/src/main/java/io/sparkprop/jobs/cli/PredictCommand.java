package io.sparkprop.jobs.cli;

import io.sparkprop.driver.config.ConfigurationException;
import io.sparkprop.driver.data.BadInputException;
import io.sparkprop.driver.data.InputErrors;
import io.sparkprop.driver.io.OutputSwap;
import io.sparkprop.driver.model.ModelScorer;
import io.sparkprop.driver.model.ModelStore;
import io.sparkprop.driver.model.SavedModel;
import io.sparkprop.jobs.config.JobConfig;
import io.sparkprop.jobs.config.JobSettings;
import io.sparkprop.jobs.data.DataSource;
import io.sparkprop.jobs.data.ModelInput;
import io.sparkprop.jobs.output.OutputGuard;
import io.sparkprop.driver.io.RunLock;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.ml.functions;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import io.sparkprop.jobs.train.SparkLease;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code sparkprop predict}: batch scoring of a dataset to Parquet or CSV. */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Score a dataset with a saved model and write the rows with their predictions.",
                "Adds 'prediction' and, for classifiers, 'probability' (Parquet: a vector; CSV: probability_0, probability_1, ...).",
                "A regressor of several outputs: 'prediction' is a vector of them (CSV: prediction_0, prediction_1, ...), and"
                        + " one trained on label columns y1,y2 adds prediction_y1, prediction_y2."})
final class PredictCommand implements Callable<Integer> {
    /**
     * Written into every predictions folder: what --overwrite may replace. Spark's readers skip names
     * starting with '_', so the folder still reads as a table.
     */
    static final String MARKER = "_SPARKPROP";
    private static final OutputSwap.Kind KIND = OutputSwap.Kind.folderWith("a predictions folder", MARKER);

    @Parameters(paramLabel = "MODEL", description = "Model directory (path or URI).")
    String modelPath;
    @Mixin
    DataOptions dataOptions;
    @Mixin
    ConfigOptions configOptions;
    @Option(names = {"-o", "--output"}, paramLabel = "PATH", required = true, description = "Where to write the predictions.")
    String output;
    @Option(names = "--output-format", description = "parquet or csv (default: ${DEFAULT-VALUE}).", defaultValue = "parquet")
    String outputFormat;
    @Option(names = "--overwrite", description = "Replace predictions that sparkprop wrote at the output path; nothing else is replaced.")
    boolean overwrite;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!outputFormat.equals("parquet") && !outputFormat.equals("csv")) {
            throw new ConfigurationException("--output-format must be parquet or csv, got '" + outputFormat + "'");
        }
        JobConfig config = configOptions.resolve(dataOptions.shortcuts(new Shortcuts()));
        try (RunLock lock = OutputGuard.predict(config, modelPath, output, overwrite, KIND, SparkSessions.hadoopConfiguration(config),
                spec.commandLine().getOut());
             SparkLease lease = SparkSessions.start(config, "sparkprop predict")) {
            SparkSession spark = lease.session();
            org.apache.hadoop.fs.Path out = new org.apache.hadoop.fs.Path(output);
            FileSystem fs = out.getFileSystem(spark.sparkContext().hadoopConfiguration());
            SavedModel model = new ModelStore(spark.sparkContext().hadoopConfiguration()).read(modelPath);
            DataSource source = new DataSource(spark);
            ModelInput input = ModelInput.read(source, config, model, false);
            ModelScorer scorer = new ModelScorer(model);
            List<String> perOutput = scorer.outputColumns("prediction");
            Dataset<Row> scored = input.scored(scorer, new ModelScorer.Outputs("prediction", "rawPrediction", "probability", null,
                    perOutput));
            if (outputFormat.equals("csv")) {
                scored = flattenForCsv(scored, model.classLabels().size(), perOutput == null ? model.spec().outputWidth() : 0);
            }
            // written beside the output and swapped in whole: a failed job leaves the old output as it was
            Dataset<Row> rows = scored;
            try {
                OutputSwap.replace(fs, out, overwrite, KIND, tmp -> {
                    rows.write().mode(SaveMode.ErrorIfExists).option("header", true).format(outputFormat).save(tmp.toString());
                    try (FSDataOutputStream marker = fs.create(new org.apache.hadoop.fs.Path(tmp, MARKER), false)) {
                        marker.write("sparkprop predictions\n".getBytes(StandardCharsets.UTF_8));
                    }
                });
            } catch (Exception e) {
                // a task met a bad row in whatever split it read: name the row's place in the input instead
                Optional<BadInputException> bad = InputErrors.find(e);
                if (bad.isPresent()) {
                    throw scorer.locateBadRow(input.locate(), input.featureColumns(), bad.get(),
                            source.rowNames(config.dataFormat(), config.get(JobSettings.CSV_HEADER)));
                }
                throw e;
            }
            spec.commandLine().getOut().println("predictions written to " + output + " (" + outputFormat + ")");
        }
        return SparkpropCommand.EXIT_OK;
    }

    /**
     * CSV holds no vectors: probabilities become one column per class, and a multi-output regressor's
     * prediction vector one column per output ({@code outputs} of them; 0 when it has its per-output
     * columns already); other vector and array columns are dropped.
     */
    private static Dataset<Row> flattenForCsv(Dataset<Row> scored, int classes, int outputs) {
        List<Column> columns = new ArrayList<>();
        for (StructField f : scored.schema().fields()) {
            if (f.name().equals("probability")) {
                Column arr = functions.vector_to_array(scored.col("probability"), "float64");
                for (int k = 0; k < classes; k++) {
                    columns.add(arr.getItem(k).as("probability_" + k));
                }
            } else if (f.name().equals("prediction") && f.dataType() instanceof VectorUDT && outputs > 1) {
                Column arr = functions.vector_to_array(scored.col("prediction"), "float64");
                for (int j = 0; j < outputs; j++) {
                    columns.add(arr.getItem(j).as("prediction_" + j));
                }
            } else if (!(f.dataType() instanceof VectorUDT) && !f.dataType().typeName().equals("array")) {
                // by name, not scored.col(...): each Dataset.col walks the plan, N^2 work at thousands of columns
                columns.add(org.apache.spark.sql.functions.col(DataSource.quote(f.name())));
            }
        }
        return scored.select(columns.toArray(new Column[0]));
    }

}
