package io.sparkprop.bench;

import io.sparkprop.core.data.DataBlock;
import io.sparkprop.core.data.IdxReader;
import io.sparkprop.core.data.Standardizer;
import io.sparkprop.core.nn.NetworkSpec;
import io.sparkprop.driver.config.Setting;
import io.sparkprop.driver.config.TrainingSettings;
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
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import static io.sparkprop.driver.config.TrainingSettings.*;

/**
 * The scaling benchmark: one data set trained with every setting at its default (784-256-128-10 ReLU,
 * Adam 3e-3 cosine, batch 64 per worker, train.localSteps auto) in {@code local[N]} for each N, one
 * balanced block per task slot (row i in block i mod N, as the product deals them). Convergence is a
 * cluster of N workers' exactly; time is N workers' work on this machine's cores. Per N: epochs and
 * rounds to the target accuracy, final accuracy, rows per task per step, bytes per round, a round's
 * fixed cost, compute per epoch, and the estimated time to the target on N real cores:
 * <pre>
 *   T_N = R F + I c      R rounds and I iterations (steps per worker) to the target,
 *                        F a round's fixed cost = mean(round wall - its longest task's run time),
 *                        c one step of one task = the tasks' CPU time / (tasks x steps per task)
 * </pre>
 * i.e. every task on a core of its own at the speed measured here, and Spark's fixed cost as measured
 * here (inflated when other work loads the machine; a real cluster's is larger), and again with F from the
 * quiet-machine fit auto uses, F = 10 ms + 3 ns x (the partials' bytes + the broadcast's). A round is a Spark
 * job: with synchronous steps exchanged among the tasks (train.synchronousExchange) one per epoch, R the epochs,
 * and c includes the replicated update and the exchange's work; its last column adds the wire between N
 * machines ({@link Cell#exchangeEstimatedSeconds}). Not a test: run
 * benchmarks/scaling.sh.
 *
 * <p>Arguments: {@code DATA SLOTS EPOCHS OUT_DIR [key=value,...]}: DATA {@code fashion:DIR} or
 * {@code synthetic:ROWS[:WIDTH]} (the cost-growth teacher, WIDTH (784) N(0, 1) features labelled by a fixed
 * random WIDTH-32(tanh)-10, 10,000 more rows as the test set); SLOTS comma-separated; the settings override
 * the defaults (for comparisons only; the benchmark's table is with none).
 */
public final class Scaling {
    private static final int FASHION_WIDTH = 784;
    private static final int TEST_ROWS = 10_000;
    private static final long SYNTHETIC_SEED = 9;
    private static DataBlock[] fashionBlocks;

    private Scaling() {
    }

    /** One N's measurements. */
    record Cell(int slots, int k, int batch, long perEpoch, double[] accuracy, double[] trainSeconds, int[] rounds,
                double fixedSeconds, double stepSeconds, double taskSecondsPerEpoch, long bytesPerRound, double target,
                boolean barrier, int parameters) {
        /** The first epoch (1-based) at or above the target, or 0. */
        int epochsToTarget() {
            for (int e = 0; e < accuracy.length; e++) {
                if (accuracy[e] >= target) {
                    return e + 1;
                }
            }
            return 0;
        }

        double estimatedSeconds() {
            return estimated(fixedSeconds);
        }

        /**
         * The same with F from the quiet-machine fit auto uses (LocalStepsChoice): 10 ms + 3 ns a byte moved, the
         * broadcast (one partial's size) and the N partials: F = 10 ms + 3 ns x partial bytes x (1 + 1 / N).
         */
        double quietEstimatedSeconds() {
            return estimated(0.010 + 3e-9 * bytesPerRound * (1 + 1.0 / slots));
        }

        private double estimated(double fixed) {
            return estimated(fixed, stepSeconds);
        }

        private double estimated(double fixed, double step) {
            int e = epochsToTarget();
            return e == 0 ? Double.NaN : rounds[e - 1] * fixed + e * perEpoch * step;
        }

        /**
         * Synchronous steps exchanged among the tasks (train.synchronousExchange = tasks) on N machines: the
         * measured F (one barrier job per epoch) and step c (compute, the replicated update and the exchange's own
         * CPU, here through memory), plus each step's wire time between machines at 10 Gbit/s: every task sends and
         * receives 2 x 4 P (N - 1) / N bytes a step (its slices of the partial out, the summed slices back):
         * T_N = R F + I (c + 8 P (N - 1) / N / 1.25 GB/s). NaN for the driver's rounds.
         */
        double exchangeEstimatedSeconds() {
            return barrier ? estimated(fixedSeconds, stepSeconds + 8.0 * parameters * (slots - 1) / slots / 1.25e9) : Double.NaN;
        }
    }

