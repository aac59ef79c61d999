package fleet.driver.cgminer;

import fleet.domain.CurtailmentLevel;
import fleet.driver.Capabilities;
import fleet.driver.Capability;
import fleet.driver.CommandOutcome;
import fleet.driver.DeviceEndpoint;
import fleet.driver.MinerDriver;
import fleet.driver.PowerSource;
import fleet.driver.PreCurtailSnapshot;
import fleet.driver.TelemetrySample;
import fleet.driver.firmware.FirmwareProbe;
import fleet.driver.transport.CgminerClient;
import io.smallrye.mutiny.Uni;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;

/**
 * Telemetry-only driver for any firmware speaking the plain cgminer API (stock Antminer, Braiins OS,
 * Whatsminer reads, vanilla cgminer) until it has a driver of its own. It has no curtail verb: every
 * command is REFUSED(UNSUPPORTED) without touching the network, so the reconciler skips these devices
 * as {@code curtail_unsupported} (SPEC §7.1) and never retries.
 */
public final class CgminerDriver implements MinerDriver {

    /** Registry name and {@code device.driver} value. */
    public static final String NAME = "cgminer";

    /** No command capabilities; power is not assumed (only some firmware puts it in {@code summary}). */
    public static final Capabilities DEFAULT_CAPABILITIES = new Capabilities(
            EnumSet.noneOf(Capability.class), PowerSource.NONE, Duration.ZERO, Duration.ZERO);

    private static final List<String> TELEMETRY_COMMANDS = List.of(
            CgminerTelemetryParser.SUMMARY, CgminerTelemetryParser.POOLS, CgminerTelemetryParser.VERSION);

    private final CgminerClient client;
    private final FirmwareProbe probe;
    private final Clock clock;

    public CgminerDriver(CgminerClient client, Clock clock) {
        this.client = client;
        this.probe = new FirmwareProbe(client);
        this.clock = clock;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Capabilities defaultCapabilities() {
        return DEFAULT_CAPABILITIES;
    }

    /** Reachability check through {@code version}; the answer is the defaults whatever the firmware. */
    @Override
    public Uni<Capabilities> capabilities(DeviceEndpoint device) {
        return probe.probe(device).replaceWith(DEFAULT_CAPABILITIES);
    }

    @Override
    public Uni<TelemetrySample> readTelemetry(DeviceEndpoint device) {
        // observed at the time we asked: the reply is at least that recent, and no later instant is safe to claim
        // (a read in flight across a curtail command could otherwise look newer than the command's confirmation)
        return Uni.createFrom().deferred(() -> {
            Instant asked = clock.instant();
            return client.sendMulti(device, TELEMETRY_COMMANDS).map(replies -> CgminerTelemetryParser.parse(replies, asked));
        });
    }

    @Override
    public Uni<CommandOutcome> curtail(DeviceEndpoint device, CurtailmentLevel level, PreCurtailSnapshot snapshot) {
        return unsupported("curtail");
    }

    @Override
    public Uni<CommandOutcome> uncurtail(DeviceEndpoint device, PreCurtailSnapshot snapshot) {
        return unsupported("uncurtail");
    }

    @Override
    public Uni<CommandOutcome> reboot(DeviceEndpoint device) {
        return unsupported("reboot");
    }

    @Override
    public Uni<CommandOutcome> setPowerTarget(DeviceEndpoint device, int watts) {
        return unsupported("setPowerTarget");
    }

    @Override
    public Uni<CommandOutcome> startMining(DeviceEndpoint device) {
        return unsupported("startMining");
    }

    @Override
    public Uni<CommandOutcome> stopMining(DeviceEndpoint device) {
        return unsupported("stopMining");
    }

    private static Uni<CommandOutcome> unsupported(String what) {
        return Uni.createFrom().item(CommandOutcome.unsupported(what + " on the telemetry-only cgminer driver"));
    }

    @Override
    public String toString() {
        return NAME;
    }
}
