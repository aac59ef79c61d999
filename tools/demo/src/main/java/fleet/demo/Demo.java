package fleet.demo;

import fleet.curtailment.v1.CurtailmentEvent;
import fleet.curtailment.v1.CurtailmentEventState;
import fleet.curtailment.v1.CurtailmentMode;
import fleet.curtailment.v1.CurtailmentServiceGrpc;
import fleet.curtailment.v1.DeviceIdentifierList;
import fleet.curtailment.v1.DeviceRegistration;
import fleet.curtailment.v1.FixedKwParams;
import fleet.curtailment.v1.GetCurtailmentEventRequest;
import fleet.curtailment.v1.GetDeviceTelemetryRequest;
import fleet.curtailment.v1.InventoryServiceGrpc;
import fleet.curtailment.v1.PreviewCurtailmentPlanRequest;
import fleet.curtailment.v1.RegisterDevicesRequest;
import fleet.curtailment.v1.Scope;
import fleet.curtailment.v1.StartCurtailmentRequest;
import fleet.curtailment.v1.StopCurtailmentRequest;
import fleet.curtailment.v1.TargetStateCount;
import fleet.persistence.Bootstrap;
import fleet.simulator.FleetSimulator;
import fleet.simulator.SimulatorConfig;
import fleet.testsupport.DevPostgres;
import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The whole system on one machine and one scripted curtailment, end to end: PostgreSQL (the local server, or an
 * embedded one), the fleet simulator, the api-service and two reconciler replicas as separate processes, then
 * bootstrap → register → telemetry → Preview → Start → ACTIVE → Stop with restore waves → COMPLETED, and a summary.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, description = "Run the whole system and one scripted curtailment.")
public final class Demo implements Callable<Integer> {

    @Option(names = "--miners", defaultValue = "1000", description = "Simulated miners (default ${DEFAULT-VALUE}).")
    int miners;

    @Option(names = "--time-scale", defaultValue = "10", description = "Simulator speed-up (default ${DEFAULT-VALUE}).")
    double timeScale;

    @Option(names = "--first-address", defaultValue = "127.1.0.1", description = "First miner address (default ${DEFAULT-VALUE}).")
    String firstAddress;

    @Option(names = "--fraction", defaultValue = "0.5", description = "Share of the fleet's load to shed (default ${DEFAULT-VALUE}).")
    double fraction;

    @Option(names = "--restore-batch", defaultValue = "250", description = "Restore wave size (default ${DEFAULT-VALUE}).")
    int restoreBatch;

    @Option(names = "--restore-interval", defaultValue = "3", description = "Seconds between restore waves (default ${DEFAULT-VALUE}).")
    int restoreInterval;

    @Option(names = "--poll-interval", defaultValue = "5s", description = "Telemetry poll interval (default ${DEFAULT-VALUE}).")
    String pollInterval;

    @Option(names = "--repo", description = "Repository root (default: found from the working directory).")
    Path repo;

    @Option(names = "--work-dir", defaultValue = ".fleet-demo", description = "Logs go here (default ${DEFAULT-VALUE}).")
    Path workDir;

    private final PrintStream out;

    public Demo() {
        this(System.out);
    }

