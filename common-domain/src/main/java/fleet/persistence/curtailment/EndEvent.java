package fleet.persistence.curtailment;

import fleet.domain.state.EventState;
import fleet.domain.state.TargetState;
import fleet.persistence.GuardedUpdate;
import fleet.persistence.StateSql;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The writes of the admin recovery RPCs (SPEC §6.7), run inside the caller's transaction after its checks (row lock,
 * echo, {@link #possiblyCurtailed miners that may be asleep}): the event ends, and its open targets end with it, each
 * in one set-based statement. The api-service's AdminRecovery adds the activity row and the NOTIFY; reconciler tests
 * run the same statements, so they test what a real ForceRelease or AdminTerminate leaves behind rather than a copy
 * of it.
 */
public final class EndEvent {

    /**
     * The ending: any live event may be CANCELLED (ForceRelease, AdminTerminate); FAILED only from PENDING or
     * RESTORING (AdminTerminate refuses ACTIVE: "stop first"). The to-state is bound through {@link GuardedUpdate#bind}.
     */
    private static final GuardedUpdate<EventState> END_EVENT = GuardedUpdate.event("admin-end")
            .move(EventState.LIVE, EventState.CANCELLED)
            .move(Set.of(EventState.PENDING, EventState.RESTORING), EventState.FAILED)
            .toStateAsParameter()
            .sql("""
                    UPDATE curtailment_event SET state = $2, ended_at = now(), end_reason = $3, next_wave_at = NULL,
                                                 updated_at = now()
                    WHERE id = $1 AND state {from}
                    """);

    /** AdminTerminate: open targets end RESTORE_FAILED carrying the operator's reason as their error. */
    private static final GuardedUpdate<TargetState> FAIL_OPEN_TARGETS = GuardedUpdate
            .targetInEitherPhase("admin-fail-targets")
            .move(TargetState.LIVE, TargetState.RESTORE_FAILED)
            .sql("""
                    WITH closed AS (
                        UPDATE curtailment_target SET state = {to}, last_error = $2, next_attempt_at = NULL, updated_at = now()
                        WHERE event_id = $1 AND state {from}
                        RETURNING 1
                    )
                    SELECT count(*)::int AS n FROM closed
                    """);

    /** ForceRelease: open targets end RELEASED; no restore command is ever sent for them. */
    private static final GuardedUpdate<TargetState> RELEASE_OPEN_TARGETS = GuardedUpdate
            .targetInEitherPhase("release-targets")
            .move(TargetState.LIVE, TargetState.RELEASED)
            .sql("""
                    WITH closed AS (
                        UPDATE curtailment_target SET state = {to}, next_attempt_at = NULL, updated_at = now()
                        WHERE event_id = $1 AND state {from}
                        RETURNING 1
                    )
                    SELECT count(*)::int AS n FROM closed
                    """);

    /**
     * The event's open targets whose miner may be asleep because of it: every one except those that never received a
     * command ({@link StopEvent#UNCOMMANDED}, which Stop resolves without a restore command), counted, with the first
     * {@code $2} by device identifier.
     */
    private static final String POSSIBLY_CURTAILED = StateSql.render("""
            SELECT count(*)::int AS n,
                   count(*) FILTER (WHERE t.state IN {TargetState.DISPATCHING, DISPATCHED})::int AS in_flight,
                   (array_agg(d.identifier ORDER BY d.identifier))[1:$2] AS identifiers,
                   (array_agg(t.state ORDER BY d.identifier))[1:$2] AS states
            FROM curtailment_target t JOIN device d ON d.id = t.device_id
            WHERE t.event_id = $1 AND t.state NOT IN {TargetState.TERMINAL} AND NOT (%s)
            """.formatted(StopEvent.UNCOMMANDED));

    private EndEvent() {
    }

    /** One target whose miner may be asleep: its device identifier and state. */
    public record CurtailedTarget(String identifier, TargetState state) {
    }

    /**
     * The targets of an event whose miners may be asleep because of it.
     *
     * @param count    how many
     * @param inFlight how many of them have a command in flight (DISPATCHING or DISPATCHED)
     * @param first    the first few, by device identifier
     */
    public record PossiblyCurtailed(int count, int inFlight, List<CurtailedTarget> first) {
    }

    /**
     * The open targets whose miner may be asleep (a curtail command was sent, or is being sent, and no restore has
     * finished): what AdminTerminate must not abandon silently. Run it after locking the event row, so the reconciler
     * (whose fenced writes take {@code FOR SHARE} on it) cannot dispatch another before the caller commits.
     *
     * @param listed how many of them to name (at most)
     */
    public static Uni<PossiblyCurtailed> possiblyCurtailed(SqlClient tx, UUID eventId, int listed) {
        return tx.preparedQuery(POSSIBLY_CURTAILED).execute(Tuple.of(eventId, listed)).map(rows -> {
            Row r = rows.iterator().next();
            List<CurtailedTarget> first = new ArrayList<>();
            String[] identifiers = r.getArrayOfStrings("identifiers");
            Short[] states = r.getArrayOfShorts("states");
            for (int i = 0; identifiers != null && i < identifiers.length; i++) {
                first.add(new CurtailedTarget(identifiers[i], TargetState.fromWire(states[i])));
            }
            return new PossiblyCurtailed(r.getInteger("n"), r.getInteger("in_flight"), List.copyOf(first));
        });
    }

    /**
     * ForceRelease: the event (in {@code from}, as locked by the caller) ends CANCELLED and its open targets RELEASED.
     *
     * @return the number of targets released
     */
    public static Uni<Integer> release(SqlClient tx, UUID eventId, EventState from, String reason) {
        return end(tx, eventId, from, EventState.CANCELLED, reason)
                .chain(() -> tx.preparedQuery(RELEASE_OPEN_TARGETS.sql()).execute(Tuple.of(eventId)))
                .map(rows -> rows.iterator().next().getInteger("n"));
    }

    /**
     * AdminTerminate: the event (in {@code from}) ends {@code to} (CANCELLED or FAILED) and its open targets
     * RESTORE_FAILED with {@code reason} as their error.
     *
     * @return the number of targets closed
     */
    public static Uni<Integer> terminate(SqlClient tx, UUID eventId, EventState from, EventState to, String reason) {
        return end(tx, eventId, from, to, reason)
                .chain(() -> tx.preparedQuery(FAIL_OPEN_TARGETS.sql()).execute(Tuple.of(eventId, reason)))
                .map(rows -> rows.iterator().next().getInteger("n"));
    }

    private static Uni<Void> end(SqlClient tx, UUID eventId, EventState from, EventState to, String reason) {
        return tx.preparedQuery(END_EVENT.sql()).execute(Tuple.of(eventId, END_EVENT.bind(from, to), reason))
                .replaceWithVoid();
    }
}
