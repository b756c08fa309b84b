package io.sparkprop.core.optim;

/** Argument checks shared by the optimisers, with messages that name the value and the range. */
final class OptimizerChecks {
    private OptimizerChecks() {
    }

    static void checkUnitInterval(String what, double value) {
        if (!(value >= 0 && value < 1)) {
            throw new IllegalArgumentException(what + " must be in [0, 1), got " + value);
        }
    }

    static void checkNonNegative(String what, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(what + " must be a finite number >= 0, got " + value);
        }
    }

    static void checkPositive(String what, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(what + " must be a finite number > 0, got " + value);
        }
    }

    static void checkInitialised(String name, float[] state, float[] params) {
        if (state == null) {
            throw new IllegalStateException(name + ": initialise(parameterCount) must be called before step");
        }
        if (state.length != params.length) {
            throw new IllegalArgumentException(name + ": parameter array has length " + params.length
                    + ", expected " + state.length + " (the size given to initialise)");
        }
    }

    static void checkState(String name, float[][] state, int arrays, int length) {
        if (state == null || state.length != arrays) {
            throw new IllegalArgumentException(name + " state must have " + arrays + " arrays, got "
                    + (state == null ? "null" : state.length));
        }
        for (float[] s : state) {
            if (length >= 0 && s.length != length) {
                throw new IllegalArgumentException(name + " state array has length " + s.length + ", expected " + length);
            }
        }
    }
}
