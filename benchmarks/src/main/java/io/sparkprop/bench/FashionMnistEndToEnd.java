package io.sparkprop.bench;

import io.sparkprop.core.data.DataBlock;
import io.sparkprop.core.data.IdxReader;
import io.sparkprop.core.nn.NetworkSpec;
import io.sparkprop.driver.data.DataBlocks;
import io.sparkprop.driver.spark.KryoSettings;
import io.sparkprop.driver.train.DistributedTrainer;
import io.sparkprop.driver.train.EpochMetrics;
import io.sparkprop.driver.train.IterationMetrics;
import io.sparkprop.driver.train.TrainingConfig;
import io.sparkprop.driver.train.TrainingListener;
import io.sparkprop.driver.train.TrainingResult;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.RDDInfo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static io.sparkprop.driver.config.TrainingSettings.*;

/**
 * The end-to-end benchmark: Fashion-MNIST (60,000 train / 10,000 test), 784-256-128-10 ReLU with
 * Adam in sparkprop, and Spark MLlib's MultilayerPerceptronClassifier with its best settings
 * (784-128-10, l-bfgs, blockSize 128), on the same data in the same cached partitions, in one
 * invocation. Prints a Markdown table for BENCHMARKS.md. Not a test: run benchmarks/end-to-end.sh.
 *
 * <p>Arguments: [dataDir] [epochs] [partitions] [mllibIterations,comma-separated or "none"] [batch] [learningRate]
 * [variants] [peer: pytorch or none]. The PyTorch peer (DJL, single process) runs when the jar was built
 * with the {@code peers} profile.
 */
public final class FashionMnistEndToEnd {
    private static String DATA_DIR;
    private FashionMnistEndToEnd() {
    }

    public static void main(String[] args) throws Exception {
        DATA_DIR = args.length > 0 ? args[0] : "/usr/share/datasets/fashion-mnist";
        Path dir = Path.of(DATA_DIR);
        int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int partitions = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        String mllib = args.length > 3 ? args[3] : "50,100,200";
        int batch = args.length > 4 ? Integer.parseInt(args[4]) : 1024;
        double learningRate = args.length > 5 ? Double.parseDouble(args[5]) : 3e-3;
        // sparkprop runs as K/batch/lr[/state[/outerLr/outerMomentum]], comma-separated (K: local steps per
        // round, 1 = synchronous, or auto; state: reset or averaged)
        String variants = args.length > 6 ? args[6] : "1/" + batch + "/" + learningRate;
        PeerTrainer peer = args.length > 7 && args[7].equals("none") ? null : PeerTrainer.pyTorch();
        DataBlock train = read(dir, "train");
        DataBlock test = read(dir, "t10k");
        System.out.printf("data: %d train, %d test rows of %d features from %s%n", train.rows(), test.rows(), train.cols(), dir);

        // local[partitions], or the cluster benchmarks/standalone.sh started (then our classes travel in the jar)
        String master = System.getenv().getOrDefault("SPARKPROP_BENCH_MASTER", "local[" + partitions + "]");
        System.out.printf("master: %s%n", master);
        SparkConf conf = new SparkConf().setMaster(master).setAppName("sparkprop end-to-end")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1");
        if (System.getenv("SPARKPROP_BENCH_JAR") != null) {
            conf.set("spark.jars", System.getenv("SPARKPROP_BENCH_JAR")).set("spark.executor.memory", "2g")
                    .set("spark.locality.wait", "0");
        }
        KryoSettings.apply(conf, false);
        conf.set("spark.broadcast.compress", "false").set("spark.task.maxDirectResultSize", "64m"); // as bin/sparkprop sets them
        // extra Spark settings to compare, e.g. SPARKPROP_BENCH_SPARK_CONF=spark.broadcast.compress=true
        for (String kv : System.getenv().getOrDefault("SPARKPROP_BENCH_SPARK_CONF", "").split(",")) {
            if (kv.contains("=")) {
                conf.set(kv.substring(0, kv.indexOf('=')).trim(), kv.substring(kv.indexOf('=') + 1).trim());
            }
        }
        System.out.printf("spark.broadcast.compress: %s%n", conf.get("spark.broadcast.compress"));
        try (SparkSession spark = SparkSession.builder().config(conf).getOrCreate()) {
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            JobTimes jobTimes = new JobTimes();
            spark.sparkContext().addSparkListener(jobTimes);
            List<String> rows = new ArrayList<>();
            for (String v : variants.split(",")) {
                String[] kbl = v.trim().split("/");
                rows.add(sparkprop(jsc, train, test, epochs, partitions, kbl, jobTimes));
            }
            if (peer != null) {
                rows.add(peer.run(train, test, epochs));
            }
            if (!mllib.equals("none")) {
                for (String iters : mllib.split(",")) {
                    rows.add(mllib(spark, train, test, partitions, Integer.parseInt(iters.trim())));
                }
            }
            System.out.println();
            System.out.println("| trainer | s/epoch | examples/s | time to 85% | time to 88% | fit time | test accuracy | cached bytes | rounds | outside compute / round |");
            System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            rows.forEach(System.out::println);
        }
    }

