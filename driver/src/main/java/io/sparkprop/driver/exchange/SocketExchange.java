package io.sparkprop.driver.exchange;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The exchange over TCP, for tasks in different executors: a full mesh of W (W - 1) / 2 connections
 * (task a connects to every b > a; each connection carries both directions), opened once per job on
 * the address Spark gives each task's executor and driven by one non-blocking selector per task, so
 * sends and receives of a phase proceed together (no deadlock however large a slice, no thread).
 * A step is two phases, each one message each way on every connection (little-endian floats):
 * <pre>
 *   reduce-scatter: to task u   [lossSum, weightSum, rows | partial[slice u]]     3 + |slice u| floats
 *                   task s adds slice s of all W partials in task order, divides by the total weight
 *   all-gather:     to task u   [mean[slice s]]                                   |slice s| floats
 * </pre>
 * The buffers are allocated once per job.
 */
final class SocketExchange implements GradientExchange {
    private final int rank;
    private final int tasks;
    private final int parameters;
    private final Slices slices;
    private final Waiting waiting;
    private final ServerSocketChannel server;
    private final Selector selector;
    private final SocketChannel[] channels;
    private final SelectionKey[] keys;
    private final ByteBuffer[] send;
    private final ByteBuffer[] receive;
    private final FloatBuffer[] sendFloats;
    private final FloatBuffer[] receiveFloats;
    /** The three statistics of every task, and one peer's slice as received. */
    private final float[] stats;
    private final float[] incoming;
    private final Consumer<SelectionKey> onReady = this::ready;
    /** Sends and receives of the running phase not yet complete. */
    private int pending;

    /**
     * Opens this task's server on {@code host}, learns every task's address through {@code allGather} (Spark's
     * BarrierTaskContext.allGather: task t's message at index t) and connects the mesh.
     */
    SocketExchange(int rank, int tasks, int parameters, String host, Function<String, String[]> allGather, Waiting waiting) {
        this.rank = rank;
        this.tasks = tasks;
        this.parameters = parameters;
        this.slices = new Slices(parameters, tasks);
        this.waiting = waiting;
        this.channels = new SocketChannel[tasks];
        this.keys = new SelectionKey[tasks];
        this.send = new ByteBuffer[tasks];
        this.receive = new ByteBuffer[tasks];
        this.sendFloats = new FloatBuffer[tasks];
        this.receiveFloats = new FloatBuffer[tasks];
        this.stats = new float[3 * tasks];
        this.incoming = new float[slices.longest()];
        try {
            server = ServerSocketChannel.open();
            selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("synchronous exchange: task " + rank + " cannot open a socket", e);
        }
        String[] addresses = null;
        try {
            server.bind(new InetSocketAddress(host, 0), tasks);
            addresses = allGather.apply(host + ":" + server.socket().getLocalPort());
            connect(addresses);
            accept();
            int bytes = Float.BYTES * (3 + slices.longest());
            for (int t = 0; t < tasks; t++) {
                if (t != rank) {
                    send[t] = ByteBuffer.allocateDirect(bytes).order(ByteOrder.LITTLE_ENDIAN);
                    receive[t] = ByteBuffer.allocateDirect(bytes).order(ByteOrder.LITTLE_ENDIAN);
                    sendFloats[t] = send[t].asFloatBuffer();
                    receiveFloats[t] = receive[t].asFloatBuffer();
                    channels[t].configureBlocking(false);
                    channels[t].socket().setTcpNoDelay(true);
                    keys[t] = channels[t].register(selector, 0, t);
                }
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw new IllegalStateException("synchronous exchange: task " + rank + " of " + tasks + " could not connect to its"
                    + " peers from " + host + (addresses == null ? "" : " (the tasks' addresses: " + String.join(", ", addresses) + ")")
                    + ": " + e, e);
        }
    }

    /** Connects to every task above this one and says who it is (its rank, 4 bytes). */
    private void connect(String[] addresses) throws IOException {
        for (int u = rank + 1; u < tasks; u++) {
            String a = addresses[u];
            int colon = a.lastIndexOf(':');
            SocketChannel c = SocketChannel.open();
            channels[u] = c;
            c.socket().connect(new InetSocketAddress(a.substring(0, colon), Integer.parseInt(a.substring(colon + 1))),
                    (int) Math.min(Integer.MAX_VALUE, Waiting.POLL_MILLIS * 600));
            ByteBuffer hello = ByteBuffer.allocate(4).putInt(0, rank);
            while (hello.hasRemaining()) {
                c.write(hello);
            }
        }
    }

    /** Accepts the connections of every task below this one, each naming its rank first. */
    private void accept() throws IOException {
        server.configureBlocking(false);
        long deadline = waiting.deadline();
        ByteBuffer hello = ByteBuffer.allocate(4);
        for (int accepted = 0; accepted < rank; ) {
            SocketChannel c = server.accept();
            if (c == null) {
                waiting.check(deadline, "its peers' connections");
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("synchronous exchange: task " + rank + " interrupted while connecting", e);
                }
                continue;
            }
            hello.clear();
            while (hello.hasRemaining()) {
                if (c.read(hello) < 0) {
                    throw new IOException("a peer closed its connection before naming itself");
                }
            }
            int t = hello.getInt(0);
            if (t < 0 || t >= rank || channels[t] != null) {
                c.close();
                throw new IOException("a connection named itself task " + t + ", expected one below " + rank);
            }
            channels[t] = c;
            accepted++;
        }
    }

