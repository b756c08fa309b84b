package io.sparkprop.driver.train;

import io.sparkprop.core.nn.NetworkSpec;
import io.sparkprop.core.optim.LearningRateSchedule;
import io.sparkprop.core.optim.Optimizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.Map;

import static io.sparkprop.driver.config.TrainingSettings.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Validation messages name the configuration key, the value and the allowed range. */
class TrainingConfigTest {
    private static final NetworkSpec SPEC = NetworkSpec.input(2).dense(1, "identity").loss("mse");

    private static String failure(Executable e) {
        return assertThrows(IllegalArgumentException.class, e).getMessage();
    }

    @Test
    void namesTheKeyAndTheAllowedRange() {
        assertEquals("training configuration: train.batchSize = 0 is invalid, expected an integer >= 1",
                failure(() -> TrainingConfig.builder(SPEC).set(BATCH_SIZE, 0)));
        assertEquals("training configuration: train.optimizer = 'rmsprop' is invalid, expected one of sgd, momentum, nesterov, adam, adamw",
                failure(() -> TrainingConfig.builder(SPEC).set(OPTIMIZER, "rmsprop")));
        assertEquals("training configuration: train.learningRate = NaN is invalid, expected a number > 0",
                failure(() -> TrainingConfig.builder(SPEC).set(LEARNING_RATE, Double.NaN)));
        assertEquals("training configuration: train.learningRate = Infinity is invalid, expected a number > 0",
                failure(() -> TrainingConfig.builder(SPEC).set(LEARNING_RATE, Double.POSITIVE_INFINITY)));
        assertEquals("training configuration: train.beta2 = 1.0 is invalid, expected a number >= 0 and < 1",
                failure(() -> TrainingConfig.builder(SPEC).set(BETA2, 1.0)));
        assertEquals("training configuration: model.hidden = '8,0' is invalid, expected comma-separated positive integers",
                failure(() -> TrainingConfig.builder(SPEC).parse(HIDDEN, "8,0")));
    }

    @Test
    void dropoutMustBeInZeroToOne() {
        for (double bad : new double[] {1.0, -0.1, Double.NaN}) {
            assertEquals("training configuration: model.dropout = " + bad + " is invalid, expected a number >= 0 and < 1",
                    failure(() -> TrainingConfig.builder(SPEC).set(DROPOUT, bad)));
        }
        assertEquals("training configuration: model.dropout = '1' is invalid, expected a number >= 0 and < 1",
                failure(() -> TrainingConfig.builder(SPEC).parse(DROPOUT, "1")));
        TrainingConfig c = TrainingConfig.builder(SPEC).parse(DROPOUT, "0.5").set(SEED, 4L).build();
        assertEquals(0.5, c.dropout().rate());
        assertEquals(4L, c.dropout().seed());
        assertEquals(0.0, TrainingConfig.builder(SPEC).build().get(DROPOUT), "off by default");
    }

    @Test
    void constraintsBetweenSettingsAreCheckedAtBuild() {
        assertEquals("training configuration: train.schedule.decayRate = 1.5 is invalid, expected a number in (0, 1] for the"
                        + " exponential schedule",
                failure(TrainingConfig.builder(SPEC).set(SCHEDULE, "exponential").set(DECAY_RATE, 1.5)::build));
        assertEquals("training configuration: train.schedule.minRate = 0.1 is invalid, expected a number in [0,"
                        + " train.learningRate = 0.01]",
                failure(TrainingConfig.builder(SPEC).set(LEARNING_RATE, 0.01).set(MIN_RATE, 0.1)::build));
        // inverse_time's k may exceed 1
        TrainingConfig.builder(SPEC).set(SCHEDULE, "inverse_time").set(DECAY_RATE, 1.5).build();
    }

    @Test
    void textFormsParseToTheTypedValues() {
        TrainingConfig c = TrainingConfig.builder().parse(HIDDEN, "64, 32").parse(LEARNING_RATE, "3e-3")
                .parse(OPTIMIZER, " AdamW ").parse(STANDARDIZE, "false").parse(SEED, "-7").build();
        assertArrayEquals(new int[] {64, 32}, c.get(HIDDEN));
        assertEquals(0.003, c.get(LEARNING_RATE));
        assertEquals("adamw", c.get(OPTIMIZER));
        assertEquals(false, c.get(STANDARDIZE));
        assertEquals(-7L, c.get(SEED));
        Map<String, Object> m = c.toMap();
        assertEquals(0.003, m.get("train.learningRate"));
        assertArrayEquals(new int[] {64, 32}, (int[]) m.get("model.hidden"));
    }

    @Test
    void everyOptimizerAndScheduleBuilds() {
        for (String o : Optimizer.NAMES) {
            for (String s : LearningRateSchedule.NAMES) {
                TrainingConfig c = TrainingConfig.builder(SPEC).set(OPTIMIZER, o).set(SCHEDULE, s).set(DECAY_STEPS, 10L)
                        .set(DECAY_RATE, 0.5).set(WARMUP_STEPS, 2L).build();
                float[] params = c.initialParameters();
                c.newUpdateRule(SPEC.layout(), 10, 100).apply(params, new float[params.length]);
            }
        }
    }

    @Test
    void decayStepsZeroMeansOneEpochOrTheWholeRun() {
        TrainingConfig step = TrainingConfig.builder(SPEC).set(SCHEDULE, "step").set(LEARNING_RATE, 0.001).set(DECAY_RATE, 0.5).build();
        // 0.001 * 0.5^floor(t / 20) with 20 iterations per epoch
        var rule = step.newUpdateRule(SPEC.layout(), 20, 200);
        assertEquals(0.001, rule.schedule().rate(19), 1e-15);
        assertEquals(0.0005, rule.schedule().rate(20), 1e-15);
        TrainingConfig cosine = TrainingConfig.builder(SPEC).set(SCHEDULE, "cosine").set(LEARNING_RATE, 0.001).set(WARMUP_STEPS, 10L).build();
        // warm-up 10, then cosine to 0 over the remaining 190 of 200 iterations
        var c = cosine.newUpdateRule(SPEC.layout(), 20, 200).schedule();
        assertEquals(0.0005, c.rate(10 + 95), 1e-12);
        assertEquals(0.0, c.rate(200), 1e-15);
    }
}
