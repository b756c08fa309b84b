package io.sparkprop.driver.data;

import io.sparkprop.core.data.DataBlock;
import io.sparkprop.core.matrix.CsrMatrix;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

import static io.sparkprop.driver.data.RowFeatures.bad;
import static io.sparkprop.driver.data.RowFeatures.feature;
import static io.sparkprop.driver.data.RowFeatures.number;

/**
 * Executor side of {@link BlockBuilder}: all rows of one partition into one {@link DataBlock}.
 * The rows are buffered first (references only) so the block's arrays are allocated once at their
 * final size and the dense/sparse choice can look at the whole partition. Every value is checked on
 * the way in; an error names column, partition, row (index within the partition) and value. A row's
 * weight is its weight column's value times its class's weight (either may be absent); a block with
 * neither has no weights.
 */
final class RowsToBlock implements Function2<Integer, Iterator<Row>, Iterator<DataBlock>>, RowCheck {
    private static final long serialVersionUID = 1L;

    private final RowFeatures features;
    /** The label's columns: one, or one per output (LabelKind.COLUMNS). */
    private final String[] labelColumns;
    private final String labelColumn;
    private final BlockBuilder.LabelKind labelKind;
    private final int cols;
    private final int targetWidth;
    private final int classes;
    private final BlockBuilder.Storage storage;
    /** Null for no weight column. */
    private final String weightColumn;
    /** Null for no class weights. */
    private final float[] classWeights;

    RowsToBlock(RowFeatures features, String[] labelColumns, BlockBuilder.LabelKind labelKind, int targetWidth, int classes,
                BlockBuilder.Storage storage, String weightColumn, float[] classWeights) {
        this.features = features;
        this.labelColumns = labelColumns.clone();
        this.labelColumn = labelColumns[0];
        this.labelKind = labelKind;
        this.cols = features.width();
        this.targetWidth = targetWidth;
        this.classes = classes;
        this.storage = storage;
        this.weightColumn = weightColumn;
        this.classWeights = classWeights;
    }

    @Override
    public Iterator<DataBlock> call(Integer partition, Iterator<Row> input) {
        List<Row> rows = new ArrayList<>();
        int sparseVectors = 0;
        while (input.hasNext()) {
            Row row = input.next();
            rows.add(row);
            if (features.isSparse(row)) {
                sparseVectors++;
            }
        }
        if (rows.isEmpty()) {
            return Collections.emptyIterator();
        }
        int n = rows.size();
        int labelIndex = features.fields();
        float[] targets = new float[n * targetWidth];
        for (int r = 0; r < n; r++) {
            readLabel(rows.get(r), labelIndex, partition, r, targets);
        }
        boolean sparse = storage == BlockBuilder.Storage.SPARSE
                || (storage == BlockBuilder.Storage.AUTO && 2 * sparseVectors > n);
        DataBlock block = sparse ? sparseBlock(rows, partition, targets) : denseBlock(rows, partition, targets);
        if (weightColumn != null || classWeights != null) {
            float[] weights = new float[n];
            for (int r = 0; r < n; r++) {
                weights[r] = weight(rows.get(r), labelIndex + labelColumns.length, partition, r, targets[r]);
            }
            block = block.withWeights(weights);
        }
        return Collections.singletonList(block).iterator();
    }

    /**
     * Every check a row meets while its partition becomes a block, for one row alone (features, label,
     * weight): what {@link BadRowSearch} runs over the input to find where a bad value is.
     */
    @Override
    public void check(Row row) {
        features.dense(row, new float[cols], 0, -1, 0);
        float[] target = new float[targetWidth];
        readLabel(row, features.fields(), -1, 0, target);
        if (weightColumn != null || classWeights != null) {
            weight(row, features.fields() + 1, -1, 0, target[0]);
        }
    }

    /** The weight column's value (1 without one) times the class weight of label {@code y} (1 without them). */
    private float weight(Row row, int i, int partition, int r, float y) {
        float w = 1f;
        if (weightColumn != null) {
            if (row.isNullAt(i)) {
                throw bad(weightColumn, partition, r, "weight is null, expected a finite float32 number >= 0");
            }
            double v = ((Number) row.get(i)).doubleValue();
            w = (float) v;
            if (!(w >= 0) || Float.isInfinite(w)) {
                throw bad(weightColumn, partition, r, "weight is " + v + ", expected a finite float32 number >= 0");
            }
        }
        if (classWeights != null) {
            w *= classWeights[(int) y];
            if (Float.isInfinite(w)) {
                throw bad(weightColumn == null ? labelColumn : weightColumn, partition, r, "weight times the class weight "
                        + classWeights[(int) y] + " of class " + (int) y + " overflows float32");
            }
        }
        return w;
    }

