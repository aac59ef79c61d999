package fleet.driver.luxos;

import com.fasterxml.jackson.databind.JsonNode;
import fleet.driver.CommandOutcome;
import fleet.driver.MinerCallException;
import fleet.driver.MinerState;
import fleet.driver.PowerSource;
import fleet.driver.TelemetrySample;
import fleet.driver.transport.CgminerReply;
import fleet.driver.transport.HashrateFields;
import fleet.driver.transport.LenientValues;
import fleet.driver.transport.PoolFields;
import fleet.driver.transport.StatusOutcomes;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * Builds a {@link TelemetrySample} from LuxOS {@code summary}, {@code power}, {@code config} and
 * {@code pools} replies (notes §2.4). Pure: the replies and our clock's reading in, a sample out.
 *
 * <p>{@code summary} is required (without hashrate nothing can be concluded); the others are optional
 * and their absence only removes what they would have said: no {@code power} → power null, source NONE.
 */
final class LuxosTelemetryParser {

    static final String SUMMARY = "summary";
    static final String POWER = "power";
    static final String CONFIG = "config";
    static final String POOLS = "pools";

    private LuxosTelemetryParser() {
    }

    static TelemetrySample parse(Map<String, CgminerReply> replies, Instant observedAt) {
        CgminerReply summary = replies.get(SUMMARY);
        if (summary == null) {
            throw new MinerCallException(CommandOutcome.protocolError("no summary reply", null));
        }
        if (!summary.ok()) {
            throw new MinerCallException(StatusOutcomes.failureOf(summary));
        }
        JsonNode summaryEntry = summary.first("SUMMARY");
        Double hashrate = HashrateFields.shortWindowHs(summaryEntry);
        Double average = HashrateFields.averageHs(summaryEntry);

        JsonNode config = okFirst(replies.get(CONFIG), "CONFIG");
        JsonNode power = okFirst(replies.get(POWER), "POWER");
        CgminerReply pools = replies.get(POOLS);
        Boolean poolsAlive = pools != null && pools.ok() ? PoolFields.anyAlive(pools.section("POOLS")) : null;

        Double watts = power == null ? null : LenientValues.asDouble(power.get("Watts"));
        if (watts != null && watts < 0) {
            watts = null; // -1 and friends mean "unknown"
        }
        PowerSource source = watts == null ? PowerSource.NONE
                : Boolean.TRUE.equals(LenientValues.asBoolean(power.get("PSU"))) ? PowerSource.MEASURED_PSU
                : PowerSource.FIRMWARE_ESTIMATE;

        String curtailMode = config == null ? null : LenientValues.asText(config.get("CurtailMode"));
        Boolean psuOn = config == null ? null : LenientValues.asBoolean(config.get("IsPowerSupplyOn"));
        MinerState state = decideState(hashrate, isCurtailed(curtailMode), poolsAlive, psuOn);

        return new TelemetrySample(observedAt, watts, source, hashrate, average, state,
                summary.status().description(),
                config == null ? null : LenientValues.asText(config.get("Model")),
                config == null ? null : LenientValues.asText(config.get("Profile")),
                summary.status().when());
    }

    /** {@code CurtailMode} is {@code "None"} when not curtailed; any other value means a curtail mode is set. */
    static boolean isCurtailed(String curtailMode) {
        if (curtailMode == null) {
            return false;
        }
        String mode = curtailMode.trim().toLowerCase(Locale.ROOT);
        return !mode.isEmpty() && !mode.equals("none") && !mode.equals("off") && !mode.equals("false");
    }

    /**
     * Hashrate is the strongest evidence, so a miner that acknowledged sleep but still hashes (stuck
     * hashing) reads as MINING; sleep without hashing is SLEEPING; a powered miner that is neither asleep
     * nor hashing is out of pools, stopped, or on its way up.
     */
    static MinerState decideState(Double hashrate, boolean curtailed, Boolean poolsAlive, Boolean psuOn) {
        if (hashrate != null && hashrate > 0) {
            return MinerState.MINING;
        }
        if (curtailed) {
            return MinerState.SLEEPING;
        }
        if (Boolean.FALSE.equals(poolsAlive)) {
            return MinerState.NO_POOL;
        }
        if (Boolean.FALSE.equals(psuOn)) {
            return MinerState.STOPPED;
        }
        return hashrate == null ? MinerState.UNKNOWN : MinerState.STARTING;
    }

    private static JsonNode okFirst(CgminerReply reply, String section) {
        if (reply == null || !reply.ok()) {
            return null;
        }
        JsonNode first = reply.first(section);
        return first.isObject() ? first : null;
    }
}
