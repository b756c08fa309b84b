package io.sparkprop.jobs.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.sparkprop.jobs.cli.ExecutorErrorsTest.assertOneLine;

/**
 * Spark's raw messages about the --data path (UNABLE_TO_INFER_SCHEMA, unreadable footers, refused
 * reads), translated: one line on a terminal naming the path and what was expected, exit 1.
 */
class InputPathErrorsTest {
    @TempDir
    Path tmp;

    private CommandLineRun train(String format, Path data, String... extra) {
        List<String> args = new ArrayList<>(List.of("train", "--format", format, "--data", data.toString(), "--features", "a,b",
                "--label", "y", "--task", "regression", "--epochs", "1", "-o", tmp.resolve("m").toString()));
        args.addAll(List.of(extra));
        return CommandLineRun.onTerminal(args.toArray(new String[0]));
    }

    @Test
    void emptyFolderAndFolderWithoutDataFiles() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertOneLine(train("csv", empty), tmp.resolve("m"), "sparkprop train: error: no CSV files in " + empty
                + ": the folder holds no data files (names starting with '_' or '.' are skipped), expected at least one CSV file");
        Path hidden = Files.createDirectories(tmp.resolve("hidden"));
        Files.writeString(hidden.resolve("_SUCCESS"), "");
        Files.writeString(hidden.resolve(".part-0.csv.crc"), "x");
        assertOneLine(train("parquet", hidden), tmp.resolve("m"), "no Parquet files in " + hidden + ": the folder holds no data files");
    }

    @Test
    void folderOfAnotherFormatNamesTheFormat() throws IOException {
        Path folder = Files.createDirectories(tmp.resolve("table"));
        Files.writeString(folder.resolve("part-00000-c000.snappy.parquet"), "PAR1");
        Files.writeString(folder.resolve("_SUCCESS"), "");
        assertOneLine(train("csv", folder), tmp.resolve("m"),
                "no CSV files in " + folder + ": it holds Parquet files, expected CSV (use --format parquet)");
    }

    @Test
    void folderWhoseOnlyDataIsInHiddenSubfoldersNeedsSparksInference() throws IOException {
        // a folder holding only a folder: Spark looks inside (partitioned tables) and finds nothing
        Path folder = Files.createDirectories(tmp.resolve("outer").resolve("_temporary"));
        Files.writeString(folder.resolve("part-0.csv"), "a,b,y\n1,2,3\n");
        Path outer = tmp.resolve("outer");
        Files.createDirectories(outer.resolve("year=2026"));
        assertOneLine(train("csv", outer), tmp.resolve("m"), "no CSV files in " + outer
                + ": expected at least one CSV data file (names starting with '_' or '.' are skipped; use --format for other data)");
    }

    @Test
    void fileThatIsNotParquet() throws IOException {
        Path notParquet = Files.writeString(tmp.resolve("data.parquet"), "a,b,y\n1,2,3\n4,5,6\n");
        assertOneLine(train("parquet", notParquet), tmp.resolve("m"), "sparkprop train: error: ", "data.parquet is not a Parquet file: expected"
                + " Parquet data (use --format for other data)");
        Path csv = Files.writeString(tmp.resolve("data.csv"), "a,b,y\n1,2,3\n4,5,6\n");
        assertOneLine(train("parquet", csv), tmp.resolve("m"), csv + " is a .csv file, not Parquet (use --format csv)");
    }

    /**
     * A file the user may not read. Tests run as root, who reads a chmod 000 file anyway, so the refusal
     * comes from a real Hadoop FileSystem that refuses to open it as HDFS would (FailingLocalFileSystem).
     */
    @Test
    void unreadableFile() throws IOException {
        Path data = Files.writeString(tmp.resolve("locked.csv"), "a,b,y\n1,2,3\n4,5,6\n");
        String uri = "faulty://" + data;
        List<String> args = new ArrayList<>(List.of("train", "--format", "csv", "--data", uri, "--features", "a,b", "--label", "y",
                "--task", "regression", "-o", tmp.resolve("m").toString(),
                "--conf", "spark.hadoop.fs.faulty.impl=" + FailingLocalFileSystem.class.getName(),
                "--conf", "spark.hadoop.fs.faulty.impl.disable.cache=true", "--conf", "spark.hadoop.fs.faulty.failOpenOn=locked"));
        assertOneLine(CommandLineRun.onTerminal(args.toArray(new String[0])), tmp.resolve("m"),
                "sparkprop train: error: cannot read ", "locked.csv: Permission denied: user=", "(expected a readable CSV file)");
    }
}
