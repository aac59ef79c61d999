package fleet.simulator;

/** What happened on the wire to one received command. */
public enum CommandOutcome {
    /** A complete reply (JSON or text, then NUL) was sent. */
    REPLIED,
    /** Timeout fault: never answered and never executed. */
    NO_REPLY,
    /** Flaky telemetry fault: the connection was closed without a reply; nothing was executed. */
    DROPPED,
    /** Close-mid-reply fault: executed, half of the reply sent, then closed. */
    CLOSED_MID_REPLY,
    /** Malformed JSON fault: executed, a truncated, unparseable reply was sent. */
    MALFORMED_REPLY
}
