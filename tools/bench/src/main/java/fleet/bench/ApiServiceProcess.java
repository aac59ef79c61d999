package fleet.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The api-service under test, started by the bench as a child process ({@code java -Xmx… -jar quarkus-run.jar}) on a
 * free port against the bench database, and its resident memory read from {@code /proc/<pid>/status}.
 *
 * <p>The {@code quarkus-app} directory is copied to a temporary directory first, so a concurrent rebuild of the
 * api-service module cannot swap jars under the running process.
 *
 * <p>Peak memory of one call: {@code VmHWM} after resetting the high-water mark ({@code echo 5 > /proc/<pid>/clear_refs},
 * Linux ≥ 4.0) right before the call; where that reset is refused, the maximum {@code VmRSS} seen by a 5 ms sampler.
 */
final class ApiServiceProcess implements AutoCloseable {

    private final Process process;
    private final int port;
    private final Path appCopy;
    private final Path log;
    private final ScheduledExecutorService sampler;
    private final AtomicLong sampledPeakKb = new AtomicLong();

    private ApiServiceProcess(Process process, int port, Path appCopy, Path log) {
        this.process = process;
        this.port = port;
        this.appCopy = appCopy;
        this.log = log;
        this.sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "rss-sampler");
            t.setDaemon(true);
            return t;
        });
        sampler.scheduleAtFixedRate(() -> {
            long rss = status("VmRSS:");
            sampledPeakKb.accumulateAndGet(rss, Math::max);
        }, 0, 5, TimeUnit.MILLISECONDS);
    }

    /** Starts the service and waits until {@code /q/health/ready} answers 200. */
    static ApiServiceProcess start(Path quarkusApp, String heap, List<String> extraJvmArgs, Map<String, String> env,
            Path log, Duration readyTimeout) throws IOException, InterruptedException {
        if (!Files.isRegularFile(quarkusApp.resolve("quarkus-run.jar"))) {
            throw new IllegalStateException(quarkusApp.resolve("quarkus-run.jar") + " is missing: build the api-service"
                    + " first (mvn -B -DskipTests install)");
        }
        Path copy = Files.createTempDirectory("bench-api-service-");
        copyTree(quarkusApp, copy);
        int port = freePort();
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx" + heap);
        cmd.addAll(extraJvmArgs);
        cmd.add("-jar");
        cmd.add(copy.resolve("quarkus-run.jar").toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        pb.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
        pb.environment().put("HTTP_PORT", Integer.toString(port));
        pb.environment().put("HTTP_HOST", "127.0.0.1");
        pb.environment().putIfAbsent("LOG_JSON", "false");
        Process p = pb.start();
        // an interrupted bench (Ctrl-C) must not leave the api-service behind
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (p.isAlive()) {
                p.destroyForcibly();
            }
        }, "api-service-stop"));
        ApiServiceProcess api = new ApiServiceProcess(p, port, copy, log);
        try {
            api.awaitReady(readyTimeout);
        } catch (IOException | InterruptedException | RuntimeException e) {
            api.close();
            throw e;
        }
        return api;
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    Path log() {
        return log;
    }

    private void awaitReady(Duration timeout) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
                .timeout(Duration.ofSeconds(5)).GET().build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the api-service exited with " + process.exitValue() + " during start;"
                        + " see " + log);
            }
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("the api-service was not ready within " + timeout + "; see " + log);
    }

    /** Resets the peak (kernel high-water mark and the sampler) to the current resident size. */
    boolean resetPeak() {
        sampledPeakKb.set(status("VmRSS:"));
        try {
            Files.writeString(Path.of("/proc", Long.toString(pid()), "clear_refs"), "5");
            return true;
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    /** Peak resident set size in kB since the last {@link #resetPeak()}. */
    long peakKb(boolean kernelReset) {
        long sampled = sampledPeakKb.get();
        return kernelReset ? Math.max(status("VmHWM:"), sampled) : sampled;
    }

    long rssKb() {
        return status("VmRSS:");
    }

    /** A {@code kB} field of {@code /proc/<pid>/status}, 0 when unreadable. */
    long status(String field) {
        try (Stream<String> lines = Files.lines(Path.of("/proc", Long.toString(pid()), "status"))) {
            return lines.filter(l -> l.startsWith(field)).findFirst()
                    .map(l -> Long.parseLong(l.substring(field.length()).replace("kB", "").trim())).orElse(0L);
        } catch (IOException | UncheckedIOException | NumberFormatException e) {
            return 0L;
        }
    }

    @Override
    public void close() {
        sampler.shutdownNow();
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        deleteTree(appCopy);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.REPLACE_EXISTING);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort: a temporary directory
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
