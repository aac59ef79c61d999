package fleet.driver;

import java.util.Objects;

/**
 * The typed result of one command to one miner. A command's {@code Uni} never fails: every failure is
 * one of these kinds, so the caller's {@code switch} over {@link Kind} is the whole error handling.
 *
 * <p>{@link Kind#ACCEPTED} means the firmware acknowledged the command, never that it took effect:
 * only fresh telemetry confirms (SPEC §6.5).
 *
 * @param kind     what happened
 * @param reason   why it was refused; non-null exactly when {@code kind == REFUSED}
 * @param detail   human-readable detail (firmware code and message, timeout phase …); may be null
 * @param rawReply bounded raw bytes for {@code PROTOCOL_ERROR} (and firmware errors); may be null
 * @param replyCode the firmware's {@code STATUS} code when it answered with an envelope (LuxOS 335 "Curtailment
 *                  command sent", cgminer 45 "Access denied" …); null when no envelope arrived (unreachable, timeout)
 */
public record CommandOutcome(Kind kind, RefusalReason reason, String detail, RawReply rawReply, Integer replyCode) {

    /** The outcome kinds (SPEC §7.1). */
    public enum Kind {
        /** The firmware acknowledged the command; telemetry must still confirm it. */
        ACCEPTED,
        /** Nothing to do: the miner already is where the command would take it. */
        ALREADY_IN_STATE,
        /** Permanently refused (see {@link RefusalReason}); never retried. */
        REFUSED,
        /** Temporarily refused (e.g. LuxOS {@code Code 402}, another session active); retry with backoff. */
        BUSY,
        /** No connection could be made (refused, no route, connect timeout, circuit open): not delivered. */
        UNREACHABLE,
        /** Connected but no complete reply within the bound: the command may or may not have been applied. */
        TIMEOUT,
        /** A reply arrived but could not be understood (malformed, truncated, oversized); raw bytes kept. */
        PROTOCOL_ERROR;

        /** ACCEPTED or ALREADY_IN_STATE. */
        public boolean succeeded() {
            return this == ACCEPTED || this == ALREADY_IN_STATE;
        }

        /** Worth another attempt later (within the caller's retry budget). */
        public boolean retryable() {
            return this == BUSY || this == UNREACHABLE || this == TIMEOUT || this == PROTOCOL_ERROR;
        }
    }

    private static final CommandOutcome ACCEPTED = new CommandOutcome(Kind.ACCEPTED, null, null, null);
    private static final CommandOutcome ALREADY = new CommandOutcome(Kind.ALREADY_IN_STATE, null, null, null);

    /** An outcome without a firmware reply code. */
    public CommandOutcome(Kind kind, RefusalReason reason, String detail, RawReply rawReply) {
        this(kind, reason, detail, rawReply, null);
    }

    public CommandOutcome {
        Objects.requireNonNull(kind, "kind");
        if ((kind == Kind.REFUSED) != (reason != null)) {
            throw new IllegalArgumentException("a reason is required for REFUSED and only for REFUSED");
        }
    }

    public static CommandOutcome accepted() {
        return ACCEPTED;
    }

    public static CommandOutcome accepted(String detail) {
        return new CommandOutcome(Kind.ACCEPTED, null, detail, null);
    }

    public static CommandOutcome alreadyInState(String detail) {
        return detail == null ? ALREADY : new CommandOutcome(Kind.ALREADY_IN_STATE, null, detail, null);
    }

    public static CommandOutcome refused(RefusalReason reason, String detail) {
        return new CommandOutcome(Kind.REFUSED, Objects.requireNonNull(reason, "reason"), detail, null);
    }

    public static CommandOutcome refused(RefusalReason reason, String detail, RawReply raw) {
        return new CommandOutcome(Kind.REFUSED, Objects.requireNonNull(reason, "reason"), detail, raw);
    }

    /** The driver or firmware lacks the verb; what operator commands return where unsupported. */
    public static CommandOutcome unsupported(String what) {
        return refused(RefusalReason.UNSUPPORTED, "unsupported: " + what);
    }

    public static CommandOutcome busy(String detail) {
        return new CommandOutcome(Kind.BUSY, null, detail, null);
    }

    public static CommandOutcome unreachable(String detail) {
        return new CommandOutcome(Kind.UNREACHABLE, null, detail, null);
    }

    public static CommandOutcome timeout(String detail) {
        return new CommandOutcome(Kind.TIMEOUT, null, detail, null);
    }

    /** A timeout that kept the partial reply received before the bound. */
    public static CommandOutcome timeout(String detail, RawReply partial) {
        return new CommandOutcome(Kind.TIMEOUT, null, detail,
                partial == null || partial.originalLength() == 0 ? null : partial);
    }

    public static CommandOutcome protocolError(String detail, RawReply raw) {
        return new CommandOutcome(Kind.PROTOCOL_ERROR, null, detail, raw == null ? RawReply.empty() : raw);
    }

    /**
     * Maps any failure to an outcome: a {@link MinerCallException} carries its own, anything else is a
     * driver bug and becomes a retryable PROTOCOL_ERROR rather than an exception escaping to the caller.
     */
    public static CommandOutcome fromFailure(Throwable failure) {
        if (failure instanceof MinerCallException call) {
            return call.outcome();
        }
        return protocolError("unexpected driver failure: " + failure, null);
    }

    /** The same outcome carrying the firmware's {@code STATUS} code (null keeps none). */
    public CommandOutcome withReplyCode(Integer code) {
        return Objects.equals(code, replyCode) ? this : new CommandOutcome(kind, reason, detail, rawReply, code);
    }

    /** Shorthand for {@code kind().succeeded()}. */
    public boolean succeeded() {
        return kind.succeeded();
    }

    /** Shorthand for {@code kind().retryable()}. */
    public boolean retryable() {
        return kind.retryable();
    }

    /** One line for {@code last_error} columns and logs. */
    public String describe() {
        StringBuilder s = new StringBuilder(kind.name());
        if (reason != null) {
            s.append('(').append(reason).append(')');
        }
        if (detail != null) {
            s.append(": ").append(detail);
        }
        if (rawReply != null && rawReply.originalLength() > 0) {
            s.append(" [raw: ").append(rawReply.preview()).append(']');
        }
        return s.toString();
    }
}
