package fleet.driver.cgminer;

import com.fasterxml.jackson.databind.JsonNode;
import fleet.driver.CommandOutcome;
import fleet.driver.MinerCallException;
import fleet.driver.MinerState;
import fleet.driver.PowerSource;
import fleet.driver.TelemetrySample;
import fleet.driver.firmware.FirmwareIdentity;
import fleet.driver.transport.CgminerReply;
import fleet.driver.transport.HashrateFields;
import fleet.driver.transport.LenientValues;
import fleet.driver.transport.PoolFields;
import fleet.driver.transport.StatusOutcomes;
import java.time.Instant;
import java.util.Map;

/**
 * Builds a {@link TelemetrySample} from generic cgminer {@code summary}, {@code pools} and {@code version}
 * replies. Pure. Power is taken only where the firmware puts it in {@code SUMMARY} (Whatsminer
 * {@code Power}, −1 = unknown) and is labelled a firmware estimate; stock cgminer/bmminer has none.
 */
final class CgminerTelemetryParser {

    static final String SUMMARY = "summary";
    static final String POOLS = "pools";
    static final String VERSION = "version";

    /**
     * A miner not hashing this long after its process started is stopped rather than starting: stock
     * firmware initialises its boards within a few minutes [E, notes §2.1: "minutes, not seconds"].
     */
    static final long STARTING_GRACE_SECONDS = 600;

    private CgminerTelemetryParser() {
    }

    static TelemetrySample parse(Map<String, CgminerReply> replies, Instant observedAt) {
        CgminerReply summary = replies.get(SUMMARY);
        if (summary == null) {
            throw new MinerCallException(CommandOutcome.protocolError("no summary reply", null));
        }
        if (!summary.ok()) {
            throw new MinerCallException(StatusOutcomes.failureOf(summary));
        }
        JsonNode entry = summary.first("SUMMARY");
        Double hashrate = HashrateFields.shortWindowHs(entry);
        Double average = HashrateFields.averageHs(entry);

        Double watts = LenientValues.asDouble(entry.get("Power"));
        if (watts != null && watts < 0) {
            watts = null;
        }
        PowerSource source = watts == null ? PowerSource.NONE : PowerSource.FIRMWARE_ESTIMATE;

        CgminerReply pools = replies.get(POOLS);
        Boolean poolsAlive = pools != null && pools.ok() ? PoolFields.anyAlive(pools.section("POOLS")) : null;
        Long elapsed = LenientValues.asLong(entry.get("Elapsed"));

        CgminerReply version = replies.get(VERSION);
        FirmwareIdentity firmware = version != null && version.ok() ? FirmwareIdentity.fromVersionReply(version) : null;
        String firmwareName = firmware != null && firmware.displayName() != null
                ? firmware.displayName() : summary.status().description();

        return new TelemetrySample(observedAt, watts, source, hashrate, average,
                decideState(hashrate, poolsAlive, elapsed), firmwareName,
                firmware == null ? null : firmware.model(), null, summary.status().when());
    }

    static MinerState decideState(Double hashrate, Boolean poolsAlive, Long elapsedSeconds) {
        if (hashrate != null && hashrate > 0) {
            return MinerState.MINING;
        }
        if (Boolean.FALSE.equals(poolsAlive)) {
            return MinerState.NO_POOL;
        }
        if (hashrate == null) {
            return MinerState.UNKNOWN;
        }
        return elapsedSeconds != null && elapsedSeconds < STARTING_GRACE_SECONDS
                ? MinerState.STARTING : MinerState.STOPPED;
    }
}
