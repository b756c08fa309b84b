package io.sparkprop.driver.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Spark standalone cluster on 127.0.0.1, started from the Maven jars: one Master JVM and
 * N Worker JVMs (each launching its executors as further JVMs), following the verified recipe in
 * shared/docs/spark-standalone.md. Ports are picked free at start, so runs never collide.
 *
 * <p>Needs a Spark home whose {@code jars/} holds Spark's runtime jars (the driver module's build
 * creates {@code target/spark-home}). Stop with {@link #close()}: workers first (their executors go
 * with them), then the master; SIGKILL after a grace period.
 */
public final class StandaloneCluster implements AutoCloseable {
    /** The JVM flags Spark's launcher adds on Java 17; every JVM started by hand needs them. */
    public static final List<String> MODULE_FLAGS = List.of(
            "-XX:+IgnoreUnrecognizedVMOptions", "--add-modules=jdk.incubator.vector",
            "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED", "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
            "--add-opens=java.base/sun.security.action=ALL-UNNAMED", "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
            "--add-opens=java.security.jgss/sun.security.krb5=ALL-UNNAMED", "-Djdk.reflect.useDirectMethodHandle=false",
            "-Dio.netty.tryReflectionSetAccessible=true", "-Dio.netty.allocator.type=pooled",
            "-Dio.netty.handler.ssl.defaultEndpointVerificationAlgorithm=NONE", "--enable-native-access=ALL-UNNAMED");

    private final Path sparkHome;
    private final Path runDir;
    private final int masterPort;
    private final int masterWebPort;
    private final Process master;
    private final List<Process> workers = new ArrayList<>();

    private StandaloneCluster(Path sparkHome, Path runDir, int workers, int coresPerWorker, String workerMemory)
            throws IOException, InterruptedException {
        this.sparkHome = sparkHome.toAbsolutePath();
        this.runDir = runDir.toAbsolutePath();
        if (!Files.isDirectory(this.sparkHome.resolve("jars"))) {
            throw new IllegalStateException("Spark home " + this.sparkHome + " has no jars/ folder: build the driver module first (mvn test-compile -pl driver)");
        }
        Files.createDirectories(this.runDir);
        masterPort = freePort();
        masterWebPort = freePort();
        master = start("master", List.of("org.apache.spark.deploy.master.Master",
                "--host", "127.0.0.1", "--port", String.valueOf(masterPort), "--webui-port", String.valueOf(masterWebPort)),
                List.of("-Dspark.master.rest.enabled=false"));
        waitFor(() -> masterJson() != null, Duration.ofSeconds(60), "the Spark master to answer on port " + masterWebPort);
        for (int i = 1; i <= workers; i++) {
            Path work = this.runDir.resolve("worker" + i);
            Files.createDirectories(work);
            this.workers.add(start("worker" + i, List.of("org.apache.spark.deploy.worker.Worker", masterUrl(),
                    "--host", "127.0.0.1", "--cores", String.valueOf(coresPerWorker), "--memory", workerMemory,
                    "--webui-port", String.valueOf(freePort()), "--work-dir", work.toString()), List.of()));
        }
        waitFor(() -> aliveWorkers() >= workers, Duration.ofSeconds(120), workers + " workers to register with the master");
    }

    /**
     * Starts a master and {@code workers} workers. {@code runDir} receives their logs and the
     * executors' work folders ({@code workerN/<app-id>/<executor-id>/stderr}).
     */
    public static StandaloneCluster start(Path sparkHome, Path runDir, int workers, int coresPerWorker, String workerMemory)
            throws IOException, InterruptedException {
        return new StandaloneCluster(sparkHome, runDir, workers, coresPerWorker, workerMemory);
    }

    /** {@code spark://127.0.0.1:<port>}. */
    public String masterUrl() {
        return "spark://127.0.0.1:" + masterPort;
    }

    public Path sparkHome() {
        return sparkHome;
    }

    public Path runDir() {
        return runDir;
    }

    /** The worker JVM processes, e.g. to find their executor children ({@code ProcessHandle.children()}). */
    public List<Process> workers() {
        return List.copyOf(workers);
    }

    /** Executor JVMs currently running under the workers. */
    public List<ProcessHandle> executors() {
        List<ProcessHandle> result = new ArrayList<>();
        for (Process w : workers) {
            w.toHandle().children().forEach(result::add);
        }
        return result;
    }

    private Process start(String name, List<String> mainAndArgs, List<String> extraJvmFlags) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx512m");
        cmd.addAll(MODULE_FLAGS);
        cmd.addAll(extraJvmFlags);
        cmd.add("-cp");
        cmd.add(sparkHome.resolve("conf") + "/:" + sparkHome.resolve("jars") + "/*");
        cmd.addAll(mainAndArgs);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("SPARK_HOME", sparkHome.toString());
        pb.environment().put("SPARK_SCALA_VERSION", "2.13");
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().put("SPARK_LOCAL_HOSTNAME", "127.0.0.1");
        pb.redirectErrorStream(true);
        pb.redirectOutput(runDir.resolve(name + ".log").toFile());
        return pb.start();
    }

    private String masterJson() {
        try {
            HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + masterWebPort + "/json/").openConnection();
            c.setConnectTimeout(500);
            c.setReadTimeout(2000);
            try (InputStream in = c.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            return null;
        }
    }

    private int aliveWorkers() {
        String json = masterJson();
        if (json == null) {
            return 0;
        }
        int at = json.indexOf("\"aliveworkers\"");
        if (at < 0) {
            return 0;
        }
        String rest = json.substring(json.indexOf(':', at) + 1).trim();
        int end = 0;
        while (end < rest.length() && Character.isDigit(rest.charAt(end))) {
            end++;
        }
        return end == 0 ? 0 : Integer.parseInt(rest.substring(0, end));
    }

    private void waitFor(java.util.function.BooleanSupplier ready, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ready.getAsBoolean()) {
            if (!master.isAlive()) {
                throw new IllegalStateException("the Spark master exited while waiting for " + what + "; see " + runDir.resolve("master.log"));
            }
            if (System.nanoTime() > deadline) {
                close();
                throw new IllegalStateException("timed out after " + timeout.toSeconds() + " s waiting for " + what + "; logs in " + runDir);
            }
            Thread.sleep(200);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops workers (and their executors), then the master. */
    @Override
    public void close() {
        List<Process> all = new ArrayList<>(workers);
        all.add(master);
        for (Process p : all) {
            p.toHandle().descendants().forEach(ProcessHandle::destroy);
            p.destroy();
        }
        for (Process p : all) {
            try {
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
    }
}
