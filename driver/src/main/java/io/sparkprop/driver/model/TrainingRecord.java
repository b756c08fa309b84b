package io.sparkprop.driver.model;

import io.sparkprop.core.data.CacheFormat;

import io.sparkprop.driver.config.ClassWeights;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

import static io.sparkprop.driver.config.TrainingSettings.CLASS_WEIGHTS;

/**
 * What a saved model records of the fit that made it (model.json's {@code training}), after the
 * entries its caller records first (data paths, the estimator).
 *
 * @param seed          train.seed
 * @param iterations    completed iterations, counting those before a resume
 * @param epochs        completed epochs
 * @param stopReason    "epochs", "max_iterations" or "early_stopping"
 * @param localSteps    K, the local steps per round that ran (1: synchronous)
 * @param rounds        how the rounds ran on the workers: K, the outer step, the learning rate and warm-up taken
 * @param seconds       the fit's wall time
 * @param weightColumn  the row weight column, or null
 * @param classWeights  train.classWeights resolved, or null
 * @param blocking      how the training rows were blocked and batched
 * @param cache         the training blocks' cache
 * @param metricsOn     "validation" or "training"
 * @param metrics       the final metrics with their row count
 * @param configuration every training setting
 */
public record TrainingRecord(long seed, long iterations, long epochs, String stopReason, int localSteps, Map<String, Object> rounds,
                             double seconds, String weightColumn, ClassWeighting classWeights, Blocking blocking, Cache cache, String metricsOn,
                             Map<String, Object> metrics, Map<String, Object> configuration) {

    /** train.classWeights as set, the weight of each class and the training rows of each class. */
    public record ClassWeighting(String setting, double[] weights, long[] classRows) {
        /**
         * train.classWeights ({@code text}) resolved against the training rows per class, which
         * {@code classRows} counts only when weights are asked for; null for none.
         */
        public static ClassWeighting resolve(String text, boolean classification, Supplier<long[]> classRows,
                                             Consumer<String> progress) {
            if (ClassWeights.isNone(text)) {
                return null;
            }
            if (!classification) {
                throw new IllegalArgumentException(CLASS_WEIGHTS.key() + " = '" + text + "' applies to classification"
                        + " only, this fit is a regression (set it to none)");
            }
            long[] rows = classRows.get();
            double[] weights = ClassWeights.resolve(text, rows);
            progress.accept("class weights (" + CLASS_WEIGHTS.key() + " = " + text + "): " + Arrays.toString(weights));
            return new ClassWeighting(text, weights, rows);
        }

        /** The weights as the blocks take them. */
        public float[] asFloats() {
            float[] out = new float[weights.length];
            for (int i = 0; i < weights.length; i++) {
                out[i] = (float) weights[i];
            }
            return out;
        }
    }

    /**
     * The training blocks: chosen by {@code from} ("task slots" or the setting that pinned the count), S
     * blocks of minRows..maxRows rows, the per-worker batch and the global batch of an iteration.
     */
    private static final String TASK_SLOTS = "task slots";

    public record Blocking(String from, int taskSlots, int blocks, long minRows, long maxRows, int batchPerWorker,
                           long globalBatch) {
        /** The blocking of {@code rows} per block: pinned by data.partitions, or one block per task slot. */
        public static Blocking of(String pinnedBy, int taskSlots, long[] rows, int batchPerWorker, long globalBatch) {
            return new Blocking(pinnedBy != null ? pinnedBy : TASK_SLOTS, taskSlots, rows.length,
                    Arrays.stream(rows).min().orElse(0), Arrays.stream(rows).max().orElse(0), batchPerWorker, globalBatch);
        }

        /** "4 blocks, one per task slot, 120-121 rows each; batch 64 per worker, 256 in all". */
        public String describe() {
            return blocks + " blocks, " + (from.equals(TASK_SLOTS) ? "one per task slot" : from + " = " + blocks + " (" + taskSlots
                    + " task slots)") + ", " + (minRows == maxRows ? "" + minRows : minRows + "-" + maxRows) + " rows each; batch "
                    + batchPerWorker + " per worker, " + globalBatch + " in all";
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("from", from);
            m.put("taskSlots", taskSlots);
            m.put("blocks", blocks);
            m.put("rowsPerBlock", new long[] {minRows, maxRows});
            m.put("batchPerWorker", batchPerWorker);
            m.put("globalBatch", globalBatch);
            return m;
        }
    }

    /** The cache format and the training blocks' size, cached and as float32. */
    public record Cache(CacheFormat format, long bytes, long float32Bytes) {
    }

    /** The record as model.json holds it, {@code first} leading. */
    public Map<String, Object> toMap(Map<String, Object> first) {
        Map<String, Object> training = new LinkedHashMap<>(first);
        training.put("seed", seed);
        training.put("iterations", iterations);
        training.put("epochs", epochs);
        training.put("stopReason", stopReason);
        training.put("localSteps", localSteps);
        training.put("rounds", rounds);
        training.put("seconds", Math.round(seconds * 10) / 10.0);
        if (weightColumn != null) {
            training.put("weightColumn", weightColumn);
        }
        if (classWeights != null) {
            Map<String, Object> cw = new LinkedHashMap<>();
            cw.put("setting", classWeights.setting());
            cw.put("weights", classWeights.weights());
            cw.put("classRows", classWeights.classRows());
            training.put("classWeights", cw);
        }
        training.put("blocking", blocking.toMap());
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("format", cache.format().settingName());
        c.put("bytes", cache.bytes());
        c.put("float32Bytes", cache.float32Bytes());
        training.put("cache", c);
        training.put("metricsOn", metricsOn);
        training.put("metrics", metrics);
        training.put("configuration", configuration);
        return training;
    }
}