    public static void main(String[] args) throws IOException {
        String data = args[0];
        int[] slots = Arrays.stream(args[1].split(",")).mapToInt(s -> Integer.parseInt(s.trim())).toArray();
        int epochs = Integer.parseInt(args[2]);
        Path out = Path.of(args[3]);
        String overrides = args.length > 4 ? args[4] : "";
        Files.createDirectories(out);
        boolean fashion = data.startsWith("fashion:");
        String[] shape = data.substring(data.indexOf(':') + 1).split(":");
        int width = fashion ? FASHION_WIDTH : shape.length > 1 ? Integer.parseInt(shape[1]) : FASHION_WIDTH;
        int rows = fashion ? 0 : Integer.parseInt(shape[0]);
        String name = fashion ? "Fashion-MNIST" : String.format(Locale.ROOT, "teacher data, %,d rows of %d features", rows, width);
        double target = fashion ? 0.88 : Double.NaN;
        String dir = fashion ? data.substring(8) : null;
        System.out.printf(Locale.ROOT, "%s, %d epochs, defaults%s, %d cores, %s%n", name, epochs,
                overrides.isEmpty() ? "" : " except " + overrides, Runtime.getRuntime().availableProcessors(), Instant.now());
        List<Cell> cells = new ArrayList<>();
        for (int n : slots) {
            try (SparkSession spark = session(n)) {
                JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
                DataBlocks train = DataBlocks.cache(fashion ? dealt(jsc, dir, 0, n)
                        : synthetic(jsc, rows, 0, width, n));
                DataBlocks test = DataBlocks.cache(fashion ? dealt(jsc, dir, 1, n)
                        : synthetic(jsc, TEST_ROWS, rows, width, n));
                Cell c = run(jsc, train, test, width, n, epochs, overrides, target);
                cells.add(c);
                System.out.printf(Locale.ROOT, "N = %d: K = %d, accuracy by epoch %s, training seconds %s%n", n, c.k(),
                        Arrays.toString(c.accuracy()), Arrays.toString(c.trainSeconds()));
                train.unpersist();
                test.unpersist();
            }
        }
        if (!fashion) {
            // the synthetic target: N = 2's final accuracy less half a point
            Cell two = cells.stream().filter(c -> c.slots() == 2).findFirst().orElse(cells.get(0));
            double t = two.accuracy()[two.accuracy().length - 1] - 0.005;
            cells.replaceAll(c -> new Cell(c.slots(), c.k(), c.batch(), c.perEpoch(), c.accuracy(), c.trainSeconds(), c.rounds(),
                    c.fixedSeconds(), c.stepSeconds(), c.taskSecondsPerEpoch(), c.bytesPerRound(), t, c.barrier(), c.parameters()));
        }
        table(name, cells);
        charts(out, fashion ? "fashion-mnist" : "teacher", name, cells);
    }

    private static SparkSession session(int slots) {
        SparkConf conf = new SparkConf().setMaster("local[" + slots + "]").setAppName("sparkprop scaling")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1")
                .set("spark.broadcast.compress", "false").set("spark.locality.wait", "0");
        KryoSettings.apply(conf, false);
        return SparkSession.builder().config(conf).getOrCreate();
    }

    private static Cell run(JavaSparkContext jsc, DataBlocks train, DataBlocks test, int width, int slots, int epochs,
                            String overrides, double target) {
        NetworkSpec spec = NetworkSpec.input(width).dense(256, "relu").dense(128, "relu").dense(10, "softmax")
                .loss("softmax_cross_entropy");
        TrainingConfig.Builder b = TrainingConfig.builder(spec).set(EPOCHS, epochs).set(LOG_INTERVAL, 0L);
        for (String kv : overrides.split(",")) {
            if (kv.contains("=")) {
                Setting<?> s = TrainingSettings.byKey(kv.substring(0, kv.indexOf('=')).trim());
                b.parse(s, kv.substring(kv.indexOf('=') + 1).trim());
            }
        }
        TrainingConfig config = b.build();
        TaskTimes tasks = new TaskTimes();
        jsc.sc().addSparkListener(tasks);
        List<double[]> roundsSeen = new ArrayList<>();
        List<Double> accuracy = new ArrayList<>();
        List<Double> seconds = new ArrayList<>();
        List<Integer> rounds = new ArrayList<>();
        double[] trained = {0};
        TrainingResult r = new DistributedTrainer(jsc, config).logProgress(false).addListener(new TrainingListener() {
            @Override
            public void onIteration(IterationMetrics m) {
                trained[0] += m.seconds();
                roundsSeen.add(new double[] {m.seconds(), m.partialBytes()});
            }

            @Override
            public void onEpoch(EpochMetrics m) {
                accuracy.add(m.validation().accuracy());
                seconds.add(trained[0]);
                rounds.add(roundsSeen.size());
            }
        }).fit(train, test);
        try {
            jsc.sc().listenerBus().waitUntilEmpty();
        } catch (TimeoutException e) {
            throw new IllegalStateException("the listener bus did not drain", e);
        }
        jsc.sc().removeSparkListener(tasks);
        long perEpoch = (r.iterations() + r.epochs() - 1) / r.epochs();
        int batch = (int) Math.min(config.get(BATCH_SIZE), train.minPartitionRows());
        double taskSeconds = tasks.cpu.get() / 1e9;
        // a round is a Spark job: one per round of the driver's, one per epoch of steps exchanged among the tasks
        int jobs = tasks.rounds.size();
        boolean barrier = jobs < roundsSeen.size();
        double fixed = (trained[0] - tasks.longestTasks.get() / 1e3) / jobs;
        double[] bytes = roundsSeen.stream().mapToDouble(x -> x[1]).sorted().toArray();
        return new Cell(slots, r.localSteps(), batch, perEpoch, accuracy.stream().mapToDouble(Double::doubleValue).toArray(),
                seconds.stream().mapToDouble(Double::doubleValue).toArray(),
                rounds.stream().mapToInt(x -> (int) Math.round((double) x * jobs / roundsSeen.size())).toArray(),
                Math.max(fixed, 0), taskSeconds / ((double) slots * r.iterations()), taskSeconds / r.epochs(),
                (long) bytes[bytes.length / 2], target, barrier, spec.layout().size());
    }

