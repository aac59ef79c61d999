package fleet.reconciler.step;

import fleet.driver.CommandOutcome;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The audit trail of the reconciler's own miner commands (D37): one {@code curtailment_command_log} row per CURTAIL or
 * RESTORE command that was sent, written by the very statement that records the batch's outcomes on its targets (a
 * data-modifying CTE), so it commits with them inside the event's fenced transaction and costs no extra round trip. A
 * fenced owner records nothing.
 *
 * <p>The row is written for every command sent, whether or not the target's guarded update still matched (a Stop may
 * have reset the target meanwhile): the miner got the command either way. The attempt is the target's
 * {@code retry_count + 1} before the write (all CTEs see the same snapshot), i.e. the attempt within the phase budget.
 */
final class CommandLog {

    /** Most characters of firmware text kept per row (the column's CHECK). */
    static final int DETAIL_MAX = 512;

    private CommandLog() {
    }

    /**
     * The CTE {@code logged} inserting one row per element of the CTE {@code u}, which must have the columns
     * {@code id} (target id), {@code outcome}, {@code refusal}, {@code code}, {@code detail}, {@code sent},
     * {@code answered}.
     *
     * @param action       CURTAIL or RESTORE
     * @param replicaParam the parameter number binding the replica's id
     */
    static String insert(String action, int replicaParam) {
        if (!action.equals("CURTAIL") && !action.equals("RESTORE")) {
            throw new IllegalArgumentException(action);
        }
        return """
                logged AS (
                    INSERT INTO curtailment_command_log (org_id, event_id, device_id, action, attempt, outcome,
                        refusal_reason, reply_code, detail, source_actor_type, source_actor_id, created_by_user_id,
                        replica, sent_at, finished_at)
                    SELECT t.org_id, t.event_id, t.device_id, '%s', t.retry_count + 1, u.outcome, u.refusal, u.code,
                           left(u.detail, %d), e.source_actor_type, e.source_actor_id, e.created_by_user_id, $%d,
                           u.sent, greatest(u.sent, u.answered)
                    FROM u JOIN curtailment_target t ON t.id = u.id JOIN curtailment_event e ON e.id = t.event_id
                )
                """.formatted(action, DETAIL_MAX, replicaParam);
    }

    /** The unnest arguments of the log's columns, typed, from parameter {@code first} on (six parameters). */
    static String unnestArguments(int first) {
        return "$%d::text[], $%d::text[], $%d::int[], $%d::text[], $%d::timestamptz[], $%d::timestamptz[]"
                .formatted(first, first + 1, first + 2, first + 3, first + 4, first + 5);
    }

    /** The names of those columns in the unnest's alias list. */
    static final String UNNEST_COLUMNS = "outcome, refusal, code, detail, sent, answered";

    /** The log's column arrays for one batch of sent commands, in the order the caller adds them. */
    static final class Columns {
        private final List<String> outcome = new ArrayList<>();
        private final List<String> refusal = new ArrayList<>();
        private final List<Integer> code = new ArrayList<>();
        private final List<String> detail = new ArrayList<>();
        private final List<OffsetDateTime> sent = new ArrayList<>();
        private final List<OffsetDateTime> answered = new ArrayList<>();

        void add(MinerCalls.Sent s) {
            CommandOutcome o = s.outcome();
            outcome.add(o.kind().name());
            refusal.add(o.reason() == null ? null : o.reason().name());
            code.add(o.replyCode());
            detail.add(detail(o));
            sent.add(s.sentAt().atOffset(ZoneOffset.UTC));
            answered.add(s.answeredAt().atOffset(ZoneOffset.UTC));
        }

        /** The six arrays, to append to the statement's own parameters. */
        List<Object> arrays() {
            return List.of(outcome.toArray(String[]::new), refusal.toArray(String[]::new), code.toArray(Integer[]::new),
                    detail.toArray(String[]::new), sent.toArray(OffsetDateTime[]::new),
                    answered.toArray(OffsetDateTime[]::new));
        }

        /** The firmware's words (or the failure), with the raw reply's preview when one was kept; no NUL bytes. */
        private static String detail(CommandOutcome o) {
            String d = o.detail();
            if (o.rawReply() != null && o.rawReply().originalLength() > 0) {
                d = (d == null ? "" : d + " ") + "[raw: " + o.rawReply().preview() + ']';
            }
            return d == null ? null : d.replace("\u0000", "");
        }
    }
}
