package fleet.bench;

import com.sun.management.OperatingSystemMXBean;
import fleet.driver.DriverRegistry;
import fleet.driver.DriverSettings;
import fleet.reconciler.lease.LeaseConnection;
import fleet.reconciler.telemetry.PollerSettings;
import fleet.reconciler.telemetry.RoundStats;
import fleet.reconciler.telemetry.TelemetryPoller;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Context;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgBuilder;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.flywaydb.core.Flyway;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * SPEC §10 "one telemetry round over 10 000 miners < 15 s, constant statements per batch": the real
 * {@link TelemetryPoller} (drivers, lease session, bulk upserts) in this process, the fleet simulator in a child
 * process (so this process's CPU and memory are the poller's alone), PostgreSQL from the environment.
 *
 * <pre>
 * mvn -B -DskipTests install -pl tools/bench -am
 * java -Xmx256m -cp tools/bench/target/bench.jar fleet.bench.PollerBench --miners 10000
 * </pre>
 *
 * The simulator is started as {@code java -Xmx512m -jar tools/simulator/target/simulator.jar --miners N
 * --first-address 127.1.0.1 --control-port -1} (a copy of the jar, so a rebuild cannot swap it) unless
 * {@code --simulator-running} says one already serves those addresses. The bench database ({@code fleet_bench_poller})
 * is created, migrated, filled with N luxos devices, and dropped at the end.
 */
@Command(name = "poller-bench", mixinStandardHelpOptions = true,
        description = "One telemetry poll round over N simulated miners: wall time, CPU, peak memory, statements.")
public final class PollerBench implements Callable<Integer> {

    @Option(names = "--miners", defaultValue = "10000", description = "Simulated miners (default: ${DEFAULT-VALUE}).")
    int miners;

    @Option(names = "--first-address", defaultValue = "127.1.0.1",
            description = "Loopback address of miner 0 (default: ${DEFAULT-VALUE}).")
    String firstAddress;

    @Option(names = "--rounds", defaultValue = "3", description = "Measured rounds (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--warmups", defaultValue = "1", description = "Unmeasured rounds first (default: ${DEFAULT-VALUE}).")
    int warmups;

    @Option(names = "--max-concurrent-reads", defaultValue = "512",
            description = "Reads in flight (default: ${DEFAULT-VALUE}, SPEC §9).")
    int maxConcurrentReads;

    @Option(names = "--batch-size", defaultValue = "1000", description = "Devices per upsert (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--simulator-jar", description = "The simulator's jar (default: tools/simulator/target/simulator.jar"
            + " under the working directory or a parent).")
    Path simulatorJar;

    @Option(names = "--simulator-heap", defaultValue = "512m", description = "The simulator's -Xmx (default: ${DEFAULT-VALUE}).")
    String simulatorHeap;

    @Option(names = "--simulator-running", description = "A simulator already serves the miners; do not start one.")
    boolean simulatorRunning;

    @Option(names = "--db-host", defaultValue = "${env:DB_HOST:-127.0.0.1}", description = "PostgreSQL host.")
    String dbHost;

    @Option(names = "--db-port", defaultValue = "${env:DB_PORT:-5432}", description = "PostgreSQL port.")
    int dbPort;

    @Option(names = "--db-user", defaultValue = "${env:DB_USER:-postgres}", description = "PostgreSQL user.")
    String dbUser;

    @Option(names = "--db-password", defaultValue = "${env:DB_PASSWORD:-}", description = "PostgreSQL password.")
    String dbPassword;

    @Option(names = "--db-name", defaultValue = "fleet_bench_poller",
            description = "Database the bench creates and drops (default: ${DEFAULT-VALUE}); never a database in use.")
    String dbName;

    @Option(names = "--keep-db", description = "Leave the database behind for inspection.")
    boolean keepDb;

