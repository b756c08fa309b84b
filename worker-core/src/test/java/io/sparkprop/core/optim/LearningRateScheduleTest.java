package io.sparkprop.core.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {
    private static final double TOL = 1e-12;

    @Test
    void constant() {
        ConstantRate s = new ConstantRate(0.1);
        assertEquals(0.1, s.rate(0), 0);
        assertEquals(0.1, s.rate(1), 0);
        assertEquals(0.1, s.rate(1_000_000), 0);
    }

    @Test
    void stepDecayChangesOnlyAtMultiplesOfTheStepSize() {
        // 0.1 * 0.5^floor(t / 3)
        StepDecay s = new StepDecay(0.1, 3, 0.5);
        assertEquals(0.1, s.rate(0), TOL);
        assertEquals(0.1, s.rate(2), TOL);
        assertEquals(0.05, s.rate(3), TOL);
        assertEquals(0.05, s.rate(5), TOL);
        assertEquals(0.025, s.rate(6), TOL);
        assertEquals(0.0125, s.rate(9), TOL);
    }

    @Test
    void exponentialDecay() {
        // 0.2 * 0.9^t
        ExponentialDecay s = new ExponentialDecay(0.2, 1, 0.9);
        assertEquals(0.2, s.rate(0), TOL);
        assertEquals(0.18, s.rate(1), TOL);
        assertEquals(0.162, s.rate(2), TOL);
        assertEquals(0.06973568802, s.rate(10), TOL); // 0.2 * 0.3486784401
        assertEquals(0.2, new ExponentialDecay(0.2, 1, 1.0).rate(50), TOL);
        // per 4 iterations: 0.2 * 0.5^(t / 4)
        ExponentialDecay slow = new ExponentialDecay(0.2, 4, 0.5);
        assertEquals(0.1, slow.rate(4), TOL);
        assertEquals(0.2 * Math.sqrt(0.5), slow.rate(2), TOL);
        assertEquals(0.025, slow.rate(12), TOL);
    }

    @Test
    void inverseTimeDecay() {
        // 0.1 / (1 + 0.5 t)
        InverseTimeDecay s = new InverseTimeDecay(0.1, 1, 0.5);
        assertEquals(0.1, s.rate(0), TOL);
        assertEquals(0.1 / 1.5, s.rate(1), TOL);
        assertEquals(0.05, s.rate(2), TOL);
        assertEquals(0.1 / 3, s.rate(4), TOL);
        assertEquals(0.1, new InverseTimeDecay(0.1, 1, 0).rate(100), TOL);
        // per 10 iterations: 0.1 / (1 + 0.5 t / 10)
        InverseTimeDecay slow = new InverseTimeDecay(0.1, 10, 0.5);
        assertEquals(0.05, slow.rate(20), TOL);
        assertEquals(0.1 / 1.25, slow.rate(5), TOL);
    }

    @Test
    void cosineFromStartToEndThenFlat() {
        // 0.01 + 0.09 * (1 + cos(pi * min(t, 10) / 10)) / 2
        CosineDecay s = new CosineDecay(0.1, 10, 0.01);
        assertEquals(0.1, s.rate(0), TOL);
        assertEquals(0.09140576474687263, s.rate(2), TOL); // 0.01 + 0.045 * (1 + cos 36 deg = 1.80901699)
        assertEquals(0.055, s.rate(5), TOL); // half way: cos(pi/2) = 0
        assertEquals(0.01, s.rate(10), TOL);
        assertEquals(0.01, s.rate(11), TOL);
        assertEquals(0.01, s.rate(1000), TOL);
        assertEquals(0.0, new CosineDecay(0.1, 4, 0).rate(4), TOL);
    }

    @Test
    void warmupRampsThenRunsTheInnerScheduleFromZero() {
        // W = 4, inner = 0.1 * 0.5^floor(t / 2)
        LinearWarmup s = new LinearWarmup(4, new StepDecay(0.1, 2, 0.5));
        assertEquals(0.025, s.rate(0), TOL); // (0 + 1) / 4 * inner(0)
        assertEquals(0.05, s.rate(1), TOL);
        assertEquals(0.075, s.rate(2), TOL);
        assertEquals(0.1, s.rate(3), TOL); // last warm-up step reaches inner(0)
        assertEquals(0.1, s.rate(4), TOL); // inner(0)
        assertEquals(0.1, s.rate(5), TOL); // inner(1)
        assertEquals(0.05, s.rate(6), TOL); // inner(2)
        assertEquals(0.025, s.rate(8), TOL); // inner(4)
    }

    @Test
    void warmupInFrontOfCosine() {
        // W = 2, inner cosine 0.2 -> 0 over 4
        LinearWarmup s = new LinearWarmup(2, new CosineDecay(0.2, 4, 0));
        assertEquals(0.1, s.rate(0), TOL);
        assertEquals(0.2, s.rate(1), TOL);
        assertEquals(0.2, s.rate(2), TOL); // inner(0)
        assertEquals(0.1, s.rate(4), TOL); // inner(2): half way
        assertEquals(0.0, s.rate(6), TOL); // inner(4): the end
        assertEquals(0.0, s.rate(100), TOL);
        // W = 1: the ramp is the single step at inner(0)
        LinearWarmup one = new LinearWarmup(1, new ConstantRate(0.3));
        assertEquals(0.3, one.rate(0), TOL);
        assertEquals(0.3, one.rate(1), TOL);
    }
}
