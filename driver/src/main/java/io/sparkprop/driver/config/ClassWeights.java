package io.sparkprop.driver.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The values of {@code train.classWeights} (Spark ML {@code classWeights}) and what they resolve to:
 * a weight c_k per class k = 0..K-1 that multiplies the row weight of every training row of class k.
 * <pre>
 *   none                 c_k = 1 (no class weighting)
 *   balanced             c_k = n / (K n_k)    n training rows, n_k of them of class k (scikit-learn's)
 *   1,19                 c_k = the k-th entry; exactly K entries
 *   1:19                 class:weight pairs; classes not named keep c_k = 1
 * </pre>
 * Every weight is a finite number >= 0. The text is checked when it is set; what depends on the data
 * (K, the classes present) when it is resolved, before training.
 */
public final class ClassWeights {
    /** What a valid value is, as messages say it. */
    public static final String EXPECTED = "none, balanced, one weight >= 0 per class (comma-separated, e.g. 1,19)"
            + " or class:weight pairs (e.g. 1:19)";

    private ClassWeights() {
    }

    /** Whether {@code text} is a value of the setting (syntax and signs only; see {@link #resolve}). */
    public static boolean isValid(String text) {
        try {
            parse(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** True for {@code none}: no class weighting. */
    public static boolean isNone(String text) {
        return Form.word(text) == Form.NONE;
    }

    /**
     * The weight of each class 0..K-1 ({@code classRows.length} = K) given the training rows of each
     * class.
     *
     * @throws IllegalArgumentException naming the setting and the value: balanced with a class that
     *                                  has no training rows, a list of the wrong length, a pair naming a
     *                                  class absent from the training data
     */
    public static double[] resolve(String text, long[] classRows) {
        int k = classRows.length;
        String value = TrainingSettings.CLASS_WEIGHTS.key() + " = '" + text.trim() + "'";
        Parsed p = parse(text);
        double[] weights = new double[k];
        Arrays.fill(weights, 1);
        switch (p.form) {
            case NONE:
                return weights;
            case BALANCED: {
                long n = 0;
                for (long c : classRows) {
                    n += c;
                }
                for (int c = 0; c < k; c++) {
                    if (classRows[c] == 0) {
                        throw new IllegalArgumentException(value + ": class " + c + " has no training rows (the classes are 0.."
                                + (k - 1) + "), so its inverse frequency is undefined; give the weights explicitly");
                    }
                    weights[c] = (double) n / ((double) k * classRows[c]);
                }
                return weights;
            }
            case LIST:
                if (p.weights.length != k) {
                    throw new IllegalArgumentException(value + " has " + p.weights.length + " weights, expected " + k
                            + " (one per class 0.." + (k - 1) + ")");
                }
                return p.weights.clone();
            default:
                for (int i = 0; i < p.classes.length; i++) {
                    int c = p.classes[i];
                    if (c >= k || classRows[c] == 0) {
                        throw new IllegalArgumentException(value + " names class " + c + ", which is absent from the training"
                                + " data (classes 0.." + (k - 1) + (c < k ? ", class " + c + " has no rows" : "") + ")");
                    }
                    weights[c] = p.weights[i];
                }
                return weights;
        }
    }

    /** The forms of a value: the words none and balanced (in any case), a list of weights, class:weight pairs. */
    private enum Form {
        NONE, BALANCED, LIST, PAIRS;

        private static final List<Form> WORDS = List.of(NONE, BALANCED);

        /** The word {@code text} is (trimmed, in any case), or null when it is no word. */
        static Form word(String text) {
            return WORDS.stream().filter(f -> f.name().equalsIgnoreCase(text.trim())).findFirst().orElse(null);
        }
    }

    /** The text's form; for a list its weights, for pairs their classes and weights. */
    private record Parsed(Form form, int[] classes, double[] weights) {
    }

    private static Parsed parse(String text) {
        Form word = Form.word(text);
        if (word != null) {
            return new Parsed(word, null, null);
        }
        String t = text.trim().toLowerCase(Locale.ROOT);
        String[] parts = t.split(",", -1);
        boolean pairs = t.contains(":");
        int[] classes = new int[parts.length];
        double[] weights = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i].trim();
            int colon = part.indexOf(':');
            if (pairs != (colon >= 0)) {
                throw new IllegalArgumentException("mixes class:weight pairs and plain weights");
            }
            if (pairs) {
                classes[i] = Integer.parseInt(part.substring(0, colon).trim());
                if (classes[i] < 0) {
                    throw new IllegalArgumentException("class " + classes[i] + " is negative");
                }
                for (int j = 0; j < i; j++) {
                    if (classes[j] == classes[i]) {
                        throw new IllegalArgumentException("class " + classes[i] + " appears twice");
                    }
                }
            }
            weights[i] = Double.parseDouble(pairs ? part.substring(colon + 1).trim() : part);
            if (!(weights[i] >= 0) || Double.isInfinite(weights[i])) {
                throw new IllegalArgumentException("weight " + weights[i] + " is not a finite number >= 0");
            }
        }
        return new Parsed(pairs ? Form.PAIRS : Form.LIST, pairs ? classes : null, weights);
    }
}
