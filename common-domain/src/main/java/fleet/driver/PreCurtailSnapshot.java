package fleet.driver;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What a miner was doing before we curtailed it, so restore can put it back. The caller captures it
 * (usually from the latest telemetry, {@link #from(TelemetrySample)}), stores it as JSON on the target
 * row, and passes it back to {@code uncurtail}; drivers never keep it in memory, so a reconciler restart
 * or a lease moving to another replica loses nothing.
 *
 * <p>The JSON property names are a persisted format (snake_case, nulls omitted, unknown properties
 * ignored so older rows stay readable when fields are added). Every field is nullable: null means
 * "unknown", and unknown {@code wasMining} restores as if it had been mining (waking a miner that
 * should sleep costs power; leaving asleep a miner that should mine costs revenue and looks broken).
 *
 * @param wasMining    whether the miner was mining (or starting) before the curtailment
 * @param powerTargetW the power target it had, in watts
 * @param profile      its performance profile / work mode
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record PreCurtailSnapshot(@JsonProperty("was_mining") Boolean wasMining,
                                 @JsonProperty("power_target_w") Integer powerTargetW,
                                 @JsonProperty("profile") String profile) {

    private static final PreCurtailSnapshot UNKNOWN = new PreCurtailSnapshot(null, null, null);

    /** Nothing known; restores as "was mining". */
    public static PreCurtailSnapshot unknown() {
        return UNKNOWN;
    }

    /**
     * Captures a snapshot from telemetry read before the command. A miner that was asleep or stopped
     * was not mining; one that was starting counts as mining (it was on its way there); an
     * {@link MinerState#UNKNOWN} state leaves {@code wasMining} unknown.
     */
    public static PreCurtailSnapshot from(TelemetrySample sample) {
        if (sample == null) {
            return UNKNOWN;
        }
        Boolean mining = switch (sample.state()) {
            case MINING, STARTING, NO_POOL -> Boolean.TRUE;
            case SLEEPING, STOPPED -> Boolean.FALSE;
            case REBOOTING, ERROR, UNKNOWN -> null;
        };
        return new PreCurtailSnapshot(mining, null, sample.profile());
    }

    /** True unless the snapshot positively says the miner was not mining. */
    public boolean shouldResumeMining() {
        return !Boolean.FALSE.equals(wasMining);
    }
}
