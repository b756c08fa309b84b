package io.sparkprop.jobs.train;

import org.apache.spark.sql.SparkSession;

/**
 * A command's use of a Spark session: closing it stops Spark only when the command started it. A
 * session that was already running in this JVM (sparkprop called from an application, a notebook
 * or a test) is used and left running, as its owner expects.
 */
public final class SparkLease implements AutoCloseable {
    private final SparkSession session;
    private final boolean started;

    /** @param started whether the command started {@code session} (and so stops it) */
    public SparkLease(SparkSession session, boolean started) {
        this.session = session;
        this.started = started;
    }

    public SparkSession session() {
        return session;
    }

    @Override
    public void close() {
        if (started) {
            session.stop();
        }
    }
}