    private static String sparkprop(JavaSparkContext jsc, DataBlock train, DataBlock test, int epochs, int partitions,
                                    String[] variant, JobTimes jobTimes) {
        String localSteps = variant[0];
        int batch = Integer.parseInt(variant[1]);
        double learningRate = Double.parseDouble(variant[2]);
        String state = variant.length > 3 ? variant[3] : "reset";
        double outerRate = variant.length > 5 ? Double.parseDouble(variant[4]) : 1.0;
        double outerMomentum = variant.length > 5 ? Double.parseDouble(variant[5]) : 0.0;
        DataBlocks trainBlocks = DataBlocks.cache(slices(jsc, "train", partitions));
        DataBlocks testBlocks = DataBlocks.cache(slices(jsc, "t10k", partitions));
        NetworkSpec spec = NetworkSpec.input(784).dense(256, "relu").dense(128, "relu").dense(10, "softmax")
                .loss("softmax_cross_entropy");
        TrainingConfig config = TrainingConfig.builder(spec).set(OPTIMIZER, "adam").set(LEARNING_RATE, learningRate).set(BATCH_SIZE, batch)
                .set(EPOCHS, epochs).set(SEED, 1L).set(LOG_INTERVAL, 0L).set(LOCAL_STEPS, localSteps)
                .set(LOCAL_OPTIMIZER_STATE, state).set(OUTER_LEARNING_RATE, outerRate).set(OUTER_MOMENTUM, outerMomentum).build();
        long cached = cachedBytes(jsc, trainBlocks);
        double[] trainSeconds = {0};
        double[] reached = {Double.NaN, Double.NaN};
        List<Double> overheads = new ArrayList<>();
        // per round: broadcast creation, job minus its longest task (scheduling, launch, fetch), sum, update
        List<double[]> parts = new ArrayList<>();
        TrainingListener listener = new TrainingListener() {
            @Override
            public void onIteration(IterationMetrics m) {
                trainSeconds[0] += m.seconds();
                Double compute = jobTimes.lastJobMaxTaskSeconds();
                if (compute != null) {
                    overheads.add(m.seconds() - compute);
                    parts.add(new double[] {m.broadcastSeconds(), m.jobSeconds() - compute, m.sumSeconds(),
                            m.seconds() - m.broadcastSeconds() - m.jobSeconds() - m.sumSeconds()});
                }
            }

            @Override
            public void onEpoch(EpochMetrics m) {
                double acc = m.validation().accuracy();
                System.out.printf("sparkprop epoch %d: train loss %.4f, test accuracy %.4f, training time %.1f s%n",
                        m.epoch(), m.trainingLoss(), acc, trainSeconds[0]);
                if (Double.isNaN(reached[0]) && acc >= 0.85) {
                    reached[0] = trainSeconds[0];
                }
                if (Double.isNaN(reached[1]) && acc >= 0.88) {
                    reached[1] = trainSeconds[0];
                }
            }
        };
        TrainingResult result = new DistributedTrainer(jsc, config).addListener(listener).fit(trainBlocks, testBlocks);
        double accuracy = new DistributedTrainer(jsc, config).evaluate(result.lastParameters(), testBlocks).accuracy();
        double perEpoch = trainSeconds[0] / result.epochs();
        double medianOverheadMs = medianOverheadMs(overheads);
        trainBlocks.unpersist();
        testBlocks.unpersist();
        double[] medians = new double[4];
        for (int i = 0; i < 4; i++) {
            int c = i;
            double[] column = parts.stream().mapToDouble(a -> a[c]).sorted().toArray();
            medians[i] = column.length == 0 ? Double.NaN : 1000 * column[column.length / 2];
        }
        System.out.printf("round outside compute, medians: broadcast %.2f ms, job outside its longest task %.2f ms,"
                + " ordered sum %.2f ms, driver update %.2f ms (total %.1f ms)%n", medians[0], medians[1], medians[2], medians[3],
                medianOverheadMs(overheads));
        String steps = result.localSteps() == 1 ? "synchronous" : "K = " + result.localSteps()
                + (localSteps.equals("auto") ? " (auto)" : "") + " local steps, state " + state
                + (outerMomentum > 0 || outerRate != 1 ? ", outer " + outerRate + "/" + outerMomentum : "");
        return String.format("| sparkprop 784-256-128-10 Adam lr %s, batch %d, %s, %d epochs | %.2f | %.0f | %s | %s | %.1f s | %.4f | %s (float32: %s) | %d | %.1f ms |",
                learningRate, batch, steps, result.epochs(), perEpoch, train.rows() / perEpoch, seconds(reached[0]), seconds(reached[1]),
                trainSeconds[0], accuracy, mb(cached), mb(4L * train.rows() * (train.cols() + 1)), overheads.size(), medianOverheadMs);
    }