    public static void main(String[] args) {
        System.exit(new CommandLine(new PollerBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        BenchDatabase db = new BenchDatabase(dbHost, dbPort, dbUser, dbPassword, dbName);
        Process simulator = simulatorRunning ? null : startSimulator();
        try {
            prepareDatabase(db);
            return measure(db, simulator);
        } finally {
            if (simulator != null) {
                simulator.destroy();
                if (!simulator.waitFor(20, TimeUnit.SECONDS)) {
                    simulator.destroyForcibly();
                }
            }
            if (!keepDb) {
                db.drop();
            }
        }
    }

    private void prepareDatabase(BenchDatabase db) throws Exception {
        db.recreate(List.of());
        Flyway.configure()
                .dataSource("jdbc:postgresql://" + dbHost + ":" + dbPort + "/" + dbName, dbUser, dbPassword)
                .locations("classpath:db/migration").load().migrate();
        try (Connection c = db.connect()) {
            UUID org = BenchDatabase.createOrg(c, miners).orgId();
            long first = parseLoopback(firstAddress);
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO device (org_id, identifier, host, port, driver) VALUES (?, ?, ?, 4028, 'luxos')")) {
                for (int i = 0; i < miners; i++) {
                    ps.setObject(1, org);
                    ps.setString(2, String.format(Locale.ROOT, "sim-%06d", i));
                    ps.setString(3, formatIpv4(first + i));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            c.commit();
            c.setAutoCommit(true);
            BenchDatabase.vacuumAnalyze(c, "device");
        }
    }

    private int measure(BenchDatabase db, Process simulator) throws Exception {
        Vertx vertx = Vertx.vertx();
        PgConnectOptions connect = new PgConnectOptions().setHost(dbHost).setPort(dbPort).setDatabase(dbName)
                .setUser(dbUser).setPassword(dbPassword);
        Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(4)).connectingTo(connect).using(vertx).build();
        Clock clock = Clock.systemUTC();
        DriverRegistry drivers = new DriverRegistry(vertx, clock, DriverSettings.defaults());
        LeaseConnection lease = new LeaseConnection(vertx, connect, "poller-bench", List.of());
        PollerSettings settings = PollerSettings.defaults().withPollInterval(Duration.ofHours(1)).withHeartbeat(true)
                .withMaxConcurrentReads(maxConcurrentReads).withWriteBatchSize(batchSize);
        TelemetryPoller poller = new TelemetryPoller(vertx, pool, lease, drivers, clock, settings,
                new SimpleMeterRegistry(), "poller-bench");
        Context context = vertx.getOrCreateContext();
        try {
            onContext(context, () -> lease.ensureConnected().invoke(poller::start)).await().atMost(Duration.ofSeconds(30));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (poller.ownedShards().size() < settings.shardCount() || poller.lastRoundStats().isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the poller did not take every shard and finish its first round");
                }
                Thread.sleep(50);
            }
            System.out.printf(Locale.ROOT, "poller-bench: %d miners, %d reads in flight, batches of %d; first (cold)"
                    + " round %s%n", miners, maxConcurrentReads, batchSize, describe(poller.lastRoundStats().get()));
            for (int i = 0; i < warmups; i++) {
                RoundStats warm = poller.pollOnce().await().atMost(Duration.ofMinutes(5));
                System.out.printf(Locale.ROOT, "poller-bench: warm-up %s%n", describe(warm));
            }
            boolean hwmReset = resetPeakMemory();
            OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < rounds; i++) {
                long cpuBefore = os.getProcessCpuTime();
                long simBefore = cpuNanos(simulator);
                long statementsBefore = poller.statementsIssued();
                RoundStats s = poller.pollOnce().await().atMost(Duration.ofMinutes(5));
                long cpu = os.getProcessCpuTime() - cpuBefore;
                long simCpu = cpuNanos(simulator) - simBefore;
                int batches = (s.devicesPolled() + batchSize - 1) / batchSize;
                lines.add(String.format(Locale.ROOT, "| %d | %,d | %,d | %.2f | %.2f | %s | %d | %d | %d |",
                        i + 1, s.devicesPolled(), s.failures(), s.duration().toMillis() / 1000.0, cpu / 1e9,
                        simulator == null ? "n/a" : String.format(Locale.ROOT, "%.2f", simCpu / 1e9), s.statements(),
                        batches, poller.statementsIssued() - statementsBefore));
            }
            System.out.println();
            System.out.println("| round | devices | failures | wall s | poller CPU s | simulator CPU s | statements"
                    + " (round) | batches | statements (process, incl. shard checks) |");
            System.out.println("|---|---|---|---|---|---|---|---|---|");
            lines.forEach(System.out::println);
            System.out.printf(Locale.ROOT, "%npeak resident memory of the poller process (VmHWM%s): %d MiB; heap max"
                    + " %d MiB; simulator VmHWM: %s%n", hwmReset ? " since the measured rounds began" : " since start",
                    procStatusKb("self", "VmHWM:") / 1024, Runtime.getRuntime().maxMemory() >> 20,
                    simulator == null ? "n/a" : procStatusKb(Long.toString(simulator.pid()), "VmHWM:") / 1024 + " MiB");
            return 0;
        } finally {
            poller.stop().await().atMost(Duration.ofSeconds(30));
            onContext(context, lease::close).await().atMost(Duration.ofSeconds(30));
            drivers.close();
            pool.close().await().atMost(Duration.ofSeconds(30));
            vertx.close().await().atMost(Duration.ofSeconds(30));
        }
    }

