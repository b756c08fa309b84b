package io.sparkprop.bench;

import io.sparkprop.core.data.CacheFormat;
import io.sparkprop.core.data.CompactFeatures;
import io.sparkprop.core.data.DataBlock;
import io.sparkprop.core.data.Standardizer;
import io.sparkprop.core.matrix.CsrMatrix;
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
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.executor.ExecutorMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import static io.sparkprop.driver.config.TrainingSettings.*;

/**
 * How sparkprop's cost grows with the work: rows, parameters, partitions and wide sparse input, on
 * synthetic data labelled by a fixed random teacher network (so accuracy is checkable at any size).
 * Prints Markdown tables and writes one SVG chart per sweep. Not a test: run benchmarks/cost-growth.sh.
 *
 * <p>Arguments: {@code SWEEP OUT_DIR [values]}, SWEEP one of
 * <ul>
 *   <li>{@code rows} [60000,600000]: image-like rows (pixel grid k / 255), 784-256-128-10 ReLU, Adam, batch
 *       128, local steps auto, one partitioning for all sizes (<= 500k rows a block), one epoch after a
 *       warm-up epoch; seconds per epoch, cached bytes, driver heap peak; SPARKPROP_BENCH_CACHE=uint8 caches
 *       the features as uint8 (exact on this grid, a quarter of the bytes: 6M rows in 4.7 GB);</li>
 *   <li>{@code params} [128,1280,12800,38400]: 784-h-10 on 8,192 rows, synchronous (K = 1), median of
 *       8 rounds after 2: round time, broadcast, job, the driver's sum, partial bytes, heap peaks;</li>
 *   <li>{@code partitions} [1,2,8,32,64]: 784-256-128-10 on 65,536 rows, batch 1024, synchronous, driver and sharded
 *       aggregation side by side, each run twice in the order driver, sharded, sharded, driver: median round
 *       (over both runs' last 8 rounds) and its breakdown;</li>
 *   <li>{@code sparse} [1000000]: LIBSVM-like rows of that many features with ~100 nonzeros, 2-layer
 *       64-wide network, sparse vs dense transfer: rows/s and partial bytes per round;</li>
 *   <li>{@code sparse-update} [1000000]: the same data and network, one epoch in rounds of 32 local steps
 *       with train.sparseUpdate dense and touched, for sgd and adam: seconds per epoch and accuracy;</li>
 *   <li>{@code aggregation} [64]: a 9.8M-parameter 784-12288-10 on that many partitions, sharded and driver
 *       aggregation: the driver's heap peak above its heap before the run (run it on local-cluster).</li>
 * </ul>
 * The master is SPARKPROP_BENCH_MASTER (default local[2]); with local-cluster or spark:// the
 * executors get this JVM's class path.
 */
public final class CostGrowth {
    private static final int TEACHER_HIDDEN = 32;
    private static final int CLASSES = 10;

    private CostGrowth() {
    }

    public static void main(String[] args) throws IOException {
        String sweep = args.length > 0 ? args[0] : "params";
        Path out = Path.of(args.length > 1 ? args[1] : "benchmarks/target/cost-growth");
        Files.createDirectories(out);
        String master = System.getenv().getOrDefault("SPARKPROP_BENCH_MASTER", "local[2]");
        SparkConf conf = new SparkConf().setMaster(master).setAppName("sparkprop cost growth")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1")
                .set("spark.broadcast.compress", "false").set("spark.locality.wait", "0");
        KryoSettings.apply(conf, false);
        // e.g. 0 (no limit) for the wide sparse sweeps with Adam, whose sharded slice sums pass the 1g default
        String maxResult = System.getenv("SPARKPROP_BENCH_MAX_RESULT");
        if (maxResult != null) {
            conf.set("spark.driver.maxResultSize", maxResult);
        }
        if (!master.startsWith("local[")) {
            // executors in their own JVMs report their heap with every heartbeat
            conf.set("spark.executor.heartbeatInterval", "1s").set("spark.executor.metrics.pollingInterval", "100ms");
            conf.set("spark.executor.extraClassPath", System.getProperty("java.class.path"))
                    .set("spark.executor.memory", System.getenv().getOrDefault("SPARKPROP_BENCH_EXECUTOR_MEMORY", "1g"))
                    .set("spark.scheduler.minRegisteredResourcesRatio", "1.0");
        }
        System.out.printf("sweep %s on %s, %d cores, driver heap %d MB, %s%n", sweep, master,
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20, java.time.LocalDate.now());
        try (SparkSession spark = SparkSession.builder().config(conf).getOrCreate()) {
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            ExecutorHeap executors = new ExecutorHeap();
            spark.sparkContext().addSparkListener(executors);
            switch (sweep) {
                case "rows" -> rows(jsc, executors, ints(args, "60000,600000"), out);
                case "params" -> params(jsc, executors, ints(args, "128,1280,12800,38400"), out);
                case "partitions" -> partitions(jsc, ints(args, "1,2,8,32,64"), out, master);
                case "sparse" -> sparse(jsc, ints(args, "1000000"));
                case "sparse-update" -> sparseUpdates(jsc, ints(args, "1000000"));
                case "aggregation" -> aggregationHeap(jsc, ints(args, "64"));
                default -> throw new IllegalArgumentException("unknown sweep " + sweep
                        + ": rows, params, partitions, sparse, sparse-update or aggregation");
            }
        }
    }

