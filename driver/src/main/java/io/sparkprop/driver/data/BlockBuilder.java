package io.sparkprop.driver.data;

import io.sparkprop.core.data.DataBlock;
import io.sparkprop.core.nn.NetworkSpec;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Turns any {@code Dataset<Row>} into {@link DataBlocks}: one {@link DataBlock} per partition, cached.
 * <pre>
 *   features: an ML Vector column (dense -> row-major float[], sparse -> CSR, never densified),
 *             an array&lt;double|float&gt; column, or a list of numeric columns
 *   label:    softmax_cross_entropy -> a class index in [0, classes) (numeric column)
 *             otherwise             -> one number (numeric column, one output),
 *                                      a Vector / array with one value per output,
 *                                      or k numeric columns, one per output in order
 *   weight:   optional, a numeric column: w_r >= 0, finite, times the class weight c_{y_r} when
 *             class weights are given; unweighted blocks (neither) carry no weights at all
 * </pre>
 * Schema problems are reported here on the driver; bad values (NaN, wrong width, bad label) are
 * found while the blocks are built, before training starts, and reported as a
 * {@link BadInputException} naming column, partition, row within the partition and value; or, when
 * the caller names the input the rows came from ({@link #locateBadRowsIn}), the file and line (or
 * Parquet/ORC row) of the first bad row in that input, found by {@link BadRowSearch} after the failure.
 */
public final class BlockBuilder {

    /** Whether a block stores its features dense or sparse. */
    public enum Storage {
        /** Per block: sparse when most of its feature vectors are {@code SparseVector}s, else dense. */
        AUTO,
        DENSE,
        SPARSE
    }

    enum FeatureKind { VECTOR, ARRAY, COLUMNS }

    enum LabelKind { CLASS_INDEX, NUMBER, VECTOR, ARRAY, COLUMNS }

    private final NetworkSpec spec;
    private String[] featureColumns = {"features"};
    private boolean featureColumnList;
    /** The input columns an array feature column assembles, named in messages (null: none). */
    private String[] featureNames;
    private String[] labelColumns = {"label"};
    private String weightColumn;
    private float[] classWeights;
    private Storage storage = Storage.AUTO;
    /** Where to look for the place of a bad row once building failed; null: name the partition and row built. */
    private Dataset<Row> badRowsInput;
    private BadRowSearch.RowNames rowNames = BadRowSearch.ROW_INDEX;
    /** Balanced blocks to deal the rows into (0: one block per input partition), and whether that count is the user's. */
    private int blocks;
    private boolean blocksPinned;
    private String blocksSetting;

    private BlockBuilder(NetworkSpec spec) {
        this.spec = Objects.requireNonNull(spec, "network spec");
    }

    /** Blocks whose widths match {@code spec}'s input width and target width. */
    public static BlockBuilder forNetwork(NetworkSpec spec) {
        return new BlockBuilder(spec);
    }

    /** Features from one Vector or array column (default {@code features}). */
    public BlockBuilder features(String column) {
        this.featureColumns = new String[] {column};
        this.featureColumnList = false;
        this.featureNames = null;
        return this;
    }

    /**
     * Features from one array column that assembles the numeric columns {@code names} in order: a bad
     * value is reported as the column it came from, as {@link #featureColumns} would.
     */
    public BlockBuilder features(String column, List<String> names) {
        features(column);
        this.featureNames = names.toArray(new String[0]);
        return this;
    }

    /** Features from numeric columns, one feature each, in this order. */
    public BlockBuilder featureColumns(String... columns) {
        if (columns.length == 0) {
            throw new IllegalArgumentException("featureColumns needs at least one column");
        }
        this.featureColumns = columns.clone();
        this.featureColumnList = true;
        this.featureNames = null;
        return this;
    }

    /** The label column (default {@code label}). */
    public BlockBuilder label(String column) {
        this.labelColumns = new String[] {column};
        return this;
    }

    /**
     * The label from these columns: one column as {@link #label(String)}; several numeric columns are
     * the k targets of a regression network of k outputs, column j the target of output j.
     */
    public BlockBuilder labelColumns(String... columns) {
        if (columns.length == 0) {
            throw new IllegalArgumentException("labelColumns needs at least one column");
        }
        this.labelColumns = columns.clone();
        return this;
    }

    /** Row weights from this numeric column; null or empty for none. */
    public BlockBuilder weight(String column) {
        this.weightColumn = column == null || column.isEmpty() ? null : column;
        return this;
    }

    /** A weight per class index that multiplies each row's weight (classification); null for none. */
    public BlockBuilder classWeights(float[] weights) {
        this.classWeights = weights == null ? null : weights.clone();
        return this;
    }

    public BlockBuilder storage(Storage storage) {
        this.storage = Objects.requireNonNull(storage);
        return this;
    }

    /**
     * When a row fails its checks, name its place in {@code input} (the rows as they were read, before
     * any split or shuffle; the Dataset given to {@link #build} or one it was derived from, with the
     * same columns), its file rows named by {@code names}; null: the partition and row of the Dataset
     * built, as before. Costs nothing unless a check fails.
     */
    public BlockBuilder locateBadRowsIn(Dataset<Row> input, BadRowSearch.RowNames names) {
        this.badRowsInput = input;
        this.rowNames = Objects.requireNonNull(names);
        return this;
    }

    /**
     * Deal the rows into {@code count} balanced blocks, row i of the input order to block i mod count
     * ({@link BalancedBlocks}), instead of one block per input partition (0). Fewer rows than blocks:
     * an error naming {@code setting} when {@code pinned} (the user's count), else one block per row.
     */
    public BlockBuilder balanced(int count, boolean pinned, String setting) {
        this.blocks = count;
        this.blocksPinned = pinned;
        this.blocksSetting = setting;
        return this;
    }

    /** Converts, caches and checks; see the class comment. */
    public DataBlocks build(Dataset<Row> data) {
        StructType schema = data.schema();
        for (String c : featureColumns) {
            requireColumn(schema, c);
        }
        for (String c : labelColumns) {
            requireColumn(schema, c);
        }
        if (weightColumn != null) {
            Columns.require(schema, weightColumn, "weight column");
            DataType t = schema.apply(weightColumn).dataType();
            if (!(t instanceof NumericType)) {
                throw new IllegalArgumentException("weight column '" + weightColumn + "' has type " + t.simpleString()
                        + ", expected a number >= 0 per row");
            }
        }
        if (classWeights != null && !"softmax_cross_entropy".equals(spec.loss())) {
            throw new IllegalArgumentException("class weights apply to classification only, the network's loss is " + spec.loss());
        }

        LabelKind labelKind = labelKind(schema);
        int labels = featureColumns.length + labelColumns.length;
        Column[] selected = new Column[labels + (weightColumn == null ? 0 : 1)];
        for (int i = 0; i < featureColumns.length; i++) {
            selected[i] = Columns.col(featureColumns[i]);
        }
        for (int i = 0; i < labelColumns.length; i++) {
            selected[featureColumns.length + i] = Columns.col(labelColumns[i]);
        }
        if (weightColumn != null) {
            selected[labels] = Columns.col(weightColumn);
        }

        Dataset<Row> rows = data.select(selected);
        RowFeatures features = RowFeatures.of(rows.schema(), featureColumns, featureColumnList, spec.inputWidth(), featureNames);
        RowsToBlock convert = new RowsToBlock(features, labelColumns, labelKind, spec.targetWidth(), spec.outputWidth(), storage,
                weightColumn, classWeights);
        JavaRDD<DataBlock> blocks = rows.toJavaRDD().mapPartitionsWithIndex(convert, true);
        DataBlocks cached;
        try {
            cached = DataBlocks.cache(blocks, this.blocks > 0);
        } catch (BadInputException e) {
            blocks.unpersist(false);
            if (badRowsInput == null) {
                throw e;
            }
            throw BadRowSearch.find(badRowsInput, selected, convert, rowNames).orElse(e);
        }
        checkWeightSum(cached);
        if (this.blocks <= 0) {
            return cached;
        }
        checkBlockCount(cached.rows(), cached);
        return cached.dealt((int) Math.min(this.blocks, cached.rows()));
    }

    /**
     * Whether {@link #build(ImageRows, JavaSparkContext)} takes {@code images}: balanced blocks of a
     * classifier's class indices, no weight column, every image as wide as the network's input and every
     * label one of its classes.
     */
    public boolean builds(ImageRows images) {
        return blocks > 0 && weightColumn == null && "softmax_cross_entropy".equals(spec.loss())
                && images.width() == spec.inputWidth() && images.maxLabel() < spec.outputWidth();
    }

    /**
     * The blocks {@link #build(Dataset)} makes of the rows {@code images} holds (the same bits, dealt as
     * {@link #balanced} says), built from their bytes where they are cached: no Spark SQL, no shuffle, and
     * no job of their own (the first job that reads them caches them; {@link ImageRows#blocks}).
     */
    public DataBlocks build(ImageRows images, JavaSparkContext sc) {
        if (!builds(images)) {
            throw new IllegalArgumentException("these blocks are built from rows, not from images (see BlockBuilder#builds)");
        }
        checkBlockCount(images.count(), null);
        DataBlocks built = images.blocks(sc, (int) Math.min(blocks, images.count()), classWeights);
        checkWeightSum(built);
        return built;
    }

    /** Refuses blocks whose every row weighs 0 (they are released first). */
    private void checkWeightSum(DataBlocks cached) {
        if (cached.weighted() && !(cached.weightSum() > 0)) {
            cached.unpersist();
            throw new IllegalArgumentException((weightColumn == null ? "" : "weight column '" + weightColumn + "'"
                    + (classWeights == null ? "" : " times ")) + (classWeights == null ? "" : "the class weights "
                    + Arrays.toString(classWeights)) + ": every one of the " + cached.rows() + " rows has weight 0,"
                    + " expected at least one row with a positive weight");
        }
    }

    /** Refuses a pinned block count above the rows (releasing {@code cached}, null for none). */
    private void checkBlockCount(long rows, DataBlocks cached) {
        if (rows < blocks && blocksPinned) {
            if (cached != null) {
                cached.unpersist();
            }
            throw new IllegalArgumentException(blocksSetting + " = " + blocks + " is more than the " + rows
                    + " training rows: every block needs a row; set it to at most " + rows + " (or 0: one block per task slot)");
        }
    }

    private static void requireColumn(StructType schema, String column) {
        Columns.require(schema, column, "column");
    }

    private LabelKind labelKind(StructType schema) {
        if (labelColumns.length > 1) {
            return labelColumnsKind(schema);
        }
        String labelColumn = labelColumns[0];
        DataType t = schema.apply(labelColumn).dataType();
        boolean numeric = t instanceof NumericType;
        if ("softmax_cross_entropy".equals(spec.loss())) {
            if (!numeric) {
                throw new IllegalArgumentException("label column '" + labelColumn + "' has type " + t.simpleString()
                        + ", expected a numeric class index in [0, " + spec.outputWidth() + ") for softmax_cross_entropy");
            }
            return LabelKind.CLASS_INDEX;
        }
        if (numeric) {
            if (spec.targetWidth() != 1) {
                throw new IllegalArgumentException("label column '" + labelColumn + "' holds one number per row, but the network has "
                        + spec.targetWidth() + " outputs: give " + spec.targetWidth() + " label columns (data.label = y1,y2,...)"
                        + " or one Vector or array label column of " + spec.targetWidth() + " values");
            }
            return LabelKind.NUMBER;
        }
        if (t.equals(SQLDataTypes.VectorType())) {
            return LabelKind.VECTOR;
        }
        if (t instanceof ArrayType && ((ArrayType) t).elementType() instanceof NumericType) {
            return LabelKind.ARRAY;
        }
        throw new IllegalArgumentException("label column '" + labelColumn + "' has type " + t.simpleString()
                + ", expected a number, an ML Vector or array<double|float>");
    }

    /** Several label columns: numeric, one per output of a regression network. */
    private LabelKind labelColumnsKind(StructType schema) {
        String names = String.join(",", labelColumns);
        if ("softmax_cross_entropy".equals(spec.loss())) {
            throw new IllegalArgumentException("label columns " + names + ": classification takes one label column of class"
                    + " indices, " + labelColumns.length + " columns are the targets of a regression (model.task=regression)");
        }
        if (labelColumns.length != spec.targetWidth()) {
            throw new IllegalArgumentException(labelColumns.length + " label columns " + names + ", but the network has "
                    + spec.targetWidth() + " outputs: give one label column per output");
        }
        for (String c : labelColumns) {
            DataType t = schema.apply(c).dataType();
            if (!(t instanceof NumericType)) {
                throw new IllegalArgumentException("label column '" + c + "' has type " + t.simpleString()
                        + ", expected a number (one of the " + labelColumns.length + " label columns " + names + ")");
            }
        }
        return LabelKind.COLUMNS;
    }
}
