package io.sparkprop.jobs.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.sparkprop.jobs.cli.BadInputSweepTest.train;

/**
 * The bad-input sweep's cases about what the input means: files of one folder whose headers differ
 * (Spark would read them by position), a label or weight listed among the features, LIBSVM lines Spark
 * refuses without saying where, a validation set without a training column or without rows, one row,
 * more partitions than rows. Each is one line naming the file (and line), the dataset or the setting.
 */
final class InputMeaningCases {
    private InputMeaningCases() {
    }

    /** @param good the sweep's table (id,x1,x2,x3,label; 250 rows) in {@code root} */
    static List<BadInputSweepTest.Case> cases(Path root, Path good) throws IOException {
        Path out = root.resolve("never");
        List<String> lines = Files.readAllLines(good);
        List<BadInputSweepTest.Case> c = new ArrayList<>();

        Path swapped = folder(root, "swapped-headers", lines, "id,x2,x1,x3,label", lines.subList(1, lines.size()));
        c.add(failure("CSV files whose headers list the columns in another order",
                List.of("the CSV files of " + swapped + " differ: " + swapped.resolve("a.csv") + " has id,x1,x2,x3,label and "
                        + swapped.resolve("b.csv") + " has id,x2,x1,x3,label (the same columns in another order)"),
                train(swapped, out)));
        List<String> narrow = lines.subList(1, lines.size()).stream().map(l -> l.substring(0, l.lastIndexOf(',')) + ",0,"
                + l.substring(l.lastIndexOf(',') + 1)).toList();
        Path wider = folder(root, "wider-header", lines, "id,x1,x2,x3,x4,label", narrow);
        c.add(failure("CSV files with another column count", List.of(wider.resolve("b.csv") + " has id,x1,x2,x3,x4,label (adds x4)"),
                train(wider, out)));
        Path noHeader = folder(root, "no-header", lines.subList(1, lines.size()), null, narrow);
        c.add(failure("CSV files without a header, with another field count", List.of("the first row of "
                + noHeader.resolve("a.csv") + " has 5 fields and that of " + noHeader.resolve("b.csv") + " 6"),
                train("csv", noHeader, "_c1,_c2", "_c4", out, "--conf", "data.csv.header=false")));
        c.add(failure("label among the features", List.of("column 'label' is listed among the features (data.features) and is"
                + " also the label (data.label)"), train("csv", good, "x1,x2,label", "label", out)));
        c.add(failure("weight among the features", List.of("column 'x3' is listed among the features", "also the weight"),
                train(good, out, "--weight", "x3")));

        String[][] libsvmLines = {
            {"LIBSVM 0-based index", "zero-based.svm", "1 0:1.0 2:3.0", "index 0: LIBSVM indices start at 1"},
            {"LIBSVM unsorted indices", "unsorted.svm", "0 3:2.0 1:1.0", "index 1 after index 3"},
            {"LIBSVM repeated index", "repeated.svm", "0 2:2.0 2:1.0", "index 2 after index 2"},
            {"LIBSVM index 2^31", "huge-index.svm", "0 1:2.0 2147483648:1.0", "index 2147483648 is larger than 2147483647"}};
        for (String[] l : libsvmLines) {
            Path data = libsvm(root, l[1], l[2]);
            c.add(failure(l[0], List.of(data + " line 3, column 'features': " + l[3]), train("libsvm", data, "features", "label", out)));
        }

        Path noX2 = Files.write(root.resolve("validation-no-x2.csv"), lines.stream().map(l -> dropColumn(l, 2)).toList());
        c.add(failure("validation data without a feature column", List.of("the validation data " + noX2
                + " lacks column 'x2' of the training data; it has id,x1,x3,label"), train(good, out, "--validation", noX2.toString())));
        Path headerOnly = Files.write(root.resolve("validation-empty.csv"), lines.subList(0, 1));
        c.add(failure("empty validation data", List.of("the validation data " + headerOnly + " has no rows"),
                train(good, out, "--validation", headerOnly.toString())));
        Path oneRow = Files.write(root.resolve("one-row.csv"), lines.subList(0, 2));
        c.add(failure("one data row", List.of("the training data " + oneRow + " has one row"), train(oneRow, out)));
        Path forty = Files.write(root.resolve("forty-rows.csv"), lines.subList(0, 41));
        c.add(failure("more partitions than rows", List.of("data.partitions = 100 is more than the 40 training rows", "set it to at most 40"),
                train(forty, out, "--conf", "data.partitions=100")));
        return c;
    }

    private static BadInputSweepTest.Case failure(String name, List<String> expected, String[] args) {
        return new BadInputSweepTest.Case(name, 1, expected, args);
    }

    /** A folder of two CSV files: a.csv as {@code lines}, b.csv with {@code header} (none: null) and {@code rows}. */
    private static Path folder(Path root, String name, List<String> lines, String header, List<String> rows) throws IOException {
        Path dir = Files.createDirectories(root.resolve(name));
        Files.write(dir.resolve("a.csv"), lines);
        List<String> b = new ArrayList<>();
        if (header != null) {
            b.add(header);
        }
        b.addAll(rows);
        Files.write(dir.resolve("b.csv"), b);
        return dir;
    }

    /** LIBSVM data of four lines, a comment first (Spark skips it, the line numbers count it) and {@code third} on line 3. */
    private static Path libsvm(Path root, String name, String third) throws IOException {
        return Files.write(root.resolve(name), List.of("# three features", "1 1:1.0 2:3.0", third, "0 2:2 3:1"));
    }

    private static String dropColumn(String line, int column) {
        List<String> cells = new ArrayList<>(List.of(line.split(",", -1)));
        cells.remove(column);
        return String.join(",", cells);
    }
}
