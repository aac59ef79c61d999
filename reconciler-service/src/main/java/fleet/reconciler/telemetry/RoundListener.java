package fleet.reconciler.telemetry;

import java.util.List;
import java.util.UUID;

/** Told about every finished round, on the poller's context: do not block. */
@FunctionalInterface
public interface RoundListener {

    /**
     * @param stats         what the round did
     * @param polledDevices the devices whose read finished in this round, in completion order
     */
    void roundFinished(RoundStats stats, List<UUID> polledDevices);
}
