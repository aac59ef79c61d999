package fleet.simulator;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs a simulated fleet until interrupted:
 * {@code java -jar tools/simulator/target/simulator.jar --miners 10000 --time-scale 10}.
 * Prints one status line per {@code --status-interval} (at least one second apart).
 */
@Command(name = "simulator", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Serves a fleet of simulated LuxOS miners, one per loopback address, "
                + "plus an HTTP control surface with the ground truth.")
public final class SimulatorMain implements Callable<Integer> {

    @Option(names = "--miners", defaultValue = "100", description = "Number of miners (default: ${DEFAULT-VALUE}).")
    int miners;

    @Option(names = "--first-address", defaultValue = "127.1.0.1",
            description = "Loopback address of miner 0; the others follow consecutively (default: ${DEFAULT-VALUE}).")
    String firstAddress;

    @Option(names = "--port", defaultValue = "4028", description = "API port of every miner (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--time-scale", defaultValue = "1",
            description = "Miner seconds per wall second; 10 = everything ten times faster (default: ${DEFAULT-VALUE}).")
    double timeScale;

    @Option(names = "--control-host", defaultValue = "127.0.0.1",
            description = "Address of the HTTP control surface (default: ${DEFAULT-VALUE}).")
    String controlHost;

    @Option(names = "--control-port", defaultValue = "4080",
            description = "Port of the HTTP control surface; 0 = any free port, -1 = none (default: ${DEFAULT-VALUE}).")
    int controlPort;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of every random choice (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--fault", paramLabel = "TYPE:SELECTOR[:PARAM]",
            description = "Fault from the start, repeatable. SELECTOR: fraction with a dot (0.01), index (7), "
                    + "range (0-99) or all. E.g. stuck_hashing:0.01, flaky_telemetry:0.05:0.5, offline:10-19.")
    List<String> faults = new ArrayList<>();

    @Option(names = "--wake-profile", defaultValue = "fast",
            description = "fast (~10 s) or stock (minutes) wakeup ramp (default: ${DEFAULT-VALUE}).")
    String wakeProfile;

    @Option(names = "--session-timeout", defaultValue = "60",
            description = "LuxOS session idle expiry in miner seconds (default: ${DEFAULT-VALUE}).")
    long sessionTimeoutSeconds;

    @Option(names = "--event-loops", defaultValue = "2", description = "Vert.x event loops (default: ${DEFAULT-VALUE}).")
    int eventLoops;

    @Option(names = "--firmware-version", defaultValue = "2025.4.8.220305-7b2c1f0",
            description = "LUXminer version reported (default: ${DEFAULT-VALUE}).")
    String firmwareVersion;

    @Option(names = "--status-interval", defaultValue = "1",
            description = "Seconds between status lines, at least 1 (default: ${DEFAULT-VALUE}).")
    long statusIntervalSeconds;

    public static void main(String[] args) {
        System.exit(new CommandLine(new SimulatorMain()).execute(args));
    }

    @Override
    public Integer call() throws InterruptedException {
        SimulatorConfig config = toConfig();
        long started = System.nanoTime();
        FleetSimulator simulator = FleetSimulator.start(config);
        System.out.printf(Locale.ROOT, "simulator: %d miners on %s..%s:%d, time scale %s, started in %d ms%n",
                simulator.size(), simulator.host(0), simulator.host(simulator.size() - 1), simulator.port(),
                config.timeScale(), (System.nanoTime() - started) / 1_000_000);
        warnIfHeapUncapped();
        simulator.controlPort().ifPresent(bound ->
                System.out.printf(Locale.ROOT, "simulator: control surface on http://%s:%d (GET /truth)%n",
                        config.controlHost(), bound));

        CountDownLatch stopped = new CountDownLatch(1);
        ScheduledExecutorService status = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "simulator-status");
            thread.setDaemon(true);
            return thread;
        });
        StatusLine statusLine = new StatusLine(simulator);
        long interval = Math.max(1, statusIntervalSeconds);
        status.scheduleAtFixedRate(() -> System.out.println(statusLine.next()), interval, interval, TimeUnit.SECONDS);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            status.shutdownNow();
            simulator.close();
            stopped.countDown();
        }, "simulator-shutdown"));
        stopped.await();
        return 0;
    }

    /**
     * The fleet's live set is small (~80 MB at 10 000 miners), but without {@code -Xmx} G1 may grow the
     * heap toward a quarter of the machine's memory under sustained polling, and the resident size
     * with it. A JAR cannot set its own heap, so say how to stay within the SPEC §10 budget.
     */
    private static void warnIfHeapUncapped() {
        boolean capped = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .anyMatch(argument -> argument.startsWith("-Xmx") || argument.startsWith("-XX:MaxHeapSize")
                        || argument.startsWith("-XX:MaxRAM"));
        long maxHeap = Runtime.getRuntime().maxMemory();
        if (!capped && maxHeap > 1L << 30) {
            System.out.printf(Locale.ROOT, "simulator: heap not capped (max %.1f GB); for the <1 GB resident budget "
                    + "run java -Xmx512m -jar simulator.jar ...%n", maxHeap / (double) (1L << 30));
        }
    }

    SimulatorConfig toConfig() {
        SimulatorConfig.Builder builder = SimulatorConfig.builder()
                .miners(miners)
                .firstAddress(firstAddress)
                .port(port)
                .timeScale(timeScale)
                .seed(seed)
                .eventLoops(eventLoops)
                .wakeProfile(WakeProfile.valueOf(wakeProfile.toUpperCase(Locale.ROOT)))
                .sessionIdleTimeout(Duration.ofSeconds(sessionTimeoutSeconds))
                .firmwareVersion(firmwareVersion);
        if (controlPort >= 0) {
            builder.controlSurface(controlHost, controlPort);
        }
        for (String fault : faults) {
            builder.fault(FaultAssignment.parse(fault, seed));
        }
        return builder.build();
    }

    /** One line of fleet totals and the connection rate since the previous line. */
    private static final class StatusLine {
        private final FleetSimulator simulator;
        private long previousConnections;
        private long previousNanos = System.nanoTime();

        StatusLine(FleetSimulator simulator) {
            this.simulator = simulator;
        }

        String next() {
            FleetTruth truth = simulator.truth();
            long connections = simulator.connectionsAccepted();
            long nanos = System.nanoTime();
            double rate = (connections - previousConnections) / ((nanos - previousNanos) / 1e9);
            previousConnections = connections;
            previousNanos = nanos;
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                    "true %.1f kW, %.1f PH/s | %.0f conn/s |", truth.trueTotalKw(), truth.trueTotalHashrateThs() / 1000, rate));
            truth.countsByState().forEach((state, count) -> {
                if (count > 0) {
                    line.append(' ').append(state.name().toLowerCase(Locale.ROOT)).append(' ').append(count);
                }
            });
            if (truth.unreachable() > 0) {
                line.append(" | unreachable ").append(truth.unreachable());
            }
            return line.toString();
        }
    }
}
