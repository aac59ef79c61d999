package fleet.reconciler;

import fleet.driver.DriverRegistry;
import fleet.driver.DriverSettings;
import fleet.reconciler.loop.ReconcilerNode;
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

    private DriverRegistry drivers;
    private ReconcilerNode node;

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
        LOG.infof("reconciler replica %s started", id);
    }

    void stop(@Observes ShutdownEvent event) {
        if (node != null) {
            node.stop().await().atMost(Duration.ofSeconds(45));
        }
        if (drivers != null) {
            drivers.close();
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
}
