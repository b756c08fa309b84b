package io.sparkprop.core.optim;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The learning rate as a function of the 0-based iteration t (one optimizer step per iteration).
 * Stateless, so a resumed run computes the same rates.
 */
public interface LearningRateSchedule {
    /** The schedules; a configuration names one by its name in lower case. */
    enum Kind {
        CONSTANT, STEP, EXPONENTIAL, INVERSE_TIME, COSINE;

        /**
         * The schedule called {@code name}.
         *
         * @throws IllegalArgumentException naming the schedules when it is none of them
         */
        public static Kind of(String name) {
            try {
                return valueOf(name.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown learning-rate schedule '" + name + "': expected one of " + NAMES);
            }
        }

        /** Whether the schedule multiplies the rate by its decay rate (step, exponential): then at most 1. */
        public boolean multipliesByDecayRate() {
            return this == STEP || this == EXPONENTIAL;
        }
    }

    /** The schedules by configuration name. */
    List<String> NAMES = Arrays.stream(Kind.values()).map(k -> k.name().toLowerCase(Locale.ROOT)).toList();

    /** Whether the schedule called {@code name} multiplies the rate by its decay rate (step, exponential): then at most 1. */
    static boolean multipliesByDecayRate(String name) {
        return Kind.of(name).multipliesByDecayRate();
    }

    /**
     * The schedule called {@code name} (one of {@link #NAMES}), after {@code warmupSteps} of linear
     * warm-up when that is positive:
     * <pre>
     *   constant      lr(t) = lr0
     *   step          lr(t) = lr0 * decayRate^floor(t / decaySteps)
     *   exponential   lr(t) = lr0 * decayRate^(t / decaySteps)
     *   inverse_time  lr(t) = lr0 / (1 + decayRate * t / decaySteps)
     *   cosine        lr0 down to minRate over decaySteps, then minRate
     * </pre>
     * {@code decaySteps = 0} means: one epoch ({@code iterationsPerEpoch}) for step, exponential and
     * inverse_time; the whole run after warm-up ({@code totalIterations - warmupSteps}) for cosine.
     */
    static LearningRateSchedule named(String name, double lr0, long decaySteps, double decayRate, double minRate,
                                      long warmupSteps, long iterationsPerEpoch, long totalIterations) {
        long perDecay = decaySteps > 0 ? decaySteps : Math.max(1, iterationsPerEpoch);
        LearningRateSchedule s = switch (Kind.of(name)) {
            case CONSTANT -> new ConstantRate(lr0);
            case STEP -> new StepDecay(lr0, perDecay, decayRate);
            case EXPONENTIAL -> new ExponentialDecay(lr0, perDecay, decayRate);
            case INVERSE_TIME -> new InverseTimeDecay(lr0, perDecay, decayRate);
            case COSINE -> new CosineDecay(lr0, decaySteps > 0 ? decaySteps : Math.max(1, totalIterations - warmupSteps), minRate);
        };
        return warmupSteps > 0 ? new LinearWarmup(warmupSteps, s) : s;
    }


    double rate(long t);

    /** Human-readable description for logs and reports. */
    String describe();
}