    private static int[] ints(String[] args, String def) {
        return Arrays.stream((args.length > 2 ? args[2] : def).split(",")).mapToInt(s -> Integer.parseInt(s.trim())).toArray();
    }

    // ---------------------------------------------------------------- sweeps

    private static void rows(JavaSparkContext jsc, ExecutorHeap executors, int[] rowCounts, Path out) throws IOException {
        NetworkSpec spec = NetworkSpec.input(784).dense(256, "relu").dense(128, "relu").dense(CLASSES, "softmax")
                .loss("softmax_cross_entropy");
        CacheFormat cache = CacheFormat.of(System.getenv().getOrDefault("SPARKPROP_BENCH_CACHE", "float32"));
        // one partitioning for every size (so only the rows change): a multiple of the cores with at most
        // SPARKPROP_BENCH_BLOCK_ROWS (default 500k) rows a block (a block's float[] must stay below 2^31
        // entries, and is built in one task: a float32 block of 500k rows is 1.5 GB, twice that while built)
        int cores = jsc.defaultParallelism();
        int largest = Arrays.stream(rowCounts).max().orElse(1);
        int blockRows = Integer.parseInt(System.getenv().getOrDefault("SPARKPROP_BENCH_BLOCK_ROWS", "500000"));
        int partitions = cores * (int) Math.ceil(largest / ((double) blockRows * cores));
        System.out.printf(Locale.ROOT, "%d partitions, features on the pixel grid k/255, cached as %s%n", partitions,
                cache.settingName());
        System.out.println("| rows | s/epoch | s/epoch per 100k rows | cached MB | float32 MB | driver heap peak MB | executor heap peak MB | K | training accuracy vs teacher |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        List<double[]> points = new ArrayList<>();
        for (int n : rowCounts) {
            DataBlocks data = DataBlocks.cache(pixelTeacherRows(jsc, n, 784, partitions, 7, cache));
            TrainingConfig config = TrainingConfig.builder(spec).set(OPTIMIZER, "adam").set(LEARNING_RATE, 1e-3)
                    .set(BATCH_SIZE, 128).set(EPOCHS, 2).set(SEED, 1L).set(LOG_INTERVAL, 0L).build();
            HeapPeak driver = HeapPeak.start();
            executors.reset();
            List<EpochMetrics> epochs = new ArrayList<>();
            TrainingResult r = fit(jsc, config, data, epochs);
            double seconds = epochs.get(1).seconds();
            double accuracy = new DistributedTrainer(jsc, config).evaluate(r.parameters(), data).accuracy();
            long floats = 4L * n * (784 + 1);
            System.out.printf(Locale.ROOT, "| %,d | %.2f | %.3f | %.0f | %.0f | %.0f | %.0f | %d | %.4f |%n", n, seconds,
                    seconds / n * 1e5, data.sizeInBytes() / 1e6, floats / 1e6, driver.stopMegabytes(), executors.peakMegabytes(),
                    r.localSteps(), accuracy);
            points.add(new double[] {n, seconds});
            data.unpersist();
        }
        Chart.write(out.resolve("rows.svg"), "Seconds per epoch vs rows (784-256-128-10)", "rows", "s / epoch",
                List.of(new Chart.Series("sparkprop", points)));
    }

    private static void params(JavaSparkContext jsc, ExecutorHeap executors, int[] hidden, Path out) throws IOException {
        int partitions = jsc.defaultParallelism();
        DataBlocks data = DataBlocks.cache(teacherRows(jsc, 8192, 784, partitions, 8));
        System.out.println("| parameters | round ms | broadcast ms | job ms | sum ms | update ms | partial MB / round | driver heap peak MB | executor heap peak MB |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        List<double[]> round = new ArrayList<>();
        for (int h : hidden) {
            NetworkSpec spec = NetworkSpec.input(784).dense(h, "relu").dense(CLASSES, "softmax").loss("softmax_cross_entropy");
            TrainingConfig config = TrainingConfig.builder(spec).set(OPTIMIZER, "adam").set(LEARNING_RATE, 1e-3)
                    .set(BATCH_SIZE, 128).set(EPOCHS, 1).set(MAX_ITERATIONS, 10L).set(SEED, 1L).set(LOG_INTERVAL, 0L)
                    .set(LOCAL_STEPS, "1").build();
            HeapPeak driver = HeapPeak.start();
            executors.reset();
            Rounds rounds = new Rounds(2);
            new DistributedTrainer(jsc, config).logProgress(false).addListener(rounds).fit(data, null);
            double[] m = rounds.medians();
            long p = spec.layout().size();
            System.out.printf(Locale.ROOT, "| %,d | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.0f | %.0f |%n", p, m[0], m[1], m[2], m[3],
                    m[5], m[4] / 1e6, driver.stopMegabytes(), executors.peakMegabytes());
            round.add(new double[] {p, m[0]});
        }
        data.unpersist();
        Chart.write(out.resolve("params.svg"), "Synchronous round time vs parameters (784-h-10, batch 128)", "parameters",
                "ms / round", List.of(new Chart.Series("round", round)));
    }

    private static void partitions(JavaSparkContext jsc, int[] counts, Path out, String master) throws IOException {
        NetworkSpec spec = NetworkSpec.input(784).dense(256, "relu").dense(128, "relu").dense(CLASSES, "softmax")
                .loss("softmax_cross_entropy");
        System.out.println("| partitions | aggregation | round ms | broadcast ms | job ms | sum ms | partial MB / round | same bits as driver |");
        System.out.println("|---:|---|---:|---:|---:|---:|---:|---|");
        List<double[]> driverPoints = new ArrayList<>();
        List<double[]> shardedPoints = new ArrayList<>();
        for (int n : counts) {
            DataBlocks data = DataBlocks.cache(teacherRows(jsc, 65536, 784, n, 9));
            float[] driverBits = null;
            boolean same = true;
            Map<String, List<Rounds>> runs = new LinkedHashMap<>();
            // each aggregation twice, in the order driver, sharded, sharded, driver: neither gains from going second
            for (String aggregation : new String[] {"driver", "sharded", "sharded", "driver"}) {
                TrainingConfig config = TrainingConfig.builder(spec).set(OPTIMIZER, "adam").set(LEARNING_RATE, 1e-3)
                        .set(BATCH_SIZE, 1024).set(EPOCHS, 1).set(MAX_ITERATIONS, 12L).set(SEED, 1L).set(LOG_INTERVAL, 0L)
                        .set(LOCAL_STEPS, "1").set(AGGREGATION, aggregation).build();
                Rounds rounds = new Rounds(4);
                float[] bits = new DistributedTrainer(jsc, config).logProgress(false).addListener(rounds).fit(data, null).parameters();
                if (driverBits == null) {
                    driverBits = bits;
                }
                same &= Arrays.equals(driverBits, bits);
                runs.computeIfAbsent(aggregation, a -> new ArrayList<>()).add(rounds);
            }
            for (Map.Entry<String, List<Rounds>> e : runs.entrySet()) {
                double[] m = Rounds.medians(e.getValue());
                System.out.printf(Locale.ROOT, "| %d | %s | %.1f | %.1f | %.1f | %.1f | %.1f | %s |%n", n, e.getKey(), m[0], m[1], m[2],
                        m[3], m[4] / 1e6, same ? "yes" : "NO");
                (e.getKey().equals("driver") ? driverPoints : shardedPoints).add(new double[] {n, m[0]});
            }
            data.unpersist();
        }
        Chart.write(out.resolve("partitions-" + master.replaceAll("[^a-z0-9]+", "-") + ".svg"),
                "Synchronous round time vs partitions (" + master + ", batch 1024)", "partitions", "ms / round",
                List.of(new Chart.Series("driver", driverPoints), new Chart.Series("sharded", shardedPoints)));
    }

    private static void sparse(JavaSparkContext jsc, int[] widths) {
        int partitions = jsc.defaultParallelism();
        System.out.println("| features | parameters | transfer | rows/s | partial MB / round | round ms | same bits |");
        System.out.println("|---:|---:|---|---:|---:|---:|---|");
        for (int d : widths) {
            NetworkSpec spec = NetworkSpec.input(d).dense(64, "relu").dense(CLASSES, "softmax").loss("softmax_cross_entropy");
            DataBlocks data = DataBlocks.cache(sparseTeacherRows(jsc, 65536, d, 100, partitions, 10));
            float[] denseBits = null;
            for (boolean sparse : new boolean[] {false, true}) {
                TrainingConfig config = TrainingConfig.builder(spec).set(OPTIMIZER, "adam").set(LEARNING_RATE, 1e-3)
                        .set(BATCH_SIZE, 256).set(EPOCHS, 1).set(MAX_ITERATIONS, 10L).set(SEED, 1L).set(LOG_INTERVAL, 0L)
                        .set(LOCAL_STEPS, "1").set(SPARSE_TRANSFER, sparse).build();
                Rounds rounds = new Rounds(2);
                float[] bits = new DistributedTrainer(jsc, config).logProgress(false).addListener(rounds).fit(data, null).parameters();
                if (denseBits == null) {
                    denseBits = bits;
                }
                double[] m = rounds.medians();
                System.out.printf(Locale.ROOT, "| %,d | %,d | %s | %.0f | %.2f | %.1f | %s |%n", d, spec.layout().size(),
                        sparse ? "sparse" : "dense", 256 / (m[0] / 1e3), m[4] / 1e6, m[0], Arrays.equals(denseBits, bits) ? "yes" : "NO");
            }
            data.unpersist();
        }
    }

    /** K for the sparse-update sweep: 8 rounds an epoch of 256 iterations (auto would pick K = 1 for 64M parameters). */
    private static final int SPARSE_UPDATE_LOCAL_STEPS = 32;

    /**
     * train.sparseUpdate on the wide data: one epoch with local steps (K = 32) and each update, dense and
     * touched, for sgd and adam: seconds per epoch, rows/s and the training accuracy after the epoch.
     */
    private static void sparseUpdates(JavaSparkContext jsc, int[] widths) {
        for (int d : widths) {
            NetworkSpec spec = NetworkSpec.input(d).dense(64, "relu").dense(CLASSES, "softmax").loss("softmax_cross_entropy");
            DataBlocks data = DataBlocks.cache(sparseTeacherRows(jsc, 65536, d, 100, jsc.defaultParallelism(), 10));
            sparseUpdates(jsc, spec, data);
            data.unpersist();
        }
    }

    private static void sparseUpdates(JavaSparkContext jsc, NetworkSpec spec, DataBlocks data) {
        System.out.printf(Locale.ROOT, "%s, %,d parameters, %,d rows, %d local steps per round%n", spec, spec.layout().size(),
                data.rows(), SPARSE_UPDATE_LOCAL_STEPS);
        System.out.println("| optimizer | update | K | s/epoch | rows/s | training accuracy | same bits as dense |");
        System.out.println("|---|---|---:|---:|---:|---:|---|");
        for (String optimizer : System.getenv().getOrDefault("SPARKPROP_BENCH_OPTIMIZERS", "sgd,adam").split(",")) {
            float[] denseBits = null;
            for (String update : new String[] {"dense", "touched"}) {
                TrainingConfig config = TrainingConfig.builder(spec).set(OPTIMIZER, optimizer)
                        .set(LEARNING_RATE, optimizer.equals("sgd") ? 0.5 : 1e-3).set(BATCH_SIZE, 256).set(EPOCHS, 1)
                        .set(SEED, 1L).set(LOG_INTERVAL, 0L).set(LOCAL_STEPS, String.valueOf(SPARSE_UPDATE_LOCAL_STEPS))
                        .set(SPARSE_UPDATE, update).build();
                List<EpochMetrics> epochs = new ArrayList<>();
                TrainingResult r = fit(jsc, config, data, epochs);
                if (denseBits == null) {
                    denseBits = r.parameters();
                }
                double seconds = epochs.get(0).seconds();
                double accuracy = new DistributedTrainer(jsc, config).evaluate(r.parameters(), data).accuracy();
                System.out.printf(Locale.ROOT, "| %s | %s | %d | %.1f | %.0f | %.4f | %s |%n", optimizer, update, r.localSteps(), seconds,
                        data.rows() / seconds, accuracy, Arrays.equals(denseBits, r.parameters()) ? "yes" : "no");
            }
        }
    }

    /** Trains quietly, adding every epoch's metrics to {@code epochs}. */
    private static TrainingResult fit(JavaSparkContext jsc, TrainingConfig config, DataBlocks data, List<EpochMetrics> epochs) {
        return new DistributedTrainer(jsc, config).logProgress(false).addListener(new TrainingListener() {
            @Override
            public void onEpoch(EpochMetrics m) {
                epochs.add(m);
            }
        }).fit(data, null);
    }

    // ---------------------------------------------------------------- data

    /**
     * {@code rows} rows of {@code d} N(0, 1) features in {@code partitions} blocks, each labelled by a
     * fixed random teacher d-32(tanh)-10: label = argmax_c (V tanh(W x))_c, W and V seeded.
     */
    static JavaRDD<DataBlock> teacherRows(JavaSparkContext jsc, int rows, int d, int partitions, long seed) {
        return jsc.parallelize(IntStream.range(0, partitions).boxed().toList(), partitions).map(p -> {
            float[] w = gaussians(new SplittableRandom(seed), TEACHER_HIDDEN * d, 1 / Math.sqrt(d));
            float[] v = gaussians(new SplittableRandom(seed + 1), CLASSES * TEACHER_HIDDEN, 1 / Math.sqrt(TEACHER_HIDDEN));
            int n = (int) ((long) rows * (p + 1) / partitions - (long) rows * p / partitions);
            SplittableRandom r = new SplittableRandom(seed * 1000 + p + 2);
            float[] x = gaussians(r, n * d, 1);
            float[] labels = new float[n];
            float[] hidden = new float[TEACHER_HIDDEN];
            for (int i = 0; i < n; i++) {
                for (int h = 0; h < TEACHER_HIDDEN; h++) {
                    double z = 0;
                    for (int j = 0; j < d; j++) {
                        z += w[h * d + j] * x[i * d + j];
                    }
                    hidden[h] = (float) Math.tanh(z);
                }
                labels[i] = argmax(v, hidden);
            }
            return DataBlock.dense(n, d, x, 1, labels);
        });
    }

    /**
     * {@code rows} image-like rows: {@code d} features on the pixel grid k / 255 (k uniform in 0..255),
     * labelled by the teacher of {@link #teacherRows} applied to the centred, unit-variance values
     * sqrt(12) (x - 1/2), and standardised to those values for training. With {@code cache} uint8 each block is stored as CompactFeatures, which is exact on
     * this grid (the same bits as float32, a quarter of the bytes); the float32 block exists only inside
     * the task that builds it.
     */
    static JavaRDD<DataBlock> pixelTeacherRows(JavaSparkContext jsc, int rows, int d, int partitions, long seed, CacheFormat cache) {
        return jsc.parallelize(IntStream.range(0, partitions).boxed().toList(), partitions).map(p -> {
            float[] w = gaussians(new SplittableRandom(seed), TEACHER_HIDDEN * d, 1 / Math.sqrt(d));
            float[] v = gaussians(new SplittableRandom(seed + 1), CLASSES * TEACHER_HIDDEN, 1 / Math.sqrt(TEACHER_HIDDEN));
            int n = (int) ((long) rows * (p + 1) / partitions - (long) rows * p / partitions);
            SplittableRandom r = new SplittableRandom(seed * 1000 + p + 2);
            float[] x = new float[n * d];
            float[] labels = new float[n];
            float[] hidden = new float[TEACHER_HIDDEN];
            double centred = Math.sqrt(12);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < d; j++) {
                    x[i * d + j] = (float) (r.nextInt(256) * (1 / 255.0));
                }
                for (int h = 0; h < TEACHER_HIDDEN; h++) {
                    double z = 0;
                    for (int j = 0; j < d; j++) {
                        z += w[h * d + j] * centred * (x[i * d + j] - 0.5);
                    }
                    hidden[h] = (float) Math.tanh(z);
                }
                labels[i] = argmax(v, hidden);
            }
            // standardised as the product would (the known moments: mean 1/2, std 1/sqrt(12) in every column)
            float[] mean = new float[d];
            float[] std = new float[d];
            Arrays.fill(mean, 0.5f);
            Arrays.fill(std, (float) (1 / centred));
            Standardizer standardizer = new Standardizer(mean, std);
            DataBlock block = DataBlock.dense(n, d, x, 1, labels);
            if (cache == CacheFormat.FLOAT32) {
                return standardizer.apply(block);
            }
            CompactFeatures.Uint8Columns columns = cache == CacheFormat.UINT8
                    ? CompactFeatures.fitUint8(CompactFeatures.columnStats(block)) : null;
            return DataBlock.compact(CompactFeatures.encode(x, n, d, cache, columns, standardizer), 1, labels);
        });
    }

