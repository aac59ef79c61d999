package fleet.reconciler.telemetry;

import fleet.domain.DeviceStatus;
import fleet.driver.CommandOutcome;
import fleet.driver.MinerState;
import fleet.driver.RefusalReason;
import java.util.Locale;

/**
 * How one telemetry read becomes a {@code device_telemetry_latest.status} (the database's CHECK vocabulary,
 * {@link DeviceStatus}). Pure.
 */
final class StatusMapping {

    private StatusMapping() {
    }

    /**
     * A successful read: the miner's state by name. {@link MinerState#UNKNOWN} (the reply did not say whether the
     * miner hashes) becomes {@link DeviceStatus#ERROR}: the column has no "unknown", and ERROR is the one value that
     * neither claims the miner is healthy nor that the poll failed (selection still sees its power).
     */
    static DeviceStatus statusOf(MinerState state) {
        return switch (state) {
            case MINING -> DeviceStatus.MINING;
            case SLEEPING -> DeviceStatus.SLEEPING;
            case STOPPED -> DeviceStatus.STOPPED;
            case STARTING -> DeviceStatus.STARTING;
            case NO_POOL -> DeviceStatus.NO_POOL;
            case REBOOTING -> DeviceStatus.REBOOTING;
            case ERROR, UNKNOWN -> DeviceStatus.ERROR;
        };
    }

    /**
     * A failed read: not delivered or no reply → UNREACHABLE; credentials refused → AUTH_FAILED; a reply we could
     * not understand, busy, or any other refusal → ERROR.
     */
    static DeviceStatus statusOf(CommandOutcome failure) {
        return switch (failure.kind()) {
            case UNREACHABLE, TIMEOUT -> DeviceStatus.UNREACHABLE;
            case REFUSED -> failure.reason() == RefusalReason.AUTH ? DeviceStatus.AUTH_FAILED : DeviceStatus.ERROR;
            case PROTOCOL_ERROR, BUSY -> DeviceStatus.ERROR;
            case ACCEPTED, ALREADY_IN_STATE -> throw new IllegalArgumentException("not a failure: " + failure);
        };
    }

    /**
     * The {@code reason} tag of the failure counter: the outcome kind, and for refusals the refusal reason
     * ({@code unreachable}, {@code timeout}, {@code protocol_error}, {@code busy}, {@code refused_auth}, …). A bounded
     * vocabulary, so the counter's cardinality stays small.
     */
    static String failureReason(CommandOutcome failure) {
        String kind = failure.kind().name().toLowerCase(Locale.ROOT);
        return failure.reason() == null ? kind : kind + '_' + failure.reason().name().toLowerCase(Locale.ROOT);
    }
}
