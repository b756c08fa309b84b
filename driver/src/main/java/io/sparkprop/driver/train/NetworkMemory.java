package io.sparkprop.driver.train;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a network will need, counted in {@code long} before anything is allocated, so that an absurd
 * size (a label of 1e9 taken as a class count, a hidden layer of a billion units) is a clear error
 * instead of an {@code OutOfMemoryError} or an int overflow deep in the trainer.
 * <pre>
 *   sizes n_0 (input), n_1 .. n_L;  P = sum_l n_l (n_{l-1} + 1)               (ParameterLayout)
 *   driver:  P floats each for the parameters, the summed gradient, the best parameters kept for
 *            early stopping, and s optimiser slots (sgd 0, momentum/nesterov 1, adam/adamw 2)
 *   a task:  P floats for its copy of the parameters and P for its gradient, plus the workspace at
 *            the batch size B: activations and deltas, 2 B sum_l n_l floats
 * </pre>
 * In local mode the driver and the tasks share one JVM, so both are counted against its heap.
 */
public final class NetworkMemory {
    private static final long FLOAT = Float.BYTES;

    private final int[] sizes;
    private final long parameters;
    private final long driverBytes;
    private final long taskBytes;
    private final int batchSize;

    /**
     * @param sizes     [input width, n_1, ..., n_L]
     * @param optimizer the optimiser's name (its state slots)
     * @param batchSize rows per step (one task's share is at most this)
     */
    public NetworkMemory(int[] sizes, String optimizer, int batchSize) {
        this.sizes = sizes.clone();
        long p = 0;
        long units = sizes[0];
        for (int l = 1; l < sizes.length; l++) {
            p += (long) sizes[l] * ((long) sizes[l - 1] + 1);
            units += sizes[l];
        }
        this.parameters = p;
        this.batchSize = batchSize;
        int slots = switch (optimizer) {
            case "sgd" -> 0;
            case "momentum", "nesterov" -> 1;
            default -> 2;
        };
        this.driverBytes = FLOAT * p * (3 + slots);
        this.taskBytes = FLOAT * (2 * p + 2L * batchSize * units);
    }

    public long parameters() {
        return parameters;
    }

    /** The driver's arrays plus one task's: what one local JVM needs at least. */
    public long localBytes() {
        return driverBytes + taskBytes;
    }

    /**
     * Throws when the network cannot be trained: more than 2^31 - 1 parameters (the flat parameter
     * vector is one float[]), or more memory than {@code heapBytes} of the JVM that holds it.
     *
     * @param heapBytes   the largest heap the driver JVM may use ({@link Runtime#maxMemory()})
     * @param hiddenKey   the setting of the hidden widths, named in the message
     * @param batchKey    the setting of the batch size, named in the message
     */
    public void check(long heapBytes, String hiddenKey, String batchKey) {
        String shape = Arrays.stream(sizes).mapToObj(String::valueOf).collect(Collectors.joining("-"));
        if (parameters > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "the network %s would have %,d parameters, more than"
                    + " the %,d one parameter vector can hold; make %s smaller", shape, parameters, Integer.MAX_VALUE, hiddenKey));
        }
        if (localBytes() > heapBytes) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "the network %s (%,d parameters) needs about %s for"
                    + " its parameters, gradient and optimiser state and a task's workspace at %s = %d, more than the %s heap of"
                    + " this JVM; make %s or %s smaller, or give the driver more memory (spark.driver.memory)",
                    shape, parameters, mib(localBytes()), batchKey, batchSize, mib(heapBytes), hiddenKey, batchKey));
        }
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%,d MiB", (bytes + (1 << 20) - 1) >> 20);
    }
}
