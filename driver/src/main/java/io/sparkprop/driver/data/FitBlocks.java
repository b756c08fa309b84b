package io.sparkprop.driver.data;

import io.sparkprop.core.data.CacheFormat;
import io.sparkprop.core.data.Standardizer;
import io.sparkprop.driver.spark.PhaseLog;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.Consumer;

import static io.sparkprop.driver.config.TrainingSettings.STANDARDIZE_SCALE;

/**
 * A fit's cached blocks, training and validation (null: none), prepared in order:
 * <pre>
 *   built from the rows (bad values reported at their place in the rows as given)
 *   features: standardised (given statistics, or fitted on the training blocks) and, for a compact cache
 *             format, compacted in the same pass (uint8's ranges fitted on the raw training values)
 *   targets:  standardised z = (y - mean) / std (given statistics, or fitted on the training blocks)
 * </pre>
 * Each step replaces the blocks (the previous ones are unpersisted); {@link #close()} releases the
 * current ones, and a failure while preparing releases them before it is thrown.
 */
public final class FitBlocks implements AutoCloseable {
    /**
     * What to do to the blocks once built.
     *
     * @param givenFeatures feature statistics to apply (a warm start's), or null
     * @param fitFeatures   fit feature statistics on the training blocks (when none are given)
     * @param sharedScale   fitted statistics share one scale (data.standardizeScale resolved)
     * @param scaleSetting  data.standardizeScale as set, for the progress line
     * @param format        the cache format
     * @param givenTargets  target statistics to apply (a warm start's), or null
     * @param fitTargets    fit target statistics on the training blocks (when none are given)
     */
    public record Preparation(Standardizer givenFeatures, boolean fitFeatures, boolean sharedScale, String scaleSetting,
                              CacheFormat format, Standardizer givenTargets, boolean fitTargets) {
    }

    private DataBlocks train;
    private DataBlocks validation;
    private Standardizer features;
    private Standardizer targets;
    private long float32Bytes;
    private CacheFormat format = CacheFormat.FLOAT32;

    private FitBlocks() {
    }

    /**
     * The blocks of {@code inputs}' training and validation rows (none: no validation blocks) by
     * {@code builder}, from the images where the driver holds them ({@link ImageRows}), rows weighted by
     * {@code classWeights} (null: none) in training only, prepared as {@code how} says; the steps that
     * change the data are told to {@code progress}. Bad rows are looked for in the rows as given (the
     * validation rows split off: in the training rows). {@code rawTrainCheck} sees the statistics of the
     * training blocks as read, before any standardisation or compaction (the checks that warn about the data).
     */
    public static FitBlocks prepare(BlockBuilder builder, FitInputs inputs, BadRowSearch.RowNames rowNames, float[] classWeights,
                                    Preparation how, Consumer<String> progress, Consumer<RawTrainStatistics> rawTrainCheck,
                                    PhaseLog phases) {
        FitBlocks blocks = new FitBlocks();
        try {
            blocks.train = build(builder.locateBadRowsIn(inputs.trainInput(), rowNames).classWeights(classWeights), inputs.train(),
                    inputs.trainedImages());
            phases.end("training blocks");
            // the validation rows as balanced as the training rows, never an error for having fewer rows than blocks
            Dataset<Row> validationInput = inputs.validationInput() != null ? inputs.validationInput() : inputs.trainInput();
            blocks.validation = inputs.validation() == null ? null : build(builder.locateBadRowsIn(validationInput, rowNames)
                    .classWeights(null).balanced(blocks.train.partitions(), false, null), inputs.validation(), inputs.validationImages());
            phases.end("validation blocks");
            // the checks and the feature statistics from one pass over the training blocks as built
            RawTrainStatistics raw = RawTrainStatistics.of(blocks.train, how.givenFeatures() == null && how.fitFeatures());
            rawTrainCheck.accept(raw);
            phases.end("feature statistics");
            blocks.float32Bytes = blocks.train.float32SizeInBytes();
            blocks.prepareFeatures(how, raw, progress, phases);
            blocks.prepareTargets(how, progress, phases);
            return blocks;
        } catch (RuntimeException | Error e) {
            blocks.close();
            throw e;
        }
    }

