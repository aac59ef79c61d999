package fleet.persistence;

/**
 * The PostgreSQL NOTIFY channels through which the two services wake each other. Each payload is one id as text; a
 * NOTIFY only wakes a reader, which then re-reads the rows (level-based), so a lost notification costs latency, never
 * correctness.
 */
public final class Channels {

    /** An event needs its owner's attention (Start, Stop, Update, admin recovery, a system restore); payload: event id. */
    public static final String CURTAILMENT_WORK = "curtailment_work";

    /** An event's owner committed progress (fenced writes); payload: event id. Read by the api-service's Watch. */
    public static final String CURTAILMENT_PROGRESS = "curtailment_progress";

    /** Operator commands were queued; payload: batch id. Read by the reconciler's command executor. */
    public static final String OPERATOR_COMMAND_WORK = "operator_command_work";

    private Channels() {
    }
}