    /**
     * LIBSVM-like rows: {@code nonzeros} distinct random columns of {@code d}, values U(0, 1), labelled by
     * a hashed linear teacher: label = argmax_c sum_j x_j h(c, j), h a seeded hash in [-1, 1) (no d x 10 array).
     */
    static JavaRDD<DataBlock> sparseTeacherRows(JavaSparkContext jsc, int rows, int d, int nonzeros, int partitions, long seed) {
        return jsc.parallelize(IntStream.range(0, partitions).boxed().toList(), partitions).map(p -> {
            int n = (int) ((long) rows * (p + 1) / partitions - (long) rows * p / partitions);
            SplittableRandom r = new SplittableRandom(seed * 1000 + p);
            int[] indptr = new int[n + 1];
            int[] indices = new int[n * nonzeros];
            float[] values = new float[n * nonzeros];
            float[] labels = new float[n];
            double[] score = new double[CLASSES];
            for (int i = 0; i < n; i++) {
                int[] cols = r.ints(0, d).distinct().limit(nonzeros).sorted().toArray();
                Arrays.fill(score, 0);
                for (int k = 0; k < nonzeros; k++) {
                    int at = i * nonzeros + k;
                    indices[at] = cols[k];
                    values[at] = (float) r.nextDouble();
                    for (int c = 0; c < CLASSES; c++) {
                        score[c] += values[at] * hash(seed, c, cols[k]);
                    }
                }
                indptr[i + 1] = (i + 1) * nonzeros;
                int best = 0;
                for (int c = 1; c < CLASSES; c++) {
                    best = score[c] > score[best] ? c : best;
                }
                labels[i] = best;
            }
            return DataBlock.sparse(new CsrMatrix(n, d, indptr, indices, values), 1, labels);
        });
    }

