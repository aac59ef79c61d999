package fleet.api.app;

import com.google.rpc.Code;
import fleet.api.error.ApiErrors;
import fleet.domain.state.EventState;
import fleet.persistence.StateSql;
import io.grpc.StatusRuntimeException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * An event row locked {@code FOR UPDATE} inside the caller's transaction: the first statement of every lifecycle
 * mutation (Stop, Update, AdminTerminate, ForceRelease). The lock serialises these mutations with each other and with
 * the reconciler, whose fenced writes take {@code FOR SHARE} on the same row; once this transaction commits, the
 * reconciler's statements guarded by the old {@code state} change nothing. Times are compared in database time.
 *
 * @param minDurationPendingSec seconds left of {@code min_curtailed_duration_sec} for an ACTIVE event (0 = elapsed or
 *                              not applicable); counted from {@code started_at}, by the database clock
 */
record LockedEvent(UUID id, EventState state, int minCurtailedDurationSec, int minDurationPendingSec,
        Integer maxDurationSec, boolean allowUnbounded, int restoreBatchSize, int restoreBatchIntervalSec, String reason) {

    private static final String LOCK = StateSql.render("""
            SELECT state, min_curtailed_duration_sec, max_duration_sec, allow_unbounded, restore_batch_size,
                   restore_batch_interval_sec, reason,
                   CASE WHEN state <> {EventState.ACTIVE} OR min_curtailed_duration_sec = 0 THEN 0
                        WHEN started_at IS NULL THEN min_curtailed_duration_sec
                        ELSE greatest(0, ceil(extract(epoch FROM
                                 started_at + make_interval(secs => min_curtailed_duration_sec) - now())))::int
                   END AS min_pending_sec
            FROM curtailment_event WHERE org_id = $1 AND id = $2
            FOR UPDATE
            """);

    /** Locks the event of {@code org}; an unknown id or another organization's event is NOT_FOUND. */
    static Uni<LockedEvent> lock(SqlConnection tx, UUID org, UUID eventId) {
        return tx.preparedQuery(LOCK).execute(Tuple.of(org, eventId)).map(rows -> {
            if (rows.size() == 0) {
                throw ApiErrors.notFound("curtailment event", List.of(eventId.toString()));
            }
            Row r = rows.iterator().next();
            return new LockedEvent(eventId, EventState.fromWire(r.getShort("state")),
                    r.getInteger("min_curtailed_duration_sec"), r.getInteger("min_pending_sec"),
                    r.getInteger("max_duration_sec"), r.getBoolean("allow_unbounded"), r.getInteger("restore_batch_size"),
                    r.getInteger("restore_batch_interval_sec"), r.getString("reason"));
        });
    }

    /** FAILED_PRECONDITION / EVENT_TERMINAL: the event is over and cannot change. */
    StatusRuntimeException terminalError() {
        return ApiErrors.domain(Code.FAILED_PRECONDITION, "EVENT_TERMINAL",
                "curtailment event " + id + " is " + state + " and can no longer change", metadata());
    }

    Map<String, String> metadata() {
        return Map.of("event_id", id.toString(), "state", state.name());
    }

    /** Wakes a reconciler (and the api-service watchers) once the transaction commits. */
    static Uni<Void> notifyWork(SqlConnection tx, UUID eventId) {
        return tx.preparedQuery("SELECT pg_notify($1, $2)")
                .execute(Tuple.of(StartCurtailment.NOTIFY_CHANNEL, eventId.toString())).replaceWithVoid();
    }
}