    private static double medianOverheadMs(List<Double> overheads) {
        List<Double> sorted = new ArrayList<>(overheads);
        sorted.sort(Double::compare);
        return sorted.isEmpty() ? Double.NaN : 1000 * sorted.get(sorted.size() / 2);
    }

    private static String mllib(SparkSession spark, DataBlock train, DataBlock test, int partitions, int iterations) {
        Dataset<Row> trainDf = frame(spark, "train", partitions).cache();
        long before = cachedTotal(spark);
        trainDf.count();
        long cached = cachedTotal(spark) - before;
        Dataset<Row> testDf = frame(spark, "t10k", partitions).cache();
        testDf.count();
        MultilayerPerceptronClassifier mlpc = new MultilayerPerceptronClassifier().setLayers(new int[] {784, 128, 10})
                .setSolver("l-bfgs").setBlockSize(128).setMaxIter(iterations).setSeed(1);
        long start = System.nanoTime();
        MultilayerPerceptronClassificationModel model = mlpc.fit(trainDf);
        double fit = (System.nanoTime() - start) / 1e9;
        double accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(model.transform(testDf));
        System.out.printf("MLlib MLPC %d iterations: %.1f s, test accuracy %.4f%n", iterations, fit, accuracy);
        trainDf.unpersist();
        testDf.unpersist();
        return String.format("| MLlib MLPC 784-128-10 l-bfgs, blockSize 128, %d iterations | | | | | %.1f s | %.4f | %s | | |",
                iterations, fit, accuracy, mb(cached));
    }

