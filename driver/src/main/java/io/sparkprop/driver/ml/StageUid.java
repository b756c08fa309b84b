package io.sparkprop.driver.ml;

/**
 * Hands a stage's uid to Spark's shared parameters before the stage's own constructor body runs.
 * Spark's column parameters (featuresCol, labelCol, predictionCol, rawPredictionCol, probabilityCol,
 * thresholds) are created by Scala trait initialisers inside {@code super()}; each reads
 * {@code uid()} then and keeps it as its parent. A Java subclass cannot store its uid before
 * {@code super()}, so its constructor passes it through {@link #hold} ({@code this(StageUid.hold(uid))})
 * and {@code uid()} answers {@link #pending} until the field is set.
 */
final class StageUid {
    private static final ThreadLocal<String> PENDING = new ThreadLocal<>();

    /** The uid in transit; {@link #release} ends the hand-over. */
    static final class Held {
        private final String uid;

        private Held(String uid) {
            this.uid = uid;
        }

        String release() {
            PENDING.remove();
            return uid;
        }
    }

    private StageUid() {
    }

    static Held hold(String uid) {
        PENDING.set(uid);
        return new Held(uid);
    }

    /** The uid of the stage this thread is constructing. */
    static String pending() {
        String uid = PENDING.get();
        if (uid == null) {
            throw new IllegalStateException("a sparkprop stage read its uid outside its constructor's hand-over");
        }
        return uid;
    }
}