    private static void table(String name, List<Cell> cells) {
        System.out.println();
        System.out.printf(Locale.ROOT, "%s, target %.4f test accuracy%n", name, cells.get(0).target());
        System.out.println("| N | K | rows / task / step | iterations / epoch | epochs to target | rounds to target | final accuracy"
                + " | s / epoch (wall, 2 cores) | task s / epoch | partial MB / round | round fixed cost ms | step ms"
                + " | time to target, measured | estimate on N cores | estimate, quiet F | estimate, tasks' exchange on N machines |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Cell c : cells) {
            int e = c.epochsToTarget();
            double[] s = c.trainSeconds();
            System.out.printf(Locale.ROOT, "| %d | %d | %d | %d | %s | %s | %.4f | %.2f | %.2f | %.1f | %.1f | %.2f | %s | %s | %s | %s |%n",
                    c.slots(), c.k(), c.batch(), c.perEpoch(), e == 0 ? "never" : e, e == 0 ? "-" : c.rounds()[e - 1],
                    c.accuracy()[c.accuracy().length - 1], s[s.length - 1] / s.length, c.taskSecondsPerEpoch(),
                    c.bytesPerRound() / 1e6, c.fixedSeconds() * 1e3, c.stepSeconds() * 1e3,
                    e == 0 ? "never" : String.format(Locale.ROOT, "%.1f s", s[e - 1]),
                    e == 0 ? "never" : String.format(Locale.ROOT, "%.1f s", c.estimatedSeconds()),
                    e == 0 ? "never" : String.format(Locale.ROOT, "%.1f s", c.quietEstimatedSeconds()),
                    e == 0 || !c.barrier() ? "-" : String.format(Locale.ROOT, "%.1f s", c.exchangeEstimatedSeconds()));
        }
    }

    private static void charts(Path out, String file, String name, List<Cell> cells) throws IOException {
        List<CostGrowth.Chart.Series> curves = new ArrayList<>();
        List<double[]> estimated = new ArrayList<>();
        List<double[]> measured = new ArrayList<>();
        for (Cell c : cells) {
            List<double[]> points = new ArrayList<>();
            for (int e = 0; e < c.accuracy().length; e++) {
                points.add(new double[] {e + 1, c.accuracy()[e]});
            }
            curves.add(new CostGrowth.Chart.Series("N = " + c.slots(), points));
            int e = c.epochsToTarget();
            if (e > 0) {
                estimated.add(new double[] {c.slots(), c.quietEstimatedSeconds()});
                measured.add(new double[] {c.slots(), c.trainSeconds()[e - 1]});
            }
        }
        CostGrowth.Chart.writeLinear(out.resolve("scaling-" + file + "-accuracy.svg"), name + ": test accuracy by epoch, defaults",
                "epoch", "test accuracy", curves);
        if (!estimated.isEmpty()) {
            CostGrowth.Chart.write(out.resolve("scaling-" + file + "-time.svg"), name + ": training time to the target",
                    "task slots N", "seconds", List.of(new CostGrowth.Chart.Series("estimate on N cores, quiet F", estimated),
                            new CostGrowth.Chart.Series("measured on 2 cores", measured)));
        }
    }

    // ---------------------------------------------------------------- data

