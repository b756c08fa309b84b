package io.sparkprop.driver.data;

import org.apache.spark.sql.Row;

import java.io.Serializable;

/**
 * The checks one row of input must pass, run on an executor by {@link BadRowSearch}: throws a
 * {@link BadInputException} naming the column and the problem (its partition and row are not used)
 * for a row sparkprop cannot use. The row holds the columns the search was given first, in order,
 * possibly followed by others.
 */
@FunctionalInterface
public interface RowCheck extends Serializable {
    void check(Row row);
}