    private DataBlock denseBlock(List<Row> rows, int partition, float[] targets) {
        int n = rows.size();
        float[] x = new float[n * cols];
        for (int r = 0; r < n; r++) {
            features.dense(rows.get(r), x, r * cols, partition, r);
        }
        return DataBlock.dense(n, cols, x, targetWidth, targets);
    }

    /** CSR directly from the vectors' non-zeros: the values are never laid out densely. */
    private DataBlock sparseBlock(List<Row> rows, int partition, float[] targets) {
        int n = rows.size();
        int[] indptr = new int[n + 1];
        int[] indices = new int[16];
        float[] values = new float[16];
        int nnz = 0;
        for (int r = 0; r < n; r++) {
            Row row = rows.get(r);
            int[] idx;
            double[] val;
            if (features.kind() == BlockBuilder.FeatureKind.VECTOR) {
                SparseVector s = features.vector(row, partition, r).toSparse();
                idx = s.indices();
                val = s.values();
            } else {
                val = new double[cols];
                if (features.kind() == BlockBuilder.FeatureKind.ARRAY) {
                    List<Object> list = features.array(row, partition, r);
                    for (int j = 0; j < cols; j++) {
                        val[j] = number(list.get(j), features.column(j), partition, r);
                    }
                } else {
                    for (int j = 0; j < cols; j++) {
                        val[j] = features.scalar(row, j, partition, r);
                    }
                }
                idx = new int[cols];
                for (int j = 0; j < cols; j++) {
                    idx[j] = j;
                }
            }
            if (nnz + idx.length > indices.length) {
                int cap = Math.max(nnz + idx.length, 2 * indices.length);
                indices = Arrays.copyOf(indices, cap);
                values = Arrays.copyOf(values, cap);
            }
            for (int k = 0; k < idx.length; k++) {
                float f = feature(val[k], features.column(idx[k]), idx[k], partition, r);
                if (f != 0f) {
                    indices[nnz] = idx[k];
                    values[nnz] = f;
                    nnz++;
                }
            }
            indptr[r + 1] = nnz;
        }
        CsrMatrix x = new CsrMatrix(n, cols, indptr, Arrays.copyOf(indices, nnz), Arrays.copyOf(values, nnz));
        return DataBlock.sparse(x, targetWidth, targets);
    }

    private void readLabel(Row row, int i, int partition, int r, float[] targets) {
        if (labelKind == BlockBuilder.LabelKind.COLUMNS) {
            for (int j = 0; j < targetWidth; j++) {
                if (row.isNullAt(i + j)) {
                    throw bad(labelColumns[j], partition, r, "label is null, expected a finite number");
                }
                targets[r * targetWidth + j] = target(((Number) row.get(i + j)).doubleValue(), labelColumns[j], partition, r, -1);
            }
            return;
        }
        if (row.isNullAt(i)) {
            throw bad(labelColumn, partition, r, "label is null, expected " + expectedLabel());
        }
        switch (labelKind) {
            case CLASS_INDEX: {
                double y = ((Number) row.get(i)).doubleValue();
                if (!(y >= 0 && y < classes) || y != Math.rint(y)) {
                    throw bad(labelColumn, partition, r, "label " + y + " is not " + expectedLabel());
                }
                targets[r] = (float) y;
                return;
            }
            case NUMBER:
                targets[r] = target(((Number) row.get(i)).doubleValue(), labelColumn, partition, r, 0);
                return;
            case VECTOR: {
                Vector v = (Vector) row.get(i);
                checkTargetWidth(v.size(), partition, r);
                for (int j = 0; j < targetWidth; j++) {
                    targets[r * targetWidth + j] = target(v.apply(j), labelColumn, partition, r, j);
                }
                return;
            }
            default: {
                List<Object> list = row.getList(i);
                checkTargetWidth(list.size(), partition, r);
                for (int j = 0; j < targetWidth; j++) {
                    targets[r * targetWidth + j] = target(number(list.get(j), labelColumn, partition, r), labelColumn, partition, r, j);
                }
            }
        }
    }

    private String expectedLabel() {
        return labelKind == BlockBuilder.LabelKind.CLASS_INDEX
                ? "an integer class index in [0, " + classes + ")"
                : targetWidth == 1 ? "a finite number" : targetWidth + " finite numbers";
    }

    private void checkTargetWidth(int size, int partition, int r) {
        if (size != targetWidth) {
            throw bad(labelColumn, partition, r, "label has " + size + " values, expected " + targetWidth
                    + " (one per network output; every row's label needs the same length)");
        }
    }

    /** The target as float32, which must be finite; {@code j}: its index in a label vector, -1 for a scalar column. */
    private float target(double y, String column, int partition, int r, int j) {
        float f = (float) y;
        if (!Float.isFinite(f)) {
            throw bad(column, partition, r, (j < 0 ? "label value" : "label value " + j) + " is " + y + ", expected a finite float32 number");
        }
        return f;
    }
}