    @Override
    public boolean mean(float[] gradient, float[] stats, float[] mean, double[] totals) {
        int lo = slices.lo(rank);
        int n = slices.length(rank);
        for (int u = 0; u < tasks; u++) {
            if (u != rank) {
                sendFloats[u].put(0, stats, 0, 3).put(3, gradient, slices.lo(u), slices.length(u));
                send[u].clear().limit(Float.BYTES * (3 + slices.length(u)));
                receive[u].clear().limit(Float.BYTES * (3 + n));
            }
        }
        transfer("the partials' slices");
        totals[0] = 0;
        totals[1] = 0;
        totals[2] = 0;
        slices.clear();
        for (int t = 0; t < tasks; t++) {
            if (t == rank) {
                System.arraycopy(stats, 0, this.stats, 3 * t, 3);
                slices.add(gradient, lo, n);
            } else {
                receiveFloats[t].get(0, this.stats, 3 * t, 3).get(3, incoming, 0, n);
                slices.add(incoming, 0, n);
            }
            Slices.addTotals(totals, this.stats, 3 * t);
        }
        slices.meanInto(mean, lo, n, totals[1]);
        for (int u = 0; u < tasks; u++) {
            if (u != rank) {
                sendFloats[u].put(0, mean, lo, n);
                send[u].clear().limit(Float.BYTES * n);
                receive[u].clear().limit(Float.BYTES * slices.length(u));
            }
        }
        transfer("the summed slices");
        for (int t = 0; t < tasks; t++) {
            if (t != rank) {
                receiveFloats[t].get(0, mean, slices.lo(t), slices.length(t));
            }
        }
        return Slices.finite(mean, 0, parameters);
    }

    /** Sends every send buffer and fills every receive buffer, all connections at once. */
    private void transfer(String what) {
        pending = 0;
        for (int t = 0; t < tasks; t++) {
            if (t != rank) {
                int ops = 0;
                if (send[t].hasRemaining()) {
                    ops |= SelectionKey.OP_WRITE;
                    pending++;
                }
                if (receive[t].hasRemaining()) {
                    ops |= SelectionKey.OP_READ;
                    pending++;
                }
                keys[t].interestOps(ops);
            }
        }
        long deadline = waiting.deadline();
        try {
            while (pending > 0) {
                if (selector.select(onReady, Waiting.POLL_MILLIS) == 0) {
                    waiting.check(deadline, what);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("synchronous exchange: task " + rank + " of " + tasks + " lost a peer while"
                    + " exchanging " + what, e);
        }
    }

    private void ready(SelectionKey key) {
        int t = (Integer) key.attachment();
        try {
            if (key.isWritable() && send[t].hasRemaining() && channels[t].write(send[t]) >= 0 && !send[t].hasRemaining()) {
                key.interestOps(key.interestOps() & ~SelectionKey.OP_WRITE);
                pending--;
            }
            if (key.isReadable() && receive[t].hasRemaining()) {
                if (channels[t].read(receive[t]) < 0) {
                    throw new IOException("task " + t + " closed its connection");
                }
                if (!receive[t].hasRemaining()) {
                    key.interestOps(key.interestOps() & ~SelectionKey.OP_READ);
                    pending--;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("synchronous exchange: task " + rank + " of " + tasks + " lost task " + t, e);
        }
    }

    @Override
    public void abort(RuntimeException cause) {
        close();
    }

    @Override
    public void close() {
        for (SocketChannel c : channels) {
            closeQuietly(c);
        }
        closeQuietly(selector);
        closeQuietly(server);
    }

    private static void closeQuietly(java.io.Closeable c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException e) {
                // closing after the job: nothing is lost
            }
        }
    }
}
