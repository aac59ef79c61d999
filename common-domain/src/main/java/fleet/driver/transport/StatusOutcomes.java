package fleet.driver.transport;

import fleet.driver.CommandOutcome;
import fleet.driver.RefusalReason;

/**
 * Maps a reply's {@code STATUS} envelope to a typed outcome. Codes are cgminer's ({@code api.c}
 * {@code MSG_*}), LuxOS's and Whatsminer v2's (notes §1.2); a code we do not know is a permanent
 * refusal with the firmware's own words in the detail.
 */
public final class StatusOutcomes {

    /** cgminer MSG_INVCMD: "Invalid command". */
    public static final int CODE_INVALID_COMMAND = 14;
    /** cgminer MSG_ACCDENY: "Access denied to '…' command" (no {@code --api-allow W:}). */
    public static final int CODE_ACCESS_DENIED = 45;
    /** LuxOS: "Another session is active". */
    public static final int CODE_SESSION_BUSY = 402;
    /** Whatsminer v2: token check failed. */
    public static final int CODE_WHATSMINER_TOKEN_INVALID = 135;
    /** Whatsminer v2: token used too many times. */
    public static final int CODE_WHATSMINER_TOKEN_EXHAUSTED = 136;

    private StatusOutcomes() {
    }

    /** ACCEPTED (with the firmware's message) for a success envelope, else the matching failure kind. */
    public static CommandOutcome of(CgminerReply reply) {
        StatusEntry status = reply.status();
        if (status.ok()) {
            return CommandOutcome.accepted(status.describe()).withReplyCode(status.code());
        }
        return failureOf(reply);
    }

    /** The failure kind of an error envelope ({@code E}, {@code F}, or none at all), with the firmware's code. */
    public static CommandOutcome failureOf(CgminerReply reply) {
        return kindOf(reply).withReplyCode(reply.status().code());
    }

    private static CommandOutcome kindOf(CgminerReply reply) {
        StatusEntry status = reply.status();
        String detail = status.describe();
        if ("?".equals(status.status())) {
            return CommandOutcome.protocolError("reply has no STATUS envelope", reply.raw());
        }
        if (status.code() == null) {
            return CommandOutcome.refused(RefusalReason.REJECTED, detail, reply.raw());
        }
        return switch (status.code()) {
            case CODE_INVALID_COMMAND -> CommandOutcome.refused(RefusalReason.UNSUPPORTED, detail);
            case CODE_ACCESS_DENIED -> CommandOutcome.refused(RefusalReason.ACCESS_DENIED, detail);
            case CODE_SESSION_BUSY, CODE_WHATSMINER_TOKEN_EXHAUSTED -> CommandOutcome.busy(detail);
            case CODE_WHATSMINER_TOKEN_INVALID -> CommandOutcome.refused(RefusalReason.AUTH, detail);
            default -> CommandOutcome.refused(RefusalReason.REJECTED, detail, reply.raw());
        };
    }
}
