package fleet.reconciler;

import fleet.driver.DriverRegistry;
import fleet.driver.DriverSettings;
import fleet.reconciler.loop.ReconcilerNode;
import fleet.reconciler.telemetry.PollerSettings;
import fleet.reconciler.telemetry.TelemetryPoller;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgConnectOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/** Builds this process's reconciler replica at startup and shuts it down in order. */
@ApplicationScoped
public class ReconcilerLifecycle {

    private static final Logger LOG = Logger.getLogger(ReconcilerLifecycle.class);

    @Inject
    Vertx vertx;

    @Inject
    Pool pool;

    @Inject
    MeterRegistry meters;

    @ConfigProperty(name = "quarkus.datasource.reactive.url")
    String reactiveUrl;

    @ConfigProperty(name = "quarkus.datasource.username")
    String user;

    @ConfigProperty(name = "quarkus.datasource.password")
    Optional<String> password;

    @ConfigProperty(name = "fleet.reconciler.node-id")
    Optional<String> nodeId;

    @ConfigProperty(name = "fleet.reconciler.tick", defaultValue = "2s")
    Duration tick;

    @ConfigProperty(name = "fleet.reconciler.enabled", defaultValue = "true")
    boolean enabled;

    @ConfigProperty(name = "fleet.telemetry.enabled", defaultValue = "true")
    boolean telemetryEnabled;

    @ConfigProperty(name = "fleet.telemetry.poll-interval", defaultValue = "15s")
    Duration pollInterval;

    private DriverRegistry drivers;
    private ReconcilerNode node;
    private TelemetryPoller poller;

    // ---- schedule processor (SPEC §7.6): FLEET_SCHEDULES_ENABLED, FLEET_SCHEDULES_TICK ----
    @ConfigProperty(name = "fleet.schedules.enabled", defaultValue = "true")
    boolean schedulesEnabled;

    @ConfigProperty(name = "fleet.schedules.tick", defaultValue = "5s")
    Duration schedulesTick;

    private fleet.reconciler.schedules.ScheduleProcessor schedules;

    void start(@Observes StartupEvent event) {
        if (!enabled) {
            LOG.info("reconciler loop disabled (fleet.reconciler.enabled=false)");
            return;
        }
        Clock clock = Clock.systemUTC();
        String id = nodeId.filter(s -> !s.isBlank()).orElseGet(ReconcilerLifecycle::defaultNodeId);
        drivers = new DriverRegistry(vertx, clock, DriverSettings.defaults());
        PgConnectOptions options = PgConnectOptions.fromUri(reactiveUrl).setUser(user).setPassword(password.orElse(""));
        node = new ReconcilerNode(vertx, pool, options, drivers, clock, ReconcilerSettings.defaults(id).withTick(tick),
                meters);
        node.start().await().atMost(Duration.ofSeconds(30));
        if (telemetryEnabled) {
            poller = new TelemetryPoller(vertx, pool, node.leaseConnection(), drivers, clock,
                    PollerSettings.defaults().withPollInterval(pollInterval), meters, id);
            // the poller's shard locks live on the node's lease connection: start it on the node's context
            node.runOnContext(poller::start);
            TelemetryPoller shards = poller;
            node.reportOwnedShards(() -> shards.ownedShards().size());
        }
        LOG.infof("reconciler replica %s started (telemetry poller %s)", id, telemetryEnabled ? "on" : "off");
        // ---- schedule processor (SPEC §7.6, fleet.reconciler.schedules) ----
        if (schedulesEnabled) {
            schedules = new fleet.reconciler.schedules.ScheduleProcessor(vertx, pool, clock,
                    fleet.reconciler.schedules.ScheduleSettings.defaults(id).withTick(schedulesTick), meters);
            schedules.start().await().atMost(Duration.ofSeconds(10));
        }
    }

    void stop(@Observes ShutdownEvent event) {
        if (poller != null) {
            poller.stop().await().atMost(Duration.ofSeconds(15));
        }
        if (node != null) {
            node.stop().await().atMost(Duration.ofSeconds(45));
        }
        if (drivers != null) {
            drivers.close();
        }
        // ---- schedule processor ----
        if (schedules != null) {
            schedules.stop().await().atMost(Duration.ofSeconds(20));
        }
    }

    /** The running replica, or null when disabled. */
    public ReconcilerNode node() {
        return node;
    }

    private static String defaultNodeId() {
        String host = System.getenv("HOSTNAME");
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        return (host == null || host.isBlank() ? "reconciler" : host) + "-" + suffix;
    }

    // ---- operator-command executor (SPEC §7.4) ---------------------------------------------------------------------
    // Observers of their own: started after start() (it shares start()'s driver registry, so the per-miner write queue
    // also orders operator commands against curtail commands) and stopped before stop() closes that registry.

    @ConfigProperty(name = "fleet.commands.enabled", defaultValue = "true")
    boolean commandsEnabled;

    @ConfigProperty(name = "fleet.commands.max-in-flight", defaultValue = "64")
    int commandsMaxInFlight;

    @ConfigProperty(name = "fleet.commands.visibility-timeout", defaultValue = "5m")
    Duration commandsVisibilityTimeout;

    @ConfigProperty(name = "fleet.commands.attempt-timeout", defaultValue = "2m")
    Duration commandsAttemptTimeout;

    private fleet.reconciler.commands.CommandExecutor commands;

    void startCommands(@Observes @jakarta.annotation.Priority(jakarta.interceptor.Interceptor.Priority.APPLICATION + 600)
            StartupEvent event) {
        if (!commandsEnabled || drivers == null || node == null) {
            LOG.info("operator-command executor disabled");
            return;
        }
        PgConnectOptions options = PgConnectOptions.fromUri(reactiveUrl).setUser(user).setPassword(password.orElse(""));
        var settings = fleet.reconciler.commands.CommandSettings.defaults().withMaxInFlight(commandsMaxInFlight)
                .withTimeouts(commandsVisibilityTimeout, commandsAttemptTimeout);
        commands = new fleet.reconciler.commands.CommandExecutor(vertx, pool, options, drivers, settings, meters,
                node.nodeId());
        commands.start().await().atMost(Duration.ofSeconds(10));
        LOG.infof("operator-command executor started (%d commands in flight at most)", commandsMaxInFlight);
    }

    void stopCommands(@Observes @jakarta.annotation.Priority(jakarta.interceptor.Interceptor.Priority.APPLICATION)
            ShutdownEvent event) {
        if (commands != null) {
            commands.stop().await().atMost(Duration.ofSeconds(45));
        }
    }
}