    /** The blocks of {@code rows}, from {@code images} (null: none) when the driver holds them and the builder takes them. */
    private static DataBlocks build(BlockBuilder builder, Dataset<Row> rows, ImageRows images) {
        return images != null && builder.builds(images)
                ? builder.build(images, JavaSparkContext.fromSparkContext(rows.sparkSession().sparkContext())) : builder.build(rows);
    }

    private void prepareFeatures(Preparation how, RawTrainStatistics raw, Consumer<String> progress, PhaseLog phases) {
        features = how.givenFeatures() != null ? how.givenFeatures()
                : how.fitFeatures() ? FeatureStandardization.fit(train, raw, how.sharedScale()) : null;
        if (how.givenFeatures() == null && features != null && how.sharedScale()) {
            progress.accept("features standardised with one shared scale " + sharedScaleOf(features.std()) + " ("
                    + STANDARDIZE_SCALE.key() + " = " + how.scaleSetting() + ")");
        }
        format = how.format();
        if (format != CacheFormat.FLOAT32) {
            // standardised and compacted in one pass: uint8's ranges are fitted on the raw training values
            FeatureCompaction compaction = FeatureCompaction.fit(train, format);
            train = compaction.apply(train, features);
            validation = validation == null ? null : compaction.apply(validation, features);
            if (compaction.exactColumns() >= 0) {
                progress.accept("uint8 cache: " + compaction.exactColumns() + " of " + train.cols()
                        + " feature columns exact (constant, whole numbers or pixels / 255), the others to within"
                        + " half of (max - min) / 255");
            }
        } else if (features != null) {
            train = FeatureStandardization.apply(train, features);
            validation = validation == null ? null : FeatureStandardization.apply(validation, features);
        }
        phases.end("standardised blocks cached");
    }

    private void prepareTargets(Preparation how, Consumer<String> progress, PhaseLog phases) {
        targets = how.givenTargets() != null ? how.givenTargets() : how.fitTargets() ? FeatureStandardization.fitTargets(train) : null;
        if (targets == null) {
            return;
        }
        train = FeatureStandardization.applyToTargets(train, targets);
        validation = validation == null ? null : FeatureStandardization.applyToTargets(validation, targets);
        phases.end("target statistics and standardised blocks");
        progress.accept("targets standardised: mean " + Arrays.toString(targets.mean()) + ", std "
                + Arrays.toString(targets.std()) + " (the loss is in these units, predictions and metrics in the label's)");
    }

    public DataBlocks train() {
        return train;
    }

    /** The validation blocks, or null. */
    public DataBlocks validation() {
        return validation;
    }

    /** The feature statistics applied, or null. */
    public Standardizer features() {
        return features;
    }

    /** The target statistics applied, or null. */
    public Standardizer targets() {
        return targets;
    }

    public CacheFormat format() {
        return format;
    }

    /** The training blocks' size as float32, before any compaction. */
    public long float32Bytes() {
        return float32Bytes;
    }

    /** "12.3 MiB cached as uint8, 25.1 % of float32's 49.0 MiB", or "49.0 MiB cached" for float32. */
    public String cachedSize() {
        return cachedSize(train.sizeInBytes(), float32Bytes, format);
    }

    static String cachedSize(long bytes, long float32Bytes, CacheFormat format) {
        double mib = bytes / (1024.0 * 1024.0);
        if (format == CacheFormat.FLOAT32) {
            return String.format(Locale.ROOT, "%.1f MiB cached", mib);
        }
        return String.format(Locale.ROOT, "%.1f MiB cached as %s, %.1f %% of float32's %.1f MiB", mib, format.settingName(),
                100.0 * bytes / float32Bytes, float32Bytes / (1024.0 * 1024.0));
    }

    /** The one scale of a shared-scale standardisation: every non-zero std is it. */
    private static float sharedScaleOf(float[] std) {
        float s = 0;
        for (float v : std) {
            s = Math.max(s, v);
        }
        return s;
    }

    /** Unpersists the current blocks. */
    @Override
    public void close() {
        if (train != null) {
            train.unpersist();
        }
        if (validation != null) {
            validation.unpersist();
        }
    }
}