    /** Fashion-MNIST's train and test blocks, standardised as data.standardizeScale auto does images (one shared scale). */
    private static synchronized DataBlock[] fashion(String dir) {
        if (fashionBlocks == null) {
            DataBlock train = idx(Path.of(dir), "train");
            DataBlock test = idx(Path.of(dir), "t10k");
            Standardizer s = Standardizer.fromMoments(Standardizer.moments(train), true, true);
            fashionBlocks = new DataBlock[] {s.apply(train), s.apply(test)};
        }
        return fashionBlocks;
    }

    private static DataBlock idx(Path dir, String prefix) {
        try (InputStream images = Files.newInputStream(dir.resolve(prefix + "-images-idx3-ubyte.gz"));
             InputStream labels = Files.newInputStream(dir.resolve(prefix + "-labels-idx1-ubyte.gz"))) {
            return IdxReader.readMnist(images, labels, dir + "/" + prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Fashion-MNIST's train (0) or test (1) rows, row i in block i mod S, as the product's balanced blocks
     * deal an input in this order. Each task takes its block from the data read once in this JVM (local
     * mode: the executor is the driver's JVM), so no task carries rows.
     */
    private static JavaRDD<DataBlock> dealt(JavaSparkContext jsc, String dir, int which, int slots) {
        return jsc.parallelize(IntStream.range(0, slots).boxed().toList(), slots).map(s -> fashion(dir)[which].strided(s, slots));
    }

    /**
     * Rows [first, first + rows) of the teacher data (d N(0, 1) features labelled by a fixed random d-32(tanh)-10),
     * dealt into S blocks (row first + i in block i mod S): each row drawn from its own seeded stream, so the
     * rows are the same whatever S.
     */
    static JavaRDD<DataBlock> synthetic(JavaSparkContext jsc, int rows, int first, int d, int slots) {
        return jsc.parallelize(IntStream.range(0, slots).boxed().toList(), slots).map(s -> {
            SplittableRandom teacher = new SplittableRandom(SYNTHETIC_SEED);
            float[] w = CostGrowth.gaussians(teacher, 32 * d, 1 / Math.sqrt(d));
            float[] v = CostGrowth.gaussians(teacher, 10 * 32, 1 / Math.sqrt(32));
            int n = (rows - s + slots - 1) / slots;
            float[] x = new float[n * d];
            float[] labels = new float[n];
            float[] hidden = new float[32];
            for (int j = 0; j < n; j++) {
                long row = first + s + (long) j * slots;
                float[] xi = CostGrowth.gaussians(new SplittableRandom(SYNTHETIC_SEED * 0x9E3779B97F4A7C15L + row), d, 1);
                System.arraycopy(xi, 0, x, j * d, d);
                for (int h = 0; h < 32; h++) {
                    double z = 0;
                    for (int c = 0; c < d; c++) {
                        z += w[h * d + c] * xi[c];
                    }
                    hidden[h] = (float) Math.tanh(z);
                }
                labels[j] = CostGrowth.argmax(v, hidden);
            }
            return DataBlock.dense(n, d, x, 1, labels);
        });
    }

    /**
     * The training rounds' tasks (jobs described "sparkprop epoch ..."): their summed CPU time (ns), and the
     * summed run time (ms) of each job's longest task, the round's compute as seen from the driver (in
     * local[N] all N tasks run at once, sharing the cores).
     */
    private static final class TaskTimes extends SparkListener {
        private final Map<Integer, Integer> trainingStages = new ConcurrentHashMap<>();
        private final Map<Integer, Long> longest = new ConcurrentHashMap<>();
        final AtomicLong cpu = new AtomicLong();
        final AtomicLong longestTasks = new AtomicLong();
        /** The training rounds' descriptions: one per round (the validation jobs after an epoch repeat the last one's). */
        final Set<String> rounds = ConcurrentHashMap.newKeySet();

        @Override
        public void onJobStart(SparkListenerJobStart start) {
            String description = start.properties() == null ? null : start.properties().getProperty("spark.job.description");
            if (description != null && description.startsWith("sparkprop epoch")) {
                rounds.add(description);
                scala.collection.Iterator<Object> it = start.stageIds().iterator();
                while (it.hasNext()) {
                    trainingStages.put((Integer) it.next(), start.jobId());
                }
            }
        }

        @Override
        public void onTaskEnd(SparkListenerTaskEnd end) {
            Integer job = trainingStages.get(end.stageId());
            if (job != null && end.taskMetrics() != null) {
                cpu.addAndGet(end.taskMetrics().executorCpuTime());
                longest.merge(job, end.taskMetrics().executorRunTime(), Math::max);
            }
        }

        @Override
        public void onJobEnd(SparkListenerJobEnd end) {
            Long ms = longest.remove(end.jobId());
            if (ms != null) {
                longestTasks.addAndGet(ms);
            }
        }
    }
}
