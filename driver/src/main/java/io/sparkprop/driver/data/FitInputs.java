package io.sparkprop.driver.data;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.List;

/**
 * The rows a fit trains on, twice: as given (where a bad value is reported, whatever the split and the
 * blocking do to them) and as trained on (split).
 *
 * @param train           the training rows (after the split)
 * @param validation      the validation rows given or split off, or null
 * @param trainInput      the training rows as given (before the split), where a bad value is looked for
 * @param validationInput the validation rows as given, or null when none were given
 * @param givenTrain      the training rows given to the fit (whose labels are counted)
 * @param givenValidation the validation rows given to the fit, or null
 * @param trainImages      the training rows as given, as images the driver holds ({@link ImageRows}), or null
 * @param validationImages the validation rows given, as images the driver holds, or null
 */
public record FitInputs(Dataset<Row> train, Dataset<Row> validation, Dataset<Row> trainInput, Dataset<Row> validationInput,
                        Dataset<Row> givenTrain, Dataset<Row> givenValidation, ImageRows trainImages,
                        ImageRows validationImages) {

    /**
     * {@code train} and {@code validation} as given; without validation rows and with {@code fraction} > 0,
     * that fraction split off by {@code seed}. The rows keep their partitioning: the blocks deal them out
     * ({@link BlockBuilder#balanced}).
     */
    public static FitInputs split(Dataset<Row> train, Dataset<Row> validation, double fraction, long seed) {
        Dataset<Row> trained = train;
        Dataset<Row> validated = validation;
        if (validation == null && fraction > 0) {
            Dataset<Row>[] split = train.randomSplit(new double[] {1 - fraction, fraction}, seed);
            trained = split[0];
            validated = split[1];
        }
        return new FitInputs(trained, validated, train, validation, train, validation, null, null);
    }

    /**
     * Column {@code label} of every labelled row as given to the fit: the rows of the split's two sides, without
     * the sort randomSplit adds (nor a read of the files bad rows are looked for in, when the fit was given
     * rows read otherwise).
     */
    public Dataset<Row> labelRows(String label) {
        Column c = Columns.col(label);
        return givenValidation == null ? givenTrain.select(c) : givenTrain.select(c).union(givenValidation.select(c));
    }

    /** The rows as given, where a bad value is looked for. */
    public List<Dataset<Row>> given() {
        return validationInput == null ? List.of(trainInput) : List.of(trainInput, validationInput);
    }

    /**
     * These inputs with bad rows looked for in {@code train} and {@code validation} (the rows as the
     * user gave them, when the fit reads them in another form); unchanged when {@code train} is null.
     */
    public FitInputs locatedIn(Dataset<Row> train, Dataset<Row> validation) {
        return train == null ? this : new FitInputs(this.train, this.validation, train, validation, givenTrain, givenValidation,
                trainImages, validationImages);
    }

    /**
     * These inputs read as images the driver holds: row i of the training rows as given is image i of
     * {@code train}, of the validation rows given image i of {@code validation} (either null: not held).
     */
    public FitInputs heldAs(ImageRows train, ImageRows validation) {
        return new FitInputs(this.train, this.validation, trainInput, validationInput, givenTrain, givenValidation, train,
                givenValidation == null ? null : validation);
    }

    /** The images of the rows trained on: the training images, unless a split chose the rows (then null). */
    public ImageRows trainedImages() {
        boolean split = validation != null && givenValidation == null;
        return split ? null : trainImages;
    }

    /**
     * The rows of each label value 0..255 over every labelled row as given (the rows {@link #labelRows}
     * selects), when the driver holds them all as images; else null.
     */
    public long[] heldLabelCounts() {
        if (trainImages == null || givenValidation != null && validationImages == null) {
            return null;
        }
        long[] counts = trainImages.labelCounts();
        if (validationImages != null) {
            long[] more = validationImages.labelCounts();
            for (int v = 0; v < counts.length; v++) {
                counts[v] += more[v];
            }
        }
        return counts;
    }
}
