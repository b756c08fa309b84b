package io.sparkprop.bench;

import io.sparkprop.driver.spark.KryoSettings;
import io.sparkprop.driver.config.TrainingSettings;
import io.sparkprop.driver.model.ModelScorer;
import io.sparkprop.driver.model.SavedModel;
import io.sparkprop.driver.train.ModelFit;
import io.sparkprop.driver.train.TrainingConfig;
import org.apache.spark.SparkConf;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Small regression tables under settings variants, one JVM: for each table folder under DIR (as
 * small_tables.py prepares them: DIR/table/split/train.csv and test.csv, label y) and each variant, the
 * fit of the command line's {@code train --features '*'} on train.csv (its own validation split of
 * data.validation.fraction, as a user's run makes) and the R^2 of its predictions on test.csv, which the
 * fit never sees. Prints one Markdown row per table and variant: the mean test R^2 over the splits, each
 * split's, the epochs run and the seconds.
 * <pre>
 *   SmallTables DIR VARIANT...      VARIANT: name or name:key=value|key=value (no settings: the defaults)
 * </pre>
 */
public final class SmallTables {
    private SmallTables() {
    }

    public static void main(String[] args) throws java.io.IOException {
        File dir = new File(args[0]);
        List<String> variants = Arrays.asList(args).subList(1, args.length);
        SparkConf conf = new SparkConf().setMaster(System.getenv().getOrDefault("SPARKPROP_BENCH_MASTER", "local[2]"))
                .setAppName("sparkprop small tables").set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1").set("spark.broadcast.compress", "false");
        KryoSettings.apply(conf, false);
        try (SparkSession spark = SparkSession.builder().config(conf).getOrCreate()) {
            spark.sparkContext().setLogLevel("WARN");
            System.out.println("| table | variant | test R^2 (mean) | per split | epochs | seconds |");
            System.out.println("|---|---|---|---|---|---|");
            File[] tables = dir.listFiles(File::isDirectory);
            Arrays.sort(tables);
            for (File table : tables) {
                for (String variant : variants) {
                    System.out.println(row(spark, table, variant));
                }
            }
        }
    }

    private static String row(SparkSession spark, File table, String variant) {
        String name = variant.contains(":") ? variant.substring(0, variant.indexOf(':')) : variant;
        TrainingConfig.Builder settings = TrainingConfig.builder().parse(TrainingSettings.LOG_INTERVAL, "0");
        if (variant.contains(":")) {
            for (String kv : variant.substring(variant.indexOf(':') + 1).split("\\|")) {
                String key = kv.substring(0, kv.indexOf('='));
                settings.parse(TrainingSettings.byKey(key), kv.substring(kv.indexOf('=') + 1));
            }
        }
        File[] splits = table.listFiles(File::isDirectory);
        Arrays.sort(splits);
        List<String> r2s = new ArrayList<>();
        double sum = 0;
        long epochs = 0;
        long t0 = System.nanoTime();
        for (File split : splits) {
            Dataset<Row> train = read(spark, new File(split, "train.csv"));
            Dataset<Row> test = read(spark, new File(split, "test.csv"));
            List<String> features = Arrays.stream(train.columns()).filter(c -> !c.equals("y")).toList();
            ModelFit.Result fit = new ModelFit(settings.build(), SavedModel.Task.REGRESSION).label("y").featureColumns(features)
                    .logProgress(false).run(train, null);
            Dataset<Row> scored = new ModelScorer(fit.model()).transform(test, features, "prediction", null, null);
            double r2 = new RegressionEvaluator().setLabelCol("y").setPredictionCol("prediction").setMetricName("r2").evaluate(scored);
            r2s.add(String.format(Locale.ROOT, "%.3f", r2));
            sum += r2;
            epochs += fit.training().epochs();
        }
        return String.format(Locale.ROOT, "| %s | %s | %.3f | %s | %.0f | %.1f |", table.getName(), name, sum / splits.length,
                String.join(" ", r2s), (double) epochs / splits.length, (System.nanoTime() - t0) / 1e9);
    }

    private static Dataset<Row> read(SparkSession spark, File csv) {
        return spark.read().option("header", "true").option("inferSchema", "true").csv(csv.getPath());
    }
}
