package fleet.driver;

import fleet.driver.cgminer.CgminerDriver;
import fleet.driver.firmware.FirmwareProbe;
import fleet.driver.guard.PerMinerWriteQueue;
import fleet.driver.luxos.LuxosDriver;
import fleet.driver.transport.CgminerClient;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Maps {@code device.driver} names to drivers. All drivers of one registry share one transport, hence one
 * global in-flight bound, one circuit breaker and one per-miner write queue: the guards hold across
 * drivers, as they must (a miner is one miner whatever driver addresses it).
 *
 * <p>Create one registry per process (it owns a {@code NetClient}); services expose it with a CDI producer and close
 * it on shutdown. What is known about drivers without a connection (names, default capabilities) is
 * {@link DriverCatalog}.
 */
public final class DriverRegistry implements AutoCloseable {

    private final CgminerClient client;
    private final PerMinerWriteQueue writes;
    private final FirmwareProbe firmwareProbe;
    private final Map<String, MinerDriver> drivers;

    /**
     * @param vertx    the Vert.x instance (Quarkus: inject {@code io.vertx.core.Vertx}); the NetClient and
     *                 timers live on it
     * @param clock    the clock for {@link TelemetrySample#observedAt()} and circuit-breaker cool-offs
     * @param settings timeouts, caps and guard tunables ({@link DriverSettings#defaults()})
     */
    public DriverRegistry(Vertx vertx, Clock clock, DriverSettings settings) {
        this.client = new CgminerClient(vertx, clock, settings);
        this.writes = new PerMinerWriteQueue();
        this.firmwareProbe = new FirmwareProbe(client);
        Map<String, MinerDriver> byName = new LinkedHashMap<>();
        byName.put(LuxosDriver.NAME, new LuxosDriver(client, writes, clock));
        byName.put(CgminerDriver.NAME, new CgminerDriver(client, clock));
        this.drivers = Map.copyOf(byName);
    }

    /** Same, from the Mutiny-flavoured Vert.x that Quarkus also offers. */
    public DriverRegistry(io.vertx.mutiny.core.Vertx vertx, Clock clock, DriverSettings settings) {
        this(vertx.getDelegate(), clock, settings);
    }

    /** The driver of that name; {@link IllegalArgumentException} for an unknown name. */
    public MinerDriver driver(String name) {
        MinerDriver driver = drivers.get(name);
        if (driver == null) {
            throw new IllegalArgumentException("unknown driver '" + name + "', known: " + DriverCatalog.driverNames());
        }
        return driver;
    }

    /** The driver of that name, if known. */
    public Optional<MinerDriver> find(String name) {
        return Optional.ofNullable(drivers.get(name));
    }

    /** The driver named by the device's {@link DeviceEndpoint#driverName()}. */
    public MinerDriver driverFor(DeviceEndpoint device) {
        return driver(device.driverName());
    }

    /** All drivers. */
    public Collection<MinerDriver> drivers() {
        return drivers.values();
    }

    /** Firmware detection through {@code version} (which driver a new device should get). */
    public FirmwareProbe firmwareProbe() {
        return firmwareProbe;
    }

    /** The shared transport, for metrics (in-flight, queued, open circuits). */
    public CgminerClient transport() {
        return client;
    }

    /** Miners with a write running or queued right now. */
    public int minersWithWritesInFlight() {
        return writes.activeMiners();
    }

    /** Closes the shared NetClient; in-flight calls fail. */
    @Override
    public void close() {
        client.close();
    }
}