    Demo(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Demo()).execute(args));
    }

    /** What the run measured. */
    public record Summary(int miners, double fleetKw, double targetKw, double shedKwConfirmed, double shedKwTrue,
            Duration timeToAllCommanded, Duration timeToAllConfirmed, Duration restoreDuration, String finalState) {
    }

    private Summary summary;

    Summary summary() {
        return summary;
    }

    @Override
    public Integer call() throws Exception {
        Path root = repo != null ? repo : findRepo();
        List<AutoCloseable> resources = new ArrayList<>();
        try {
            summary = run(root, resources);
            printSummary(summary);
            return 0;
        } finally {
            step("Shutting everything down");
            for (int i = resources.size() - 1; i >= 0; i--) {
                try {
                    resources.get(i).close();
                } catch (Exception e) {
                    out.println("  (while stopping: " + e.getMessage() + ")");
                }
            }
        }
    }

    private Summary run(Path root, List<AutoCloseable> resources) throws Exception {
        Map<String, String> db = database(resources);
        step("Starting the fleet simulator: " + miners + " LuxOS miners from " + firstAddress + " (time x" + timeScale + ")");
        FleetSimulator sim = FleetSimulator.start(SimulatorConfig.builder().miners(miners).firstAddress(firstAddress)
                .timeScale(timeScale).seed(42).withoutControlSurface().build());
        resources.add(sim::close);

        int apiPort = freePort();
        Path logs = workDir.toAbsolutePath();
        Map<String, String> env = new HashMap<>(db);
        env.put("FLEET_TELEMETRY_POLL_INTERVAL", pollInterval);
        env.put("FLEET_RECONCILER_TICK", "1s");
        step("Starting api-service on :" + apiPort + " and two reconciler replicas (logs in " + logs + ")");
        ServiceProcess api = ServiceProcess.start("api-service", root.resolve("api-service/target/quarkus-app/quarkus-run.jar"),
                apiPort, env, logs, "384m");
        resources.add(api);
        api.awaitReady(Duration.ofSeconds(90));
        List<ServiceProcess> reconcilers = new ArrayList<>();
        for (String name : List.of("reconciler-1", "reconciler-2")) {
            Map<String, String> renv = new HashMap<>(env);
            renv.put("FLEET_RECONCILER_NODE_ID", name);
            ServiceProcess r = ServiceProcess.start(name, root.resolve("reconciler-service/target/quarkus-app/quarkus-run.jar"),
                    freePort(), renv, logs, "384m");
            resources.add(r);
            reconcilers.add(r);
        }
        for (ServiceProcess r : reconcilers) {
            r.awaitReady(Duration.ofSeconds(90));
        }

        step("Bootstrapping an organization, an admin user and an API key");
        String apiKey;
        try (Connection c = DriverManager.getConnection(jdbcUrl(db), db.get("DB_USER"), db.getOrDefault("DB_PASSWORD", ""))) {
            apiKey = Bootstrap.createOrganization(c, "demo-" + Instant.now().toEpochMilli(), "demo@localhost").apiKey();
        }
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", apiPort).usePlaintext()
                .maxInboundMessageSize(16 << 20).build();
        resources.add(channel::shutdownNow);
        CallCredentials creds = bearer(apiKey);
        var inventory = InventoryServiceGrpc.newBlockingStub(channel).withCallCredentials(creds);
        var curtailment = CurtailmentServiceGrpc.newBlockingStub(channel).withCallCredentials(creds);

        step("Registering the fleet");
        List<String> identifiers = new ArrayList<>();
        for (int from = 0; from < miners; from += 10_000) {
            RegisterDevicesRequest.Builder reg = RegisterDevicesRequest.newBuilder();
            for (int i = from; i < Math.min(miners, from + 10_000); i++) {
                String id = String.format("sim-%05d", i + 1);
                identifiers.add(id);
                reg.addDevices(DeviceRegistration.newBuilder().setIdentifier(id).setHost(sim.host(i)).setPort(sim.port())
                        .setDriver("luxos").setModel(sim.miner(i).model().name()));
            }
            inventory.withDeadlineAfter(Duration.ofSeconds(60)).registerDevices(reg.build());
        }
        out.println("  " + miners + " devices registered");

        step("Waiting for telemetry from every miner");
        double[] fleetKw = new double[1];
        Waits.until("telemetry", Duration.ofMinutes(3), Duration.ofSeconds(1), () -> {
            var t = inventory.withDeadlineAfter(Duration.ofSeconds(30)).getDeviceTelemetry(GetDeviceTelemetryRequest.newBuilder()
                    .setDevices(DeviceIdentifierList.newBuilder().addAllIdentifiers(identifiers.subList(0, Math.min(10_000, miners))))
                    .build());
            fleetKw[0] = t.getTelemetryList().stream().mapToDouble(x -> x.getPowerW()).sum() / 1000.0;
            out.printf("\r  %d of %d miners reporting, %.1f kW", t.getTelemetryCount(), miners, fleetKw[0]);
            return t.getTelemetryCount() >= Math.min(10_000, miners);
        });
        out.println();
        double trueBefore = sim.trueTotalPowerW() / 1000.0;
        double targetKw = Math.round(fleetKw[0] * fraction * 10) / 10.0;

        step(String.format("Preview: shed %.1f kW of %.1f kW (FIXED_KW, least efficient first)", targetKw, fleetKw[0]));
        Scope scope = Scope.newBuilder().setWholeOrg(true).build();
        var preview = curtailment.previewCurtailmentPlan(PreviewCurtailmentPlanRequest.newBuilder().setScope(scope)
                .setMode(CurtailmentMode.CURTAILMENT_MODE_FIXED_KW)
                .setFixedKw(FixedKwParams.newBuilder().setTargetKw(targetKw).setToleranceKw(targetKw * 0.02))
                .setMaxDevicesListed(3).build());
        out.printf("  %d devices selected, estimated %.1f kW, %d skipped%n", preview.getSelectedTotal(),
                preview.getEstimatedReductionKw(), preview.getSkippedTotal());

        step("Start");
        var started = curtailment.startCurtailment(StartCurtailmentRequest.newBuilder().setScope(scope)
                .setMode(CurtailmentMode.CURTAILMENT_MODE_FIXED_KW)
                .setFixedKw(FixedKwParams.newBuilder().setTargetKw(targetKw).setToleranceKw(targetKw * 0.02))
                .setReason("demo: price spike").setIdempotencyKey("demo-" + Instant.now().toEpochMilli())
                .setRestoreBatchSize(restoreBatch).setRestoreBatchIntervalSec(restoreInterval).build());
        String eventId = started.getEvent().getEventId();
        out.println("  event " + eventId + ": " + started.getEvent().getTargetCount() + " targets, PENDING");

        CurtailmentEvent active = watch(curtailment, eventId, CurtailmentEventState.CURTAILMENT_EVENT_STATE_ACTIVE, targetKw);
        double trueDuring = sim.trueTotalPowerW() / 1000.0;
        Duration commanded = Duration.ZERO;
        Duration confirmed = Duration.ZERO;
        try (Connection c = DriverManager.getConnection(jdbcUrl(db), db.get("DB_USER"), db.getOrDefault("DB_PASSWORD", ""));
                var ps = c.prepareStatement("SELECT extract(epoch FROM max(t.curtail_dispatched_at) - e.created_at),"
                        + " extract(epoch FROM max(t.curtail_completed_at) - e.created_at)"
                        + " FROM curtailment_event e JOIN curtailment_target t ON t.event_id = e.id WHERE e.id = ?::uuid"
                        + " GROUP BY e.created_at")) {
            ps.setString(1, eventId);
            try (var rs = ps.executeQuery()) {
                if (rs.next()) {
                    commanded = Duration.ofMillis((long) (rs.getDouble(1) * 1000));
                    confirmed = Duration.ofMillis((long) (rs.getDouble(2) * 1000));
                }
            }
        }

        step("Stop: restore in waves of " + restoreBatch + " every " + restoreInterval + " s");
        Instant stopAt = Instant.now();
        curtailment.stopCurtailment(StopCurtailmentRequest.newBuilder().setEventId(eventId).setReason("demo: price back").build());
        CurtailmentEvent done = watch(curtailment, eventId, CurtailmentEventState.CURTAILMENT_EVENT_STATE_COMPLETED, targetKw);
        Duration restore = Duration.between(stopAt, Instant.now());
        audit(channel, creds, curtailment, eventId, apiPort);
        return new Summary(miners, fleetKw[0], targetKw, active.getRollup().getConfirmedReductionKw(), trueBefore - trueDuring,
                commanded, confirmed, restore, done.getState().name());
    }

    /**
     * The audit trail of one miner of the event (D37): who put it to sleep, when, why, and who woke it — and the one
     * fleetctl command that shows the same.
     */
    private void audit(ManagedChannel channel, CallCredentials creds,
            CurtailmentServiceGrpc.CurtailmentServiceBlockingStub curtailment, String eventId, int apiPort) {
        var targets = curtailment.withDeadlineAfter(Duration.ofSeconds(10)).getCurtailmentEvent(
                GetCurtailmentEventRequest.newBuilder().setEventId(eventId).setTargetPageSize(1).build()).getTargetsList();
        if (targets.isEmpty()) {
            return;
        }
        String miner = targets.get(0).getDeviceIdentifier();
        step("Audit: what touched " + miner);
        var history = fleet.curtailment.v1.ActivityServiceGrpc.newBlockingStub(channel).withCallCredentials(creds)
                .withDeadlineAfter(Duration.ofSeconds(10)).listCommandHistory(
                        fleet.curtailment.v1.ListCommandHistoryRequest.newBuilder().setDeviceIdentifier(miner).build());
        for (var e : history.getEntriesList()) {
            out.printf("  %s  %-8s %s%s attempt %d, event %s (\"%s\", started by %s %s)%n",
                    Instant.ofEpochSecond(e.getOccurredAt().getSeconds(), e.getOccurredAt().getNanos()), e.getAction(),
                    e.getOutcome(), e.hasReplyCode() ? " (" + e.getReplyCode() + ")" : "", e.getAttempt(), e.getEventId(),
                    e.getEventReason(), e.getEventCreatorType().name().replace("ACTOR_TYPE_", "").toLowerCase(),
                    e.getEventCreatorId());
        }
        out.println("  the same from a shell: fleetctl devices history " + miner + " --server 127.0.0.1:" + apiPort
                + " (token: FLEET_TOKEN)");
    }

    /** Follows the event until it reaches {@code until} (or any terminal state), drawing a progress line. */
    private CurtailmentEvent watch(CurtailmentServiceGrpc.CurtailmentServiceBlockingStub curtailment, String eventId,
            CurtailmentEventState until, double targetKw) {
        CurtailmentEvent[] last = new CurtailmentEvent[1];
        Waits.until(until.name(), Duration.ofMinutes(5), Duration.ofMillis(500), () -> {
            var e = curtailment.withDeadlineAfter(Duration.ofSeconds(10)).getCurtailmentEvent(
                    GetCurtailmentEventRequest.newBuilder().setEventId(eventId).setTargetPageSize(1).build()).getEvent();
            last[0] = e;
            out.print("\r  " + progress(e, targetKw));
            int s = e.getState().getNumber();
            return s == until.getNumber() || s >= CurtailmentEventState.CURTAILMENT_EVENT_STATE_COMPLETED_VALUE;
        });
        out.println();
        return last[0];
    }

    static String progress(CurtailmentEvent e, double targetKw) {
        double confirmedKw = e.getRollup().getConfirmedReductionKw();
        int width = 30;
        int filled = targetKw <= 0 ? 0 : (int) Math.min(width, Math.round(width * confirmedKw / targetKw));
        String states = e.getRollup().getByStateList().stream()
                .map(TargetStateCount::getState).map(s -> s.name().replace("CURTAILMENT_TARGET_STATE_", "").toLowerCase())
                .collect(Collectors.joining(" "));
        StringBuilder counts = new StringBuilder();
        for (TargetStateCount c : e.getRollup().getByStateList()) {
            counts.append(c.getState().name().replace("CURTAILMENT_TARGET_STATE_", "").toLowerCase()).append('=')
                    .append(c.getCount()).append(' ');
        }
        return String.format("%-10s [%s%s] %7.1f / %.1f kW confirmed  %s",
                e.getState().name().replace("CURTAILMENT_EVENT_STATE_", ""), "#".repeat(filled), ".".repeat(width - filled),
                confirmedKw, targetKw, counts.length() > 0 ? counts.toString().trim() : states);
    }

    private void printSummary(Summary s) {
        step("Summary");
        out.printf("  miners                      %d%n", s.miners());
        out.printf("  fleet load before           %.1f kW%n", s.fleetKw());
        out.printf("  requested reduction         %.1f kW%n", s.targetKw());
        out.printf("  confirmed reduction         %.1f kW (from telemetry)%n", s.shedKwConfirmed());
        out.printf("  true reduction (simulator)  %.1f kW%n", s.shedKwTrue());
        out.printf("  Start -> all commanded      %.2f s%n", s.timeToAllCommanded().toMillis() / 1000.0);
        out.printf("  Start -> all confirmed      %.2f s%n", s.timeToAllConfirmed().toMillis() / 1000.0);
        out.printf("  Stop -> restore complete    %.2f s%n", s.restoreDuration().toMillis() / 1000.0);
        out.printf("  final state                 %s%n", s.finalState());
    }

    private Map<String, String> database(List<AutoCloseable> resources) throws IOException, SQLException {
        String host = env("DB_HOST", "127.0.0.1");
        int port = Integer.parseInt(env("DB_PORT", "5432"));
        String name = env("DB_NAME", "fleet_demo");
        Map<String, String> db = new HashMap<>();
        if (reachable(host, port)) {
            step("Using the PostgreSQL on " + host + ":" + port + " (database " + name + ", recreated)");
            recreate(host, port, name, env("DB_USER", "postgres"), env("DB_PASSWORD", ""));
            db.put("DB_HOST", host);
            db.put("DB_PORT", Integer.toString(port));
            db.put("DB_USER", env("DB_USER", "postgres"));
            db.put("DB_PASSWORD", env("DB_PASSWORD", ""));
        } else {
            int embeddedPort = freePort();
            step("No PostgreSQL on " + host + ":" + port + ": starting an embedded PostgreSQL 15 on :" + embeddedPort);
            EmbeddedPostgres pg = DevPostgres.start(embeddedPort, name);
            resources.add(pg);
            db.put("DB_HOST", "127.0.0.1");
            db.put("DB_PORT", Integer.toString(embeddedPort));
            db.put("DB_USER", "postgres");
            db.put("DB_PASSWORD", "");
        }
        db.put("DB_NAME", name);
        return db;
    }

    private static void recreate(String host, int port, String name, String user, String password) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/postgres", user, password);
                var st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)");
            st.execute("CREATE DATABASE \"" + name + "\"");
        }
    }

    private static String jdbcUrl(Map<String, String> db) {
        return "jdbc:postgresql://" + db.get("DB_HOST") + ":" + db.get("DB_PORT") + "/" + db.get("DB_NAME");
    }

    private void step(String text) {
        out.println("==> " + text);
    }

    static Path findRepo() {
        String prop = System.getProperty("fleet.repo.root");
        if (prop != null && Files.exists(Path.of(prop, "api-service"))) {
            return Path.of(prop);
        }
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.exists(dir.resolve("api-service")) && Files.exists(dir.resolve("reconciler-service"))) {
                return dir;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("run from inside the repository, or pass --repo");
    }

    private static boolean reachable(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String env(String key, String fallback) {
        String v = System.getenv(key);
        return v == null || v.isBlank() ? fallback : v;
    }

    private static CallCredentials bearer(String token) {
        return new CallCredentials() {
            @Override
            public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
                Metadata h = new Metadata();
                h.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
                applier.apply(h);
            }
        };
    }
}
