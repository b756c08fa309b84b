package io.sparkprop.jobs.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A small three-class table as CSV ({@code id,x1,x2,x3,label}): x1, x2 in [-1, 1), x3 in [0, 50) (a
 * wide range, so standardisation matters); label 0 when x1 + x2 < 0, else 1 when x3 < 25, else 2.
 */
final class ThreeClassTable {
    private ThreeClassTable() {
    }

    static void writeCsv(Path csv, int rows, long seed) throws IOException {
        StringBuilder sb = new StringBuilder("id,x1,x2,x3,label\n");
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = 0; i < rows; i++) {
            double x1 = rng.nextDouble() * 2 - 1;
            double x2 = rng.nextDouble() * 2 - 1;
            double x3 = rng.nextDouble() * 50;
            int label = x1 + x2 < 0 ? 0 : x3 < 25 ? 1 : 2;
            sb.append(String.format(Locale.ROOT, "%d,%.6f,%.6f,%.6f,%d%n", i, x1, x2, x3, label));
        }
        Files.writeString(csv, sb.toString());
    }
}