    /**
     * The driver's heap while a ~10M-parameter model (784-12288-10, P = 9,768,970) trains 6 synchronous
     * rounds on {@code counts} partitions, sharded and driver aggregation: the sampled peak of the used
     * heap (garbage included) above the heap left after a GC before the run, against the target for the
     * aggregation alone, 4 P x 4 bytes. Run it with executors in their own JVMs (local-cluster), so the
     * driver's heap is the driver's alone.
     */
    private static void aggregationHeap(JavaSparkContext jsc, int[] counts) {
        NetworkSpec spec = NetworkSpec.input(784).dense(12288, "relu").dense(CLASSES, "softmax").loss("softmax_cross_entropy");
        long p = spec.layout().size();
        System.out.printf(Locale.ROOT, "P = %,d: a float[P] is %.1f MB, 4 P x 4 bytes %.1f MB%n", p, 4 * p / 1e6, 16 * p / 1e6);
        System.out.println("| partitions | aggregation | round ms | job ms | sum ms | driver heap before MB | sampled peak above it MB"
                + " | live after a round, above it MB | result |");
        System.out.println("|---:|---|---:|---:|---:|---:|---:|---:|---|");
        for (int n : counts) {
            DataBlocks data = DataBlocks.cache(teacherRows(jsc, 8192, 784, n, 11));
            data.rows();
            for (String aggregation : new String[] {"sharded", "driver"}) {
                TrainingConfig config = TrainingConfig.builder(spec).set(OPTIMIZER, "adam").set(LEARNING_RATE, 1e-3)
                        .set(BATCH_SIZE, 128).set(EPOCHS, 1).set(MAX_ITERATIONS, 6L).set(SEED, 1L).set(LOG_INTERVAL, 0L)
                        .set(LOCAL_STEPS, "1").set(AGGREGATION, aggregation).build();
                System.gc();
                double before = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1e6;
                HeapPeak driver = HeapPeak.start();
                Rounds rounds = new Rounds(2);
                LiveHeap live = new LiveHeap();
                String result = "trained";
                try {
                    new DistributedTrainer(jsc, config).logProgress(false).addListener(rounds).addListener(live).fit(data, null);
                } catch (OutOfMemoryError | Exception e) {
                    result = e.getClass().getSimpleName() + ": " + String.valueOf(e.getMessage()).lines().findFirst().orElse("");
                }
                double peak = driver.stopMegabytes();
                double[] m = rounds.seen.isEmpty() ? new double[6] : rounds.medians();
                System.out.printf(Locale.ROOT, "| %d | %s | %.1f | %.1f | %.1f | %.0f | %.0f | %.0f | %s |%n", n, aggregation, m[0], m[2],
                        m[3], before, peak - before, live.peak / 1e6 - before, result);
            }
            data.unpersist();
        }
    }

