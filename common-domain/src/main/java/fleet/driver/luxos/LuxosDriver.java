package fleet.driver.luxos;

import fleet.domain.CurtailmentLevel;
import fleet.driver.Capabilities;
import fleet.driver.Capability;
import fleet.driver.CommandOutcome;
import fleet.driver.DeviceEndpoint;
import fleet.driver.MinerCallException;
import fleet.driver.MinerDriver;
import fleet.driver.PowerSource;
import fleet.driver.PreCurtailSnapshot;
import fleet.driver.RefusalReason;
import fleet.driver.TelemetrySample;
import fleet.driver.firmware.FirmwareFamily;
import fleet.driver.firmware.FirmwareIdentity;
import fleet.driver.guard.PerMinerWriteQueue;
import fleet.driver.transport.CgminerClient;
import fleet.driver.transport.CgminerReply;
import fleet.driver.transport.LenientValues;
import fleet.driver.transport.StatusOutcomes;
import io.smallrye.mutiny.Uni;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;

/**
 * LuxOS (LUXminer) over the cgminer-compatible API on 4028 (notes §2.4): telemetry from
 * {@code summary+power+config+pools}, curtail as {@code curtail <sid>,sleep|wakeup} inside a
 * logon/logoff session, reboot and power target likewise. LuxOS has no separate start/stop-mining verb
 * in our vocabulary (sleep/wakeup is the curtailment), so those operator commands are unsupported.
 */
public final class LuxosDriver implements MinerDriver {

    /** Registry name and {@code device.driver} value. */
    public static final String NAME = "luxos";

    /**
     * Sleep reaches ~25 W in under 5 s; a default wake-up ramps like a profile change, so a minute is a
     * realistic expectation (fast custom wake-up steps reach full power in under 10 s) [notes §2.4, §4].
     */
    public static final Capabilities DEFAULT_CAPABILITIES = new Capabilities(
            EnumSet.of(Capability.CURTAIL_FULL, Capability.POWER_TARGET, Capability.POWER_REPORTED, Capability.REBOOT),
            PowerSource.FIRMWARE_ESTIMATE, Duration.ofSeconds(5), Duration.ofSeconds(60));

    private static final List<String> TELEMETRY_COMMANDS = List.of(
            LuxosTelemetryParser.SUMMARY, LuxosTelemetryParser.POWER, LuxosTelemetryParser.CONFIG,
            LuxosTelemetryParser.POOLS);
    private static final List<String> CAPABILITY_COMMANDS = List.of("version", LuxosTelemetryParser.POWER);

    private final CgminerClient client;
    private final PerMinerWriteQueue writes;
    private final Clock clock;
    private final LuxosSession session;

