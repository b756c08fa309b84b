package io.sparkprop.driver.ml;

import io.sparkprop.driver.data.BadInputCanceller;

import io.sparkprop.driver.config.Setting;
import io.sparkprop.driver.config.TrainingSettings;
import io.sparkprop.driver.model.SavedModel;
import io.sparkprop.driver.train.ModelFit;
import io.sparkprop.driver.train.TrainingConfig;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.execution.datasources.HadoopFsRelation;
import org.apache.spark.sql.execution.datasources.LogicalRelation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.jdk.javaapi.CollectionConverters;

import java.io.IOException;
import java.io.Serializable;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One Spark ML parameter per setting of {@link TrainingSettings}, created from its declaration (name,
 * documentation, default, valid range) for one estimator, so the command line and Spark ML cannot
 * disagree; and the fit with them, through {@link ModelFit}, the fit the command line runs too. The
 * column parameters are Spark's own (featuresCol, labelCol, ... from the Predictor classes), so no
 * name is declared twice.
 */
final class SettingParams implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(SettingParams.class);

    /** What a fit gives the estimator. */
    record Fitted(SavedModel model, TrainingSummary summary) {
    }

    static final String WEIGHT_COL_DOC = "weight column name: a number >= 0 per row that weighs its loss,"
            + " gradient and metrics; empty (the default) for all weights 1 (data.weight on the command line)";
    static final String WEIGHT_COL_EXPECTED = "a column name, or empty for none";

    private final Map<String, Param<?>> byKey = new LinkedHashMap<>();
    /** Spark's standard name for row weights (data.weight on the command line; Spark's Predictor has none). */
    private final Param<String> weightCol;

    /** The Params of {@code owner} (its uid must be set) and their defaults. */
    SettingParams(SparkpropParams<?> owner) {
        weightCol = new Param<>(owner, "weightCol", WEIGHT_COL_DOC,
                new ParamRange<String>("weightCol", WEIGHT_COL_EXPECTED, v -> v != null));
        owner.setDefault(weightCol, "");
        for (Setting<?> s : TrainingSettings.ALL) {
            Param<Object> p = settingParam(owner, s);
            byKey.put(s.key(), p);
            owner.setDefault(p, s.defaultValue());
        }
    }

    @SuppressWarnings("unchecked")
    private static Param<Object> settingParam(Params owner, Setting<?> s) {
        String key = s.key();
        String doc = s.paramDoc();
        ParamRange<Object> range = new ParamRange<>(s.param(), s.expected(), v -> TrainingSettings.byKey(key).problem(v) == null);
        return (Param<Object>) s.sparkParam(owner, doc, range);
    }

    Param<?> param(Setting<?> setting) {
        return byKey.get(setting.key());
    }

    Param<String> weightCol() {
        return weightCol;
    }

    /** The parameters of {@code stage} as a {@link TrainingConfig}; its build() checks the constraints between them. */
    static TrainingConfig trainingConfig(SparkpropParams<?> stage) {
        TrainingConfig.Builder b = TrainingConfig.builder();
        for (Setting<?> s : TrainingSettings.ALL) {
            set(b, stage, s);
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(stage.uid() + ": " + e.getMessage(), e);
        }
    }

    private static <T> void set(TrainingConfig.Builder b, SparkpropParams<?> stage, Setting<T> s) {
        b.set(s, stage.value(s));
    }

    /**
     * Trains on {@code dataset} (its features column: vectors of one width; its label column) through
     * {@link ModelFit}. For a classifier the classes are 0 .. max(label); a validation fraction splits
     * the rows with the seed and adds validation metrics to the summary (and enables early stopping).
     */
    static Fitted fit(SparkpropParams<?> stage, SavedModel.Task task, Dataset<?> dataset, String featuresCol, String labelCol) {
        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put("estimator", stage.getClass().getName());
        BadInputCanceller.register(dataset.sparkSession().sparkContext());
        String weight = stage.getWeightCol();
        SchemaChecks.weightColumn(dataset.schema(), weight);
        refuseCheckpointsOverData(stage, dataset);
        ModelFit.Result fit = new ModelFit(trainingConfig(stage), task)
                .features(featuresCol)
                .label(labelCol)
                .weight(weight)
                .provenance(provenance)
                .progress(line -> LOG.info("{}: {}", stage.uid(), line))
                .run(dataset.toDF(), null);
        return new Fitted(fit.model(), new TrainingSummary(fit.training(), fit.metricsOn().equals("validation") ? fit.metrics() : null));
    }

    /**
     * checkpointDir against the files {@code dataset} reads (its {@code inputFiles()}; none for rows made in
     * memory) and the folders its file scans read from: refused when it is one of the files, a folder holding
     * one, or a folder inside a scanned folder, as the command line refuses a checkpoint folder over its inputs,
     * since old checkpoints are deleted from it, a resume reads it, and a later read of the data's folder would
     * take the checkpoints for data.
     */
    private static void refuseCheckpointsOverData(SparkpropParams<?> stage, Dataset<?> dataset) {
        String dir = stage.getCheckpointDir();
        if (dir == null || dir.isEmpty()) {
            return;
        }
        String folder;
        try {
            Path p = new Path(dir);
            folder = p.getFileSystem(dataset.sparkSession().sparkContext().hadoopConfiguration()).makeQualified(p).toUri().normalize()
                    .toString();
        } catch (IOException | IllegalArgumentException e) {
            return; // an unusable folder fails where the checkpoints are written, naming it
        }
        for (String file : dataset.inputFiles()) {
            if (within(URI.create(file).normalize().toString(), folder)) {
                throw new IllegalArgumentException(stage.uid() + ": checkpointDir " + dir + " holds the input file " + file
                        + " of the training data; choose a checkpoint folder apart from the data");
            }
        }
        for (String root : scannedPaths(dataset)) {
            if (within(folder, URI.create(root).normalize().toString())) {
                throw new IllegalArgumentException(stage.uid() + ": checkpointDir " + dir + " lies inside " + root
                        + ", the folder the training data is read from; choose a checkpoint folder apart from the data");
            }
        }
    }

    /** Whether {@code path} is {@code folder} or lies inside it (both qualified URIs). */
    private static boolean within(String path, String folder) {
        return path.equals(folder) || path.startsWith(folder.endsWith("/") ? folder : folder + "/");
    }

    /** The paths (folders or files) the file scans of {@code dataset}'s plan read from, qualified; none for other sources. */
    private static List<String> scannedPaths(Dataset<?> dataset) {
        List<String> roots = new ArrayList<>();
        if (dataset instanceof org.apache.spark.sql.classic.Dataset<?> classic) {
            for (LogicalPlan leaf : CollectionConverters.asJava(classic.queryExecution().analyzed().collectLeaves())) {
                if (leaf instanceof LogicalRelation scan && scan.relation() instanceof HadoopFsRelation files) {
                    for (Path root : CollectionConverters.asJava(files.location().rootPaths())) {
                        roots.add(root.toUri().toString());
                    }
                }
            }
        }
        return roots;
    }
}