    private static double hash(long seed, int c, int j) {
        long z = seed * 0x9E3779B97F4A7C15L + c * 0xBF58476D1CE4E5B9L + j * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return (z >>> 11) * 0x1.0p-52 - 1;
    }

    static float[] gaussians(SplittableRandom r, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            // Box-Muller, one of the pair
            a[i] = (float) (scale * Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble()));
        }
        return a;
    }

    static float argmax(float[] v, float[] hidden) {
        int best = 0;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < CLASSES; c++) {
            double s = 0;
            for (int h = 0; h < TEACHER_HIDDEN; h++) {
                s += v[c * TEACHER_HIDDEN + h] * hidden[h];
            }
            if (s > bestScore) {
                bestScore = s;
                best = c;
            }
        }
        return best;
    }

    // ---------------------------------------------------------------- measuring

    /**
     * Per-round medians after {@code warmup} rounds: [round, broadcast, job, sum] ms, partial bytes, and the
     * rest of the round (the update and checks) in ms, each the median of its own column.
     */
    private static final class Rounds implements TrainingListener {
        private final int warmup;
        private final List<double[]> seen = new ArrayList<>();

        Rounds(int warmup) {
            this.warmup = warmup;
        }

        @Override
        public void onIteration(IterationMetrics m) {
            double rest = m.seconds() - m.broadcastSeconds() - m.jobSeconds() - m.sumSeconds();
            seen.add(new double[] {m.seconds() * 1e3, m.broadcastSeconds() * 1e3, m.jobSeconds() * 1e3, m.sumSeconds() * 1e3,
                    m.partialBytes(), rest * 1e3});
        }

        double[] medians() {
            return medians(List.of(this));
        }

        /** Per column, the median over every run's rounds after its warm-up. */
        static double[] medians(List<Rounds> runs) {
            List<double[]> kept = new ArrayList<>();
            for (Rounds r : runs) {
                kept.addAll(r.seen.subList(Math.min(r.warmup, r.seen.size() - 1), r.seen.size()));
            }
            double[] out = new double[6];
            for (int i = 0; i < out.length; i++) {
                int c = i;
                double[] column = kept.stream().mapToDouble(a -> a[c]).sorted().toArray();
                out[i] = column[column.length / 2];
            }
            return out;
        }
    }

    /**
     * The driver's live heap after each round: a full GC, then the used heap (what the trainer keeps from
     * round to round: parameters, optimizer state, the sum and mean buffers, the broadcast's copy).
     */
    private static final class LiveHeap implements TrainingListener {
        long peak;

        @Override
        public void onIteration(IterationMetrics m) {
            System.gc();
            peak = Math.max(peak, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
    }

    /** The driver's heap peak while a run lasts, sampled every 5 ms (live data and garbage not yet collected). */
    private static final class HeapPeak {
        private final AtomicLong peak = new AtomicLong();
        private final Thread sampler;
        private volatile boolean running = true;

        private HeapPeak() {
            System.gc();
            MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
            sampler = new Thread(() -> {
                while (running) {
                    peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "heap-peak");
            sampler.setDaemon(true);
            sampler.start();
        }

        static HeapPeak start() {
            return new HeapPeak();
        }

        double stopMegabytes() {
            running = false;
            try {
                sampler.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return peak.get() / 1e6;
        }
    }

    /** The executors' JVM heap peak (Spark's executor metrics, polled every 100 ms, sent with each heartbeat). */
    private static final class ExecutorHeap extends SparkListener {
        private final AtomicLong peak = new AtomicLong();

        @Override
        public void onExecutorMetricsUpdate(SparkListenerExecutorMetricsUpdate update) {
            update.executorUpdates().values().foreach(m -> {
                peak.accumulateAndGet(((ExecutorMetrics) m).getMetricValue("JVMHeapMemory"), Math::max);
                return null;
            });
        }

        void reset() {
            peak.set(0);
        }

        /** The peak in MB, or NaN when no executor reported (local mode: the executor is the driver's JVM). */
        double peakMegabytes() {
            return peak.get() == 0 ? Double.NaN : peak.get() / 1e6;
        }
    }

    /** A minimal line chart in SVG, log-log or linear, self-contained (no fonts or scripts from elsewhere). */
    static final class Chart {
        record Series(String name, List<double[]> points) {
        }

        private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2",
                "#17becf"};

        /** Both axes logarithmic, ticks at the powers of ten. */
        static void write(Path file, String title, String xLabel, String yLabel, List<Series> series) throws IOException {
            draw(file, title, xLabel + " (log)", yLabel + " (log)", series, true);
        }

        /** Both axes linear, five ticks each. */
        static void writeLinear(Path file, String title, String xLabel, String yLabel, List<Series> series) throws IOException {
            draw(file, title, xLabel, yLabel, series, false);
        }

        private static void draw(Path file, String title, String xLabel, String yLabel, List<Series> series, boolean log)
                throws IOException {
            double xMin = Double.MAX_VALUE, xMax = -Double.MAX_VALUE, yMin = Double.MAX_VALUE, yMax = -Double.MAX_VALUE;
            for (Series s : series) {
                for (double[] p : s.points()) {
                    xMin = Math.min(xMin, axis(p[0], log));
                    xMax = Math.max(xMax, axis(p[0], log));
                    yMin = Math.min(yMin, axis(p[1], log));
                    yMax = Math.max(yMax, axis(p[1], log));
                }
            }
            if (log) {
                xMin = Math.floor(xMin);
                xMax = Math.max(Math.ceil(xMax), xMin + 1);
                yMin = Math.floor(yMin);
                yMax = Math.max(Math.ceil(yMax), yMin + 1);
            } else {
                xMax = Math.max(xMax, xMin + 1e-9);
                yMax = Math.max(yMax, yMin + 1e-9);
            }
            double xStep = log ? 1 : (xMax - xMin) / 4;
            double yStep = log ? 1 : (yMax - yMin) / 4;
            int w = 560, h = 340, left = 70, right = 20, top = 40, bottom = 50;
            StringBuilder svg = new StringBuilder();
            svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                    + "font-family=\"sans-serif\" font-size=\"12\">%n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n", w, h));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"22\" font-size=\"14\">%s</text>%n", left, escape(title)));
            for (double e = xMin; e <= xMax + 1e-9; e += xStep) {
                double x = left + (e - xMin) / (xMax - xMin) * (w - left - right);
                svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>"
                        + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", x, top, x, h - bottom, x, h - bottom + 16,
                        tick(e, log)));
            }
            for (double e = yMin; e <= yMax + 1e-9; e += yStep) {
                double y = h - bottom - (e - yMin) / (yMax - yMin) * (h - top - bottom);
                svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                        + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", left, y, w - right, y, left - 6, y + 4,
                        tick(e, log)));
            }
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", (w + left) / 2, h - 10,
                    escape(xLabel)));
            svg.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%d\" transform=\"rotate(-90 14 %d)\" text-anchor=\"middle\">%s</text>%n",
                    h / 2, h / 2, escape(yLabel)));
            for (int i = 0; i < series.size(); i++) {
                String colour = COLOURS[i % COLOURS.length];
                StringBuilder path = new StringBuilder();
                for (double[] p : series.get(i).points()) {
                    double x = left + (axis(p[0], log) - xMin) / (xMax - xMin) * (w - left - right);
                    double y = h - bottom - (axis(p[1], log) - yMin) / (yMax - yMin) * (h - top - bottom);
                    path.append(path.length() == 0 ? "M" : " L").append(String.format(Locale.ROOT, "%.1f %.1f", x, y));
                    svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>%n", x, y, colour));
                }
                svg.append(String.format(Locale.ROOT, "<path d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>%n", path, colour));
                svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"%s\">%s</text>%n", w - right - 110, top + 16 + 16 * i,
                        colour, escape(series.get(i).name())));
            }
            svg.append("</svg>\n");
            Files.writeString(file, svg);
            System.out.println("chart: " + file);
        }

        private static double axis(double v, boolean log) {
            return log ? Math.log10(v) : v;
        }

        private static String tick(double e, boolean log) {
            return log ? "1e" + Math.round(e) : String.format(Locale.ROOT, "%.3g", e);
        }

        private static String escape(String s) {
            return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
        }
    }
}