    private static String describe(RoundStats s) {
        return String.format(Locale.ROOT, "%,d devices, %,d failures, %.2f s, %d statements", s.devicesPolled(),
                s.failures(), s.duration().toMillis() / 1000.0, s.statements());
    }

    private Process startSimulator() throws IOException, InterruptedException {
        Path jar = simulatorJar != null ? simulatorJar : findSimulatorJar();
        Path copy = Files.createTempFile("bench-simulator-", ".jar");
        Files.copy(jar, copy, StandardCopyOption.REPLACE_EXISTING);
        copy.toFile().deleteOnExit();
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + simulatorHeap, "-jar", copy.toString(), "--miners", Integer.toString(miners),
                "--first-address", firstAddress, "--control-port", "-1", "--status-interval", "3600");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (p.isAlive()) {
                p.destroyForcibly();
            }
        }, "simulator-stop"));
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread drain = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    if (!ready.isDone() && line.contains("miners on")) {
                        ready.complete(line);
                    } else if (!ready.isDone()) {
                        System.out.println(line);
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
            ready.complete(null);
        }, "simulator-output");
        drain.setDaemon(true);
        drain.start();
        try {
            String line = ready.get(3, TimeUnit.MINUTES);
            if (line == null) {
                throw new IllegalStateException("the simulator exited before serving");
            }
            System.out.println(line);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            p.destroyForcibly();
            throw new IllegalStateException("the simulator did not start", e);
        }
        return p;
    }

    private static Path findSimulatorJar() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            Path candidate = dir.resolve("tools/simulator/target/simulator.jar");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("tools/simulator/target/simulator.jar not found from the working directory:"
                + " build it (mvn -B -DskipTests install -pl tools/simulator) or pass --simulator-jar");
    }

    private static <T> Uni<T> onContext(Context context, Supplier<Uni<T>> action) {
        return Uni.createFrom().emitter(e -> context.runOnContext(() -> action.get().subscribe().with(e::complete, e::fail)));
    }

    /** Resets this process's VmHWM ({@code echo 5 > /proc/self/clear_refs}); false where Linux refuses. */
    private static boolean resetPeakMemory() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private static long procStatusKb(String pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    private static long cpuNanos(Process p) {
        return p == null ? 0 : p.toHandle().info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }

    private static long parseLoopback(String dotted) {
        String[] octets = dotted.trim().split("\\.");
        if (octets.length != 4 || !octets[0].equals("127")) {
            throw new IllegalArgumentException("not a 127.x.y.z address: " + dotted);
        }
        long value = 0;
        for (String o : octets) {
            value = (value << 8) | Integer.parseInt(o);
        }
        return value;
    }

    private static String formatIpv4(long v) {
        return ((v >>> 24) & 255) + "." + ((v >>> 16) & 255) + "." + ((v >>> 8) & 255) + "." + (v & 255);
    }
}
