package fleet.driver;

import fleet.domain.CurtailmentLevel;
import io.smallrye.mutiny.Uni;

/**
 * Speaks one firmware family's protocol (SPEC §7.1). The contract every implementation keeps is stated
 * in {@code package-info.java}; in short: non-blocking, idempotent, command {@code Uni}s never fail
 * (every failure is a {@link CommandOutcome}), read {@code Uni}s fail only with
 * {@link MinerCallException}, ACCEPTED is not confirmation, and no per-miner memory beyond the bounded
 * guard state.
 */
public interface MinerDriver {

    /** The registry name ({@code luxos}, {@code cgminer}); the value of {@code device.driver}. */
    String name();

    /** What this driver offers any device before talking to it; answers without network access. */
    Capabilities defaultCapabilities();

    /**
     * Asks the device what it offers (firmware detection, power reporting). Fails with
     * {@link MinerCallException} when the device cannot be read.
     */
    Uni<Capabilities> capabilities(DeviceEndpoint device);

    /** Reads telemetry. Fails only with {@link MinerCallException}. Reads never wait for writes. */
    Uni<TelemetrySample> readTelemetry(DeviceEndpoint device);

    /**
     * Asks the miner to reduce its power to the given level. {@code snapshot} is what the caller captured
     * and stored before the command (may be {@link PreCurtailSnapshot#unknown()}); drivers that need
     * pre-curtail state read it from here, never from memory.
     */
    Uni<CommandOutcome> curtail(DeviceEndpoint device, CurtailmentLevel level, PreCurtailSnapshot snapshot);

    /**
     * Restores the miner to its pre-curtail state. When the snapshot says it was not mining, nothing is
     * sent and the result is {@code ALREADY_IN_STATE}.
     */
    Uni<CommandOutcome> uncurtail(DeviceEndpoint device, PreCurtailSnapshot snapshot);

    /** Operator command: reboot the miner. REFUSED(UNSUPPORTED) where the firmware lacks it. */
    Uni<CommandOutcome> reboot(DeviceEndpoint device);

    /** Operator command: set the power target in watts. REFUSED(UNSUPPORTED) where the firmware lacks it. */
    Uni<CommandOutcome> setPowerTarget(DeviceEndpoint device, int watts);

    /** Operator command: start mining. REFUSED(UNSUPPORTED) where the firmware lacks it. */
    Uni<CommandOutcome> startMining(DeviceEndpoint device);

    /** Operator command: stop mining. REFUSED(UNSUPPORTED) where the firmware lacks it. */
    Uni<CommandOutcome> stopMining(DeviceEndpoint device);
}
