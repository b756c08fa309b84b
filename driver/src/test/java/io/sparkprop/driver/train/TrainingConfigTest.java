package io.sparkprop.driver.train;

import io.sparkprop.core.nn.NetworkSpec;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Validation messages name the key, the value and the allowed range. */
class TrainingConfigTest {
    private static final NetworkSpec SPEC = NetworkSpec.input(2).dense(1, "identity").loss("mse");

    private static String failure(TrainingConfig.Builder b) {
        return assertThrows(IllegalArgumentException.class, b::build).getMessage();
    }

    @Test
    void namesTheKeyAndTheAllowedRange() {
        assertEquals("training configuration: batch_size = 0 is invalid, expected >= 1",
                failure(TrainingConfig.builder(SPEC).batchSize(0)));
        assertEquals("training configuration: optimizer = 'rmsprop' is invalid, expected one of [sgd, momentum, nesterov, adam, adamw]",
                failure(TrainingConfig.builder(SPEC).optimizer("rmsprop")));
        assertEquals("training configuration: learning_rate = NaN is invalid, expected a finite number > 0",
                failure(TrainingConfig.builder(SPEC).learningRate(Double.NaN)));
        assertEquals("training configuration: decay_rate = 1.5 is invalid, expected (0, 1] for the exponential schedule",
                failure(TrainingConfig.builder(SPEC).schedule("exponential").decayRate(1.5)));
        assertEquals("training configuration: beta2 = 1.0 is invalid, expected [0, 1)",
                failure(TrainingConfig.builder(SPEC).adam(0.9, 1.0, 1e-8)));
    }

    @Test
    void everyOptimizerAndScheduleBuilds() {
        for (String o : TrainingConfig.OPTIMIZERS) {
            for (String s : TrainingConfig.SCHEDULES) {
                TrainingConfig c = TrainingConfig.builder(SPEC).optimizer(o).schedule(s).decaySteps(10).decayRate(0.5)
                        .warmupSteps(2).build();
                float[] params = c.initialParameters();
                c.newUpdateRule(SPEC.layout(), 100).apply(params, new float[params.length]);
            }
        }
    }
}