    /**
     * @param client shared transport (its limiter and breaker are global across drivers)
     * @param writes shared per-miner write serialisation
     * @param clock  source of {@link TelemetrySample#observedAt()}
     */
    public LuxosDriver(CgminerClient client, PerMinerWriteQueue writes, Clock clock) {
        this.client = client;
        this.writes = writes;
        this.clock = clock;
        this.session = new LuxosSession(client);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Capabilities defaultCapabilities() {
        return DEFAULT_CAPABILITIES;
    }

    /**
     * Confirms the firmware really is LuxOS (otherwise only telemetry flags remain) and learns whether
     * its wattage is PSU-measured or estimated.
     */
    @Override
    public Uni<Capabilities> capabilities(DeviceEndpoint device) {
        return client.sendMulti(device, CAPABILITY_COMMANDS).map(replies -> {
            CgminerReply version = replies.get("version");
            if (version == null || !version.ok()) {
                throw new MinerCallException(version == null
                        ? CommandOutcome.protocolError("no version reply", null)
                        : StatusOutcomes.failureOf(version));
            }
            PowerSource source = powerSource(replies.get(LuxosTelemetryParser.POWER));
            FirmwareIdentity firmware = FirmwareIdentity.fromVersionReply(version);
            Capabilities caps = DEFAULT_CAPABILITIES.withPowerSource(source);
            if (firmware.family() != FirmwareFamily.LUXOS) {
                return caps.withFlags(caps.has(Capability.POWER_REPORTED)
                        ? EnumSet.of(Capability.POWER_REPORTED) : EnumSet.noneOf(Capability.class));
            }
            return caps;
        });
    }

    @Override
    public Uni<TelemetrySample> readTelemetry(DeviceEndpoint device) {
        // observed at the time we asked: the reply is at least that recent, and no later instant is safe to claim
        // (a read in flight across a curtail command could otherwise look newer than the command's confirmation)
        return Uni.createFrom().deferred(() -> {
            Instant asked = clock.instant();
            return client.sendMulti(device, TELEMETRY_COMMANDS).map(replies -> LuxosTelemetryParser.parse(replies, asked));
        });
    }

    @Override
    public Uni<CommandOutcome> curtail(DeviceEndpoint device, CurtailmentLevel level, PreCurtailSnapshot snapshot) {
        if (level != CurtailmentLevel.FULL) {
            return Uni.createFrom().item(CommandOutcome.unsupported("curtail level " + level + " on LuxOS"));
        }
        return write(device, "curtail", "sleep", true);
    }

    /** Wakes the miner unless the snapshot says it was not mining before (then it is left as it is). */
    @Override
    public Uni<CommandOutcome> uncurtail(DeviceEndpoint device, PreCurtailSnapshot snapshot) {
        if (snapshot != null && !snapshot.shouldResumeMining()) {
            return Uni.createFrom().item(CommandOutcome.alreadyInState(
                    "was not mining before the curtailment; left as it is"));
        }
        return write(device, "curtail", "wakeup", true);
    }

    /** {@code rebootdevice}: the whole device; no logoff afterwards because the API is going down. */
    @Override
    public Uni<CommandOutcome> reboot(DeviceEndpoint device) {
        return write(device, "rebootdevice", null, false);
    }

    /**
     * {@code powertargetset <sid>,power=<watts>} on models with power targeting. The parameter form is
     * taken from third-party tooling, not from Luxor's docs [E: verify on hardware].
     */
    @Override
    public Uni<CommandOutcome> setPowerTarget(DeviceEndpoint device, int watts) {
        if (watts <= 0) {
            return Uni.createFrom().item(CommandOutcome.refused(RefusalReason.REJECTED,
                    "power target must be positive: " + watts));
        }
        return write(device, "powertargetset", "power=" + watts, true);
    }

    @Override
    public Uni<CommandOutcome> startMining(DeviceEndpoint device) {
        return Uni.createFrom().item(CommandOutcome.unsupported("startMining on LuxOS (use uncurtail)"));
    }

    @Override
    public Uni<CommandOutcome> stopMining(DeviceEndpoint device) {
        return Uni.createFrom().item(CommandOutcome.unsupported("stopMining on LuxOS (use curtail)"));
    }

    private Uni<CommandOutcome> write(DeviceEndpoint device, String command, String argument, boolean logoffAfter) {
        return writes.submit(device.minerKey(),
                        () -> session.run(device, command, argument, LuxosDriver::interpretWriteReply, logoffAfter))
                .onFailure().recoverWithItem(CommandOutcome::fromFailure);
    }

    /**
     * Success is ACCEPTED (never "confirmed"). Among errors, a lost or expired session is BUSY (another
     * client took over between our logon and the command: worth a retry) and "already …" is
     * ALREADY_IN_STATE; everything else keeps its generic meaning.
     */
    static CommandOutcome interpretWriteReply(CgminerReply reply) {
        return interpret(reply).withReplyCode(reply.status().code());
    }

    private static CommandOutcome interpret(CgminerReply reply) {
        if (reply.ok()) {
            String action = LenientValues.asText(reply.first("CURTAIL").get("Action"));
            String detail = reply.status().describe();
            return CommandOutcome.accepted(action == null ? detail : detail + " (" + action + ')');
        }
        CommandOutcome generic = StatusOutcomes.failureOf(reply);
        if (generic.kind() != CommandOutcome.Kind.REFUSED
                || generic.reason() != RefusalReason.REJECTED) {
            return generic;
        }
        String msg = reply.status().msg() == null ? "" : reply.status().msg().toLowerCase(Locale.ROOT);
        if (msg.contains("already")) {
            return CommandOutcome.alreadyInState(reply.status().describe());
        }
        if (msg.contains("session")) {
            return CommandOutcome.busy(reply.status().describe());
        }
        return generic;
    }

    private static PowerSource powerSource(CgminerReply power) {
        if (power == null || !power.ok()) {
            return PowerSource.NONE;
        }
        var entry = power.first("POWER");
        Double watts = LenientValues.asDouble(entry.get("Watts"));
        if (watts == null || watts < 0) {
            return PowerSource.NONE;
        }
        return Boolean.TRUE.equals(LenientValues.asBoolean(entry.get("PSU")))
                ? PowerSource.MEASURED_PSU : PowerSource.FIRMWARE_ESTIMATE;
    }

    @Override
    public String toString() {
        return NAME;
    }
}
