package io.sparkprop.core.optim;

/** Argument checks shared by the optimizers, with messages that name the value and the range. */
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

    /** {@code flat[offset, offset + arrays P)} exists for state arrays of length P ({@code state} null: not initialised). */
    static void checkFlatState(String name, float[] state, int arrays, float[] flat, int offset) {
        if (state == null) {
            throw new IllegalStateException(name + ": initialize(parameterCount) must be called before its state is loaded or stored");
        }
        if (offset < 0 || (long) offset + (long) arrays * state.length > flat.length) {
            throw new IllegalArgumentException(name + ": " + arrays + " state arrays of " + state.length + " at offset " + offset
                    + " do not fit in an array of " + flat.length);
        }
    }

    /** {@code out[offset + j] = scale * state[j]} for every j. */
    static void store(float[] state, float[] out, int offset, float scale) {
        for (int j = 0; j < state.length; j++) {
            out[offset + j] = state[j] * scale;
        }
    }

    /** {@code parameterCount} < 0 means initialise has not been called. */
    static void checkInitialised(String name, int parameterCount, float[] params) {
        if (parameterCount < 0) {
            throw new IllegalStateException(name + ": initialize(parameterCount) must be called before step");
        }
        if (params.length != parameterCount) {
            throw new IllegalArgumentException(name + ": parameter array has length " + params.length
                    + ", expected " + parameterCount + " (the size given to initialise)");
        }
    }

    /** The checks common to every {@link Optimizer#step}: initialised, matching lengths, a usable rate. */
    static void checkStep(String name, float[] state, float[] params, float[] grad, double lr) {
        checkStep(name, state == null ? -1 : state.length, params, grad, lr);
    }

    static void checkStep(String name, int parameterCount, float[] params, float[] grad, double lr) {
        checkInitialised(name, parameterCount, params);
        if (grad.length != params.length) {
            throw new IllegalArgumentException(name + ": gradient has length " + grad.length
                    + ", expected " + params.length + " (the parameter count)");
        }
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException(name + ": learning rate must be a finite number >= 0, got " + lr);
        }
    }

    static void checkState(String name, float[][] state, int arrays, int length) {
        if (state == null || state.length != arrays) {
            throw new IllegalArgumentException(name + " state must have " + arrays + " arrays, got "
                    + (state == null ? "null" : state.length));
        }
        // before initialise, the arrays must at least agree with one another
        int expected = length >= 0 || arrays == 0 || state[0] == null ? length : state[0].length;
        for (float[] s : state) {
            if (s == null) {
                throw new IllegalArgumentException(name + " state array is null");
            }
            if (expected >= 0 && s.length != expected) {
                throw new IllegalArgumentException(name + " state array has length " + s.length + ", expected " + expected);
            }
        }
    }
}