    /** The same slices as rows (features vector, label) for MLlib, also read on the executors. */
    private static Dataset<Row> frame(SparkSession spark, String prefix, int partitions) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        var rdd = slices(jsc, prefix, partitions).flatMap(block -> {
            List<Row> rows = new ArrayList<>(block.rows());
            for (int r = 0; r < block.rows(); r++) {
                double[] v = new double[block.cols()];
                for (int c = 0; c < block.cols(); c++) {
                    v[c] = block.dense()[r * block.cols() + c];
                }
                rows.add(RowFactory.create(Vectors.dense(v), (double) block.targets()[r]));
            }
            return rows.iterator();
        });
        StructType schema = new StructType().add("features", SQLDataTypes.VectorType(), false).add("label", DataTypes.DoubleType, false);
        return spark.createDataFrame(rdd, schema);
    }

    /**
     * Partition p reads the files on its executor and keeps its slice: parallelising the blocks
     * themselves would ship them with every task of every iteration.
     */
    private static org.apache.spark.api.java.JavaRDD<DataBlock> slices(JavaSparkContext jsc, String prefix, int parts) {
        List<Integer> ids = new ArrayList<>();
        for (int p = 0; p < parts; p++) {
            ids.add(p);
        }
        String dir = DATA_DIR;
        return jsc.parallelize(ids, parts).map(p -> split(read(Path.of(dir), prefix), parts).get(p));
    }

    /** Contiguous, equal row ranges: partition p holds rows [p n / P, (p + 1) n / P). */
    private static List<DataBlock> split(DataBlock block, int parts) {
        List<DataBlock> out = new ArrayList<>();
        for (int p = 0; p < parts; p++) {
            int from = (int) ((long) p * block.rows() / parts);
            int to = (int) ((long) (p + 1) * block.rows() / parts);
            out.add(block.denseRows(from, to));
        }
        return out;
    }

    private static DataBlock read(Path dir, String prefix) throws IOException {
        try (InputStream images = Files.newInputStream(dir.resolve(prefix + "-images-idx3-ubyte.gz"));
             InputStream labels = Files.newInputStream(dir.resolve(prefix + "-labels-idx1-ubyte.gz"))) {
            return IdxReader.readMnist(images, labels, dir + "/" + prefix);
        }
    }

    private static long cachedTotal(SparkSession spark) {
        long total = 0;
        for (RDDInfo info : spark.sparkContext().getRDDStorageInfo()) {
            total += info.memSize();
        }
        return total;
    }

    private static long cachedBytes(JavaSparkContext jsc, DataBlocks blocks) {
        for (RDDInfo info : jsc.sc().getRDDStorageInfo()) {
            if (info.id() == blocks.rdd().id()) {
                return info.memSize();
            }
        }
        return -1;
    }

    static String seconds(double s) {
        return Double.isNaN(s) ? "not reached" : String.format("%.1f s", s);
    }

    private static String mb(long bytes) {
        return String.format("%.0f MB", bytes / 1e6);
    }

    /** Per Spark job: the longest task's executor run time (the compute), to subtract from iteration time. */
    static final class JobTimes extends SparkListener {
        private final Map<Integer, Long> maxTaskMillis = new ConcurrentHashMap<>();
        private final Map<Integer, Integer> stageToJob = new ConcurrentHashMap<>();
        private volatile Double last;

        @Override
        public void onJobStart(SparkListenerJobStart start) {
            scala.collection.Iterator<Object> it = start.stageIds().iterator();
            while (it.hasNext()) {
                stageToJob.put((Integer) it.next(), start.jobId());
            }
        }

        @Override
        public void onTaskEnd(SparkListenerTaskEnd end) {
            Integer job = stageToJob.get(end.stageId());
            if (job != null && end.taskMetrics() != null) {
                maxTaskMillis.merge(job, end.taskMetrics().executorRunTime(), Math::max);
            }
        }

        @Override
        public void onJobEnd(SparkListenerJobEnd end) {
            Long ms = maxTaskMillis.remove(end.jobId());
            last = ms == null ? null : ms / 1000.0;
        }

        /** The longest task of the last finished job, in seconds (the listener bus is asynchronous: approximate). */
        Double lastJobMaxTaskSeconds() {
            return last;
        }
    }
}
