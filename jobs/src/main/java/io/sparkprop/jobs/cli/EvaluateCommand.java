package io.sparkprop.jobs.cli;

import io.sparkprop.core.data.Standardizer;
import io.sparkprop.driver.data.BadRowSearch;
import io.sparkprop.driver.data.BlockBuilder;
import io.sparkprop.driver.data.DataBlocks;
import io.sparkprop.driver.data.FeatureStandardization;
import io.sparkprop.driver.model.ModelStore;
import io.sparkprop.driver.model.SavedModel;
import io.sparkprop.driver.train.EvaluationMetrics;
import io.sparkprop.driver.train.Evaluator;
import io.sparkprop.jobs.config.JobConfig;
import io.sparkprop.jobs.config.JobSettings;
import io.sparkprop.jobs.data.AssembledRows;
import io.sparkprop.jobs.data.DataSource;
import io.sparkprop.jobs.data.FeatureColumns;
import io.sparkprop.jobs.data.ModelInput;
import org.apache.spark.api.java.JavaSparkContext;
import io.sparkprop.jobs.train.SparkLease;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code sparkprop evaluate}: a saved model's loss and metrics on a labelled dataset. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Evaluate a saved model on a labelled dataset.",
                "Classification: loss, accuracy, per-class precision and recall, confusion matrix. Regression: MSE, RMSE, MAE, R^2"
                        + " (several outputs: their means, then each output's; --label y1,y2 names one column per output)."})
final class EvaluateCommand implements Callable<Integer> {
    @Parameters(paramLabel = "MODEL", description = "Model directory (path or URI).")
    String modelPath;
    @Mixin
    DataOptions dataOptions;
    @Mixin
    ConfigOptions configOptions;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        JobConfig config = configOptions.resolve(dataOptions.shortcuts(new Shortcuts()));
        PrintWriter out = spec.commandLine().getOut();
        try (SparkLease lease = SparkSessions.start(config, "sparkprop evaluate")) {
            SparkSession spark = lease.session();
            SavedModel model = new ModelStore(spark.sparkContext().hadoopConfiguration()).read(modelPath);
            DataSource source = new DataSource(spark);
            ModelInput input = ModelInput.read(source, config, model, true);
            AssembledRows.Fit read = input.readOnce() ? input.assembled() : null;
            EvaluationMetrics m;
            try {
                DataBlocks blocks = blocks(config, model, source, input, read);
                // the loss compares what the network was trained on; the metrics invert both sides to the label's units
                Standardizer targets = model.targetStandardizer();
                if (targets != null) {
                    blocks = FeatureStandardization.applyToTargets(blocks, targets);
                }
                m = new Evaluator(JavaSparkContext.fromSparkContext(spark.sparkContext()), model.spec(), 512, targets)
                        .evaluate(model.params(), blocks);
            } finally {
                if (read != null) {
                    read.release();
                }
            }
            print(out, m, model.classLabels(), model.targetNames());
        }
        return SparkpropCommand.EXIT_OK;
    }

    /**
     * The model's input as blocks, standardised as the model was: from the rows a CSV's single read assembled
     * ({@code read}), else from Spark's rows of the input's feature columns.
     */
    private static DataBlocks blocks(JobConfig config, SavedModel model, DataSource source, ModelInput input,
                                     AssembledRows.Fit read) throws IOException {
        BadRowSearch.RowNames names = source.rowNames(config.dataFormat(), config.get(JobSettings.CSV_HEADER));
        BlockBuilder builder = BlockBuilder.forNetwork(model.spec())
                .labelColumns(FeatureColumns.labelColumns(config.get(JobSettings.DATA_LABEL)).toArray(new String[0]))
                .weight(config.optional(JobSettings.DATA_WEIGHT));
        DataBlocks blocks;
        if (read != null) {
            blocks = builder.features(read.features().vector(), read.features().scalars())
                    .locateBadRowsIn(read.locateTrain(), names).build(read.train());
        } else {
            List<String> columns = input.featureColumns();
            builder = builder.locateBadRowsIn(input.locate(), names);
            builder = columns.size() == 1 && model.spec().inputWidth() != 1 ? builder.features(columns.get(0))
                    : builder.featureColumns(columns.toArray(new String[0]));
            blocks = builder.build(input.data());
        }
        return model.standardized() ? FeatureStandardization.apply(blocks, model.featureStandardizer()) : blocks;
    }

    /**
     * The metrics as lines; a regression of k > 1 outputs first gives each metric's mean over the outputs,
     * then a table of each output's, named by {@code targetNames} (else by index).
     */
    static void print(PrintWriter out, EvaluationMetrics m, List<String> classLabels, List<String> targetNames) {
        out.printf("rows:      %d%n", m.rows());
        if (m.isWeighted()) {
            out.printf("weight:    %.6g (metrics weigh each row by its weight)%n", m.weightSum());
        }
        out.printf("loss:      %.6f%s%n", m.loss(), m.lossOnStandardizedTargets() ? " (standardised targets)" : "");
        if (!m.isClassification()) {
            int k = m.outputs();
            if (k > 1) {
                out.printf("outputs:   %d (mse, rmse, mae and r2 below are the plain means of the outputs' own)%n", k);
            }
            out.printf("mse:       %.6g%nrmse:      %.6g%nmae:       %.6g%nr2:        %.6f%n", m.mse(), m.rmse(), m.mae(), m.r2());
            if (k > 1) {
                int width = "output".length();
                for (int j = 0; j < k; j++) {
                    width = Math.max(width, outputName(targetNames, j).length());
                }
                out.printf("%-" + width + "s  %12s  %12s  %12s  %9s%n", "output", "mse", "rmse", "mae", "r2");
                for (int j = 0; j < k; j++) {
                    out.printf("%-" + width + "s  %12.6g  %12.6g  %12.6g  %9.6f%n", outputName(targetNames, j), m.mse(j), m.rmse(j),
                            m.mae(j), m.r2(j));
                }
            }
            return;
        }
        out.printf("accuracy:  %.4f%n", m.accuracy());
        long[][] cm = m.confusionMatrix();
        out.println("class  precision  recall");
        for (int k = 0; k < cm.length; k++) {
            out.printf("%-6s %9.4f  %6.4f%n", k < classLabels.size() ? classLabels.get(k) : String.valueOf(k), m.precision(k), m.recall(k));
        }
        out.println("confusion matrix (rows: true class, columns: predicted):");
        for (long[] row : cm) {
            StringBuilder sb = new StringBuilder();
            for (long c : row) {
                sb.append(String.format("%7d", c));
            }
            out.println(sb);
        }
    }

    private static String outputName(List<String> targetNames, int j) {
        return j < targetNames.size() ? targetNames.get(j) : String.valueOf(j);
    }
}
