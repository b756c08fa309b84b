package io.sparkprop.core.nn;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Seeded initial parameters in the flat layout. Biases start at 0; weights of layer l, with
 * fan_in = n_{l-1} and fan_out = n_l, are drawn from:
 * <ul>
 *   <li>{@code glorot_uniform}: U(-s, s), s = sqrt(6 / (fan_in + fan_out))</li>
 *   <li>{@code glorot_normal}: N(0, 2 / (fan_in + fan_out))</li>
 *   <li>{@code he_uniform}: U(-s, s), s = sqrt(6 / fan_in)</li>
 *   <li>{@code he_normal}: N(0, 2 / fan_in)</li>
 * </ul>
 * {@link SplittableRandom} gives the same numbers for the same seed on every JVM.
 */
public enum WeightInit {
    GLOROT_UNIFORM, GLOROT_NORMAL, HE_UNIFORM, HE_NORMAL;

    public static WeightInit of(String name) {
        return constant(WeightInit.class, name);
    }

    /**
     * The values of model.init: a scheme, or auto (and its old name default), which leaves the choice
     * to the network ({@link #defaultFor}).
     */
    public enum Rule {
        AUTO, DEFAULT, GLOROT_UNIFORM, GLOROT_NORMAL, HE_UNIFORM, HE_NORMAL;

        /** The scheme this rule picks for {@code spec}. */
        public WeightInit scheme(NetworkSpec spec) {
            return switch (this) {
                case AUTO, DEFAULT -> defaultFor(spec);
                default -> WeightInit.valueOf(name());
            };
        }
    }

    /** The scheme model.init names for {@code spec}: auto (or its old name default) is {@link #defaultFor}, else {@link #of}. */
    public static WeightInit named(String name, NetworkSpec spec) {
        return constant(Rule.class, name).scheme(spec);
    }

    /** The constant of {@code type} that {@code name} names, in any case. */
    private static <E extends Enum<E>> E constant(Class<E> type, String name) {
        try {
            return Enum.valueOf(type, name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown weight initialisation '" + name
                    + "': expected glorot_uniform, glorot_normal, he_uniform or he_normal");
        }
    }

    /** He for ReLU-family hidden layers, Glorot otherwise. */
    public static WeightInit defaultFor(NetworkSpec spec) {
        Activation first = Activation.of(spec.activation(1));
        return first instanceof Relu || first instanceof LeakyRelu ? HE_NORMAL : GLOROT_UNIFORM;
    }

    public float[] initialize(ParameterLayout layout, long seed) {
        float[] params = new float[layout.size()];
        SplittableRandom rng = new SplittableRandom(seed);
        for (int l = 1; l <= layout.layers(); l++) {
            int fanIn = layout.width(l - 1);
            int fanOut = layout.width(l);
            int from = layout.weightOffset(l);
            int to = layout.biasOffset(l);
            for (int i = from; i < to; i++) {
                params[i] = (float) draw(rng, fanIn, fanOut);
            }
        }
        return params;
    }

    private double draw(SplittableRandom rng, int fanIn, int fanOut) {
        switch (this) {
            case GLOROT_UNIFORM:
                return uniform(rng, Math.sqrt(6.0 / (fanIn + fanOut)));
            case GLOROT_NORMAL:
                return gaussian(rng) * Math.sqrt(2.0 / (fanIn + fanOut));
            case HE_UNIFORM:
                return uniform(rng, Math.sqrt(6.0 / fanIn));
            default:
                return gaussian(rng) * Math.sqrt(2.0 / fanIn);
        }
    }

    private static double uniform(SplittableRandom rng, double s) {
        return (2 * rng.nextDouble() - 1) * s;
    }

    /** Standard normal by Box-Muller (SplittableRandom has no nextGaussian on Java 17). */
    private static double gaussian(SplittableRandom rng) {
        double u1 = 1.0 - rng.nextDouble();
        double u2 = rng.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
