package io.sparkprop.jobs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparkprop.driver.model.SavedModel;
import io.sparkprop.jobs.registry.ModelRegistry;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The retraining life cycle through the real command line in local[2]: a fresh model, a warm-started
 * candidate promoted, an idempotent re-run, one step from CURRENT staying within the step bound, a
 * candidate trained on shuffled labels rejected by the gate, list and rollback. (That the first
 * iteration's loss is CURRENT's loss exactly is shown at the trainer level, in WarmStartTest.)
 */
class RetrainTest {
    @TempDir
    Path tmp;

    @Test
    void freshWarmStartPromotedRerunIsANoOpCorruptedLabelsRejectedRollback() throws IOException {
        Path registry = Files.createDirectories(tmp.resolve("registry"));
        Path holdout = RetrainFixture.csv(tmp.resolve("holdout.csv"), 300, 99, false);
        Path day1 = RetrainFixture.csv(tmp.resolve("day1.csv"), 400, 1, false);
        Path day2 = RetrainFixture.csv(tmp.resolve("day2.csv"), 400, 2, false);
        Path shuffled = RetrainFixture.csv(tmp.resolve("shuffled.csv"), 400, 3, true);
        ModelRegistry r = new ModelRegistry(registry.toString(), RetrainFixture.NAME, new Configuration());

        CommandLineRun fresh = CommandLineRun.run(RetrainFixture.retrain(registry.toString(), day1, holdout, "--run-id", "day1"));
        assertEquals(0, fresh.exitCode, fresh.toString());
        assertTrue(fresh.out.contains("has no version yet: training a fresh one"), fresh.out);
        assertEquals("1", RetrainFixture.current(registry));

        // warm start on new data plus half of the old: promoted when not worse on the holdout loss
        CommandLineRun warm = CommandLineRun.run(RetrainFixture.retrain(registry.toString(), day2, holdout, "--run-id", "day2",
                "--replay", day1.toString(), "--replay-fraction", "0.5", "--epochs", "4", "--metric", "loss"));
        assertEquals(0, warm.exitCode, warm.toString());
        assertTrue(warm.out.contains("warm start from the current model (version 1 of 'clf')"), warm.out);
        assertEquals("2", RetrainFixture.current(registry));
        JsonNode promoted = r.finishedRun("day2").orElseThrow();
        assertEquals("promoted", promoted.path("decision").asText());
        assertTrue(promoted.path("candidateMetrics").path("loss").asDouble() < promoted.path("currentMetrics").path("loss").asDouble(),
                promoted.toString());
        SavedModel v1 = r.read(1);
        SavedModel v2 = r.read(2);
        assertEquals(1, ((Number) v2.training().get("warmStartFrom")).intValue());
        assertArrayEquals(v1.featureMean(), v2.featureMean(), "the candidate keeps CURRENT's standardisation");
        assertArrayEquals(v1.featureStd(), v2.featureStd());
        assertEquals(v1.spec().toString(), v2.spec().toString());

        // the same run again: nothing to do, same exit code
        CommandLineRun again = CommandLineRun.run(RetrainFixture.retrain(registry.toString(), day2, holdout, "--run-id", "day2"));
        assertEquals(0, again.exitCode, again.toString());
        assertTrue(again.out.contains("run day2 already finished"), again.out);
        assertEquals(List.of(1, 2), r.versions());
        assertEquals(2, r.history().size());

        // one Adam step of rate 1e-5 starting from CURRENT: Adam's first step moves every parameter by at most
        // the rate (|m/(sqrt(v)+eps)| <= 1), so the candidate lies within 1e-5 of version 2, parameter by parameter
        CommandLineRun oneStep = CommandLineRun.run(RetrainFixture.retrain(registry.toString(), day1, holdout, "--run-id", "one-step",
                "--conf", "train.maxIterations=1", "--conf", "train.learningRate=1e-5", "--tolerance", "1000"));
        assertEquals(0, oneStep.exitCode, oneStep.toString());
        assertEquals("3", RetrainFixture.current(registry));
        float[] p2 = r.read(2).params();
        float[] p3 = r.read(3).params();
        assertFalse(java.util.Arrays.equals(p2, p3), "one step changed nothing");
        for (int i = 0; i < p2.length; i++) {
            assertTrue(Math.abs(p3[i] - p2[i]) <= 1.001e-5 + 2 * Math.ulp(p2[i]), "parameter " + i + ": " + p2[i] + " -> " + p3[i]);
        }

        // shuffled labels: the candidate forgets what CURRENT knew; the gate keeps CURRENT
        List<String> before = RetrainFixture.snapshot(registry.resolve("clf").resolve("versions"));
        CommandLineRun bad = CommandLineRun.run(RetrainFixture.retrain(registry.toString(), shuffled, holdout, "--run-id", "day3",
                "--epochs", "5", "--metric", "accuracy", "--tolerance", "0.02"));
        assertEquals(3, bad.exitCode, bad.toString());
        assertTrue(bad.out.contains("candidate rejected: CURRENT stays version 3"), bad.out);
        assertEquals("3", RetrainFixture.current(registry));
        assertEquals(before, RetrainFixture.snapshot(registry.resolve("clf").resolve("versions")));
        JsonNode rejected = r.finishedRun("day3").orElseThrow();
        assertEquals("rejected", rejected.path("decision").asText());
        assertEquals(3, rejected.path("exitCode").asInt());
        double candidate = rejected.path("candidateMetrics").path("accuracy").asDouble();
        double current = rejected.path("currentMetrics").path("accuracy").asDouble();
        assertTrue(candidate < current - 0.02, rejected.toString());
        assertFalse(Files.exists(registry.resolve("clf").resolve("runs")), "finished runs leave no checkpoints");
        assertFalse(Files.exists(registry.resolve("clf").resolve("LOCK")));
        CommandLineRun rejectedAgain = CommandLineRun.run(RetrainFixture.retrain(registry.toString(), shuffled, holdout, "--run-id", "day3"));
        assertEquals(3, rejectedAgain.exitCode, rejectedAgain.toString());

        CommandLineRun list = CommandLineRun.run("list", "--registry", registry.toString(), "--name", "clf");
        assertEquals(0, list.exitCode, list.toString());
        assertTrue(list.out.contains("*    3"), list.out);
        assertTrue(list.out.contains("     2"), list.out);
        assertTrue(list.out.contains("day3  rejected"), list.out);

        CommandLineRun rollback = CommandLineRun.run("rollback", "--registry", registry.toString(), "--name", "clf");
        assertEquals(0, rollback.exitCode, rollback.toString());
        assertEquals("2", RetrainFixture.current(registry));
        CommandLineRun noSuch = CommandLineRun.run("rollback", "--registry", registry.toString(), "--name", "clf", "--to", "7");
        assertEquals(1, noSuch.exitCode, noSuch.toString());
        assertTrue(noSuch.err.contains("has no version 7; versions: [1, 2, 3]"), noSuch.err);
        assertEquals("2", RetrainFixture.current(registry));
        assertEquals("rollback", r.history().get(r.history().size() - 1).path("decision").asText());
    }

    @Test
    void helpDocumentsTheExitCodes() {
        java.io.StringWriter out = new java.io.StringWriter();
        int code = SparkpropCommand.execute(new String[] {"retrain", "--help"}, new java.io.PrintWriter(out, true),
                new java.io.PrintWriter(new java.io.StringWriter(), true));
        assertEquals(0, code);
        String help = out.toString().replaceAll(" +", " ");
        for (String line : List.of("0 the candidate was promoted", "1 failed", "2 usage error", "3 the candidate was rejected",
                "4 another run holds")) {
            assertTrue(help.contains(line), help);
        }
    }
}
