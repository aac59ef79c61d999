package fleet.driver.firmware;

import fleet.driver.DeviceEndpoint;
import fleet.driver.MinerCallException;
import fleet.driver.transport.CgminerClient;
import fleet.driver.transport.CgminerRequest;
import fleet.driver.transport.StatusOutcomes;
import io.smallrye.mutiny.Uni;

/** Asks a miner's {@code version} to learn its firmware family (notes §6.2: detection by version keys). */
public final class FirmwareProbe {

    private final CgminerClient client;

    public FirmwareProbe(CgminerClient client) {
        this.client = client;
    }

    /** The firmware identity; fails with {@link MinerCallException} when the miner cannot be read. */
    public Uni<FirmwareIdentity> probe(DeviceEndpoint device) {
        return client.send(device, CgminerRequest.of("version")).map(reply -> {
            if (!reply.ok()) {
                throw new MinerCallException(StatusOutcomes.failureOf(reply));
            }
            return FirmwareIdentity.fromVersionReply(reply);
        });
    }
}
