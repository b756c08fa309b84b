package io.sparkprop.jobs.data;

import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.unsafe.types.UTF8String;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * On an executor: the lines of a CSV input's file splits ({@code value, file_path, file_block_start}, as
 * {@link DataSource#csvLines} reads them) as {@link ParsedRow}s, each line split once and its typed cells
 * read as numbers in the same pass, in plain code: the rows Spark's CSV reader gives, in its order. As it
 * does, lines of white space are skipped and, with a header, the first other line of every file.
 */
final class CsvParse implements FlatMapFunction<Iterator<InternalRow>, ParsedRow> {
    private static final long serialVersionUID = 1L;
    private final CsvCells cells;
    private final boolean header;
    /** The header's count of columns. */
    private final int columns;
    /** The positions of the typed cells (the features, then the scalars). */
    private final int[] typed;
    /** Typed cell i's index among the checked columns, the order in which a cell that is not a number is reported. */
    private final int[] checkOrder;
    /** The positions of the cells kept as text to sort a split by; null: none kept. */
    private final int[] texts;

    CsvParse(CsvCells cells, boolean header, int columns, int[] typed, int[] checkOrder, int[] texts) {
        this.cells = cells;
        this.header = header;
        this.columns = columns;
        this.typed = typed;
        this.checkOrder = checkOrder;
        this.texts = texts;
    }

    @Override
    public Iterator<ParsedRow> call(Iterator<InternalRow> lines) {
        CsvCells.Line line = cells.line(columns);
        NumberText numbers = new NumberText();
        return new Iterator<>() {
            private UTF8String file;
            private long start = -1;
            private boolean headerPending;
            private UTF8String next;

            @Override
            public boolean hasNext() {
                while (next == null && lines.hasNext()) {
                    InternalRow row = lines.next();
                    UTF8String path = row.getUTF8String(1);
                    long offset = row.getLong(2);
                    if (offset != start || !path.equals(file)) {
                        file = path.clone();
                        start = offset;
                        headerPending = header && offset == 0;
                    }
                    UTF8String text = row.getUTF8String(0);
                    if (CsvCells.blank(text)) {
                        continue;
                    }
                    if (headerPending) {
                        headerPending = false;
                        continue;
                    }
                    next = text;
                }
                return next != null;
            }

            @Override
            public ParsedRow next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                line.split(next);
                next = null;
                return parse(line, numbers);
            }
        };
    }

    private ParsedRow parse(CsvCells.Line line, NumberText numbers) {
        double[] values = new double[typed.length];
        boolean[] nulls = null;
        int bad = ParsedRow.GOOD;
        for (int i = 0; i < typed.length; i++) {
            int j = typed[i];
            boolean number = !line.isNull(j) && line.number(j, numbers);
            if (number) {
                values[i] = numbers.value();
            } else {
                nulls = nulls == null ? new boolean[typed.length] : nulls;
                nulls[i] = true;
                bad = line.isNull(j) ? bad : Math.min(bad, checkOrder[i]);
            }
        }
        UTF8String[] kept = null;
        if (texts != null) {
            kept = new UTF8String[texts.length];
            for (int i = 0; i < kept.length; i++) {
                kept[i] = line.text(texts[i]);
            }
        }
        return new ParsedRow(values, nulls, kept, bad);
    }
}
