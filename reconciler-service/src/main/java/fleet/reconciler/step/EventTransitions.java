package fleet.reconciler.step;

import fleet.domain.state.DesiredState;
import fleet.domain.state.EventState;
import fleet.domain.state.TargetState;
import fleet.persistence.GuardedUpdate;
import fleet.persistence.StateSql;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.List;
import java.util.Set;

/**
 * The event-level moves the reconciler makes (SPEC §6.2), each one guarded statement: a lost race changes nothing.
 */
public final class EventTransitions {

    /**
     * PENDING → ACTIVE: nothing left in flight or waiting, at least one CONFIRMED. The same statement writes the
     * {@code curtailment_active} activity row (actor {@code system}, the replica) with the counts and the confirmed kW.
     */
    private static final GuardedUpdate<EventState> ACTIVATE = GuardedUpdate.event("activate")
            .move(EventState.PENDING, EventState.ACTIVE)
            .sql("""
                    WITH moved AS (
                        UPDATE curtailment_event SET state = {to}, started_at = now(), updated_at = now()
                        WHERE id = $1 AND state {from}
                          AND NOT EXISTS (SELECT 1 FROM curtailment_target WHERE event_id = $1
                                          AND state IN {TargetState.PENDING, DISPATCHED, DRIFTED, DISPATCHING, UNAVAILABLE})
                          AND EXISTS (SELECT 1 FROM curtailment_target WHERE event_id = $1 AND state = {TargetState.CONFIRMED})
                        RETURNING org_id
                    )
                    INSERT INTO activity_log (org_id, type, actor_type, actor_id, event_id, metadata)
                    SELECT m.org_id, 'curtailment_active', 'system', $2, $1, jsonb_build_object(
                               'targets', c.targets, 'confirmed', c.confirmed, 'curtail_failed', c.failed,
                               'confirmed_reduction_kw', round((c.confirmed_w / 1000.0)::numeric, 3))
                    FROM moved m, (SELECT count(*) AS targets,
                                          count(*) FILTER (WHERE state = {TargetState.CONFIRMED}) AS confirmed,
                                          count(*) FILTER (WHERE state = {TargetState.CURTAIL_FAILED}) AS failed,
                                          coalesce(sum(baseline_power_w) FILTER (WHERE state = {TargetState.CONFIRMED}), 0)
                                              AS confirmed_w
                                   FROM curtailment_target WHERE event_id = $1) c
                    """);

    /** Every target of a PENDING event failed to curtail. */
    private static final String ALL_FAILED = StateSql.render("""
            SELECT NOT EXISTS (SELECT 1 FROM curtailment_target WHERE event_id = $1 AND state <> {TargetState.CURTAIL_FAILED})
               AND EXISTS (SELECT 1 FROM curtailment_target WHERE event_id = $1)
            """);

    private static final GuardedUpdate<EventState> BEGIN_RESTORE = GuardedUpdate.event("begin-restore")
            .move(Set.of(EventState.PENDING, EventState.ACTIVE), EventState.RESTORING)
            .sql("""
                    UPDATE curtailment_event SET state = {to}, restore_started_at = now(), restore_initiated_by = 'system',
                           next_wave_at = now(), current_wave = 0, end_reason = $2, updated_at = now()
                    WHERE id = $1 AND state {from}
                    RETURNING org_id
                    """);

    /**
     * The restore phase for every open target. A target that never received a command has nothing to undo and is
     * RESOLVED at once; the curtail-phase summary columns are kept.
     */
    private static final GuardedUpdate<TargetState> RESET_TARGETS = GuardedUpdate.target("restore-reset", DesiredState.ACTIVE)
            .move(TargetState.PENDING, TargetState.RESOLVED)
            .move(TargetState.LIVE, TargetState.PENDING)
            .sql("""
                    UPDATE curtailment_target SET desired_state = {phase},
                           state = CASE WHEN curtail_dispatched_at IS NULL AND state = {TargetState.PENDING}
                                        THEN {to.RESOLVED} ELSE {to.PENDING} END,
                           resolved_at = CASE WHEN curtail_dispatched_at IS NULL AND state = {TargetState.PENDING} THEN now() END,
                           retry_count = 0, last_error = NULL, next_attempt_at = NULL, command_sent_at = NULL, wave = 0,
                           updated_at = now()
                    WHERE event_id = $1 AND state {from}
                    """);

    private static final String ACTIVITY = """
            INSERT INTO activity_log (org_id, type, actor_type, actor_id, event_id, metadata)
            VALUES ($1, $2, 'system', $3, $4, $5::jsonb)
            """;

    /**
     * RESTORING → COMPLETED, or COMPLETED_WITH_FAILURES when a target could not be restored or the event never
     * curtailed anything (every target failed to curtail).
     */
    private static final GuardedUpdate<EventState> COMPLETE = GuardedUpdate.event("complete")
            .move(EventState.RESTORING, EventState.COMPLETED)
            .move(EventState.RESTORING, EventState.COMPLETED_WITH_FAILURES)
            .sql("""
                    WITH moved AS (
                        UPDATE curtailment_event SET
                            state = CASE WHEN EXISTS (SELECT 1 FROM curtailment_target WHERE event_id = $1
                                                      AND state = {TargetState.RESTORE_FAILED})
                                          OR end_reason = $2 THEN {to.COMPLETED_WITH_FAILURES} ELSE {to.COMPLETED} END,
                            ended_at = now(), updated_at = now()
                        WHERE id = $1 AND state {from}
                          AND NOT EXISTS (SELECT 1 FROM curtailment_target WHERE event_id = $1
                                          AND state NOT IN {TargetState.TERMINAL})
                        RETURNING org_id, state, end_reason, restore_initiated_by
                    ),
                    logged AS (
                        INSERT INTO activity_log (org_id, type, actor_type, actor_id, event_id, metadata)
                        SELECT m.org_id, CASE WHEN m.state = {EventState.COMPLETED} THEN 'curtailment_completed'
                                              ELSE 'curtailment_completed_with_failures' END,
                               'system', $3, $1, jsonb_strip_nulls(jsonb_build_object(
                                   'targets', c.targets, 'resolved', c.resolved, 'restore_failed', c.restore_failed,
                                   'released', c.released, 'never_curtailed', c.never_curtailed,
                                   'restore_initiated_by', m.restore_initiated_by, 'end_reason', m.end_reason))
                        FROM moved m, (SELECT count(*) AS targets,
                                              count(*) FILTER (WHERE state = {TargetState.RESOLVED}) AS resolved,
                                              count(*) FILTER (WHERE state = {TargetState.RESTORE_FAILED}) AS restore_failed,
                                              count(*) FILTER (WHERE state = {TargetState.RELEASED}) AS released,
                                              count(*) FILTER (WHERE curtail_completed_at IS NULL) AS never_curtailed
                                       FROM curtailment_target WHERE event_id = $1) c
                    )
                    SELECT state FROM moved
                    """);

    public static final String REASON_MAX_DURATION = "max duration elapsed";
    public static final String REASON_ALL_FAILED = "every target failed to curtail";

    private static final List<Integer> CURTAILING = List.of(EventState.PENDING.wire(), EventState.ACTIVE.wire());

    private final Fencing fencing;

    public EventTransitions(Fencing fencing) {
        this.fencing = fencing;
    }

    public Uni<Void> activate(EventSnapshot e, long epoch) {
        return fencing.write(e.id(), epoch, List.of(EventState.PENDING.wire()), "activate",
                tx -> tx.preparedQuery(ACTIVATE.sql()).execute(Tuple.of(e.id(), fencing.nodeId()))).replaceWithVoid();
    }

    /** When every target of a PENDING event failed, restore them all (a miner that never confirmed may be asleep). */
    public Uni<Void> restoreIfAllFailed(EventSnapshot e, long epoch) {
        return fencing.write(e.id(), epoch, List.of(EventState.PENDING.wire()), "all-failed",
                tx -> tx.preparedQuery(ALL_FAILED).execute(Tuple.of(e.id())).chain(rows -> {
                    if (!rows.iterator().next().getBoolean(0)) {
                        return Uni.createFrom().voidItem();
                    }
                    return beginRestoreIn(tx, e, REASON_ALL_FAILED, "curtailment_all_targets_failed");
                })).replaceWithVoid();
    }

    /** The max duration elapsed: the reconciler begins the restore itself, recorded as system-initiated. */
    public Uni<Void> restoreOnMaxDuration(EventSnapshot e, long epoch) {
        return fencing.write(e.id(), epoch, CURTAILING, "max-duration",
                tx -> beginRestoreIn(tx, e, REASON_MAX_DURATION, "curtailment_max_duration_elapsed")).replaceWithVoid();
    }

    private Uni<Void> beginRestoreIn(io.vertx.mutiny.sqlclient.SqlConnection tx, EventSnapshot e, String reason,
            String activityType) {
        return tx.preparedQuery(BEGIN_RESTORE.sql()).execute(Tuple.of(e.id(), reason)).chain(rows -> {
            if (rows.size() == 0) {
                return Uni.createFrom().voidItem();
            }
            return tx.preparedQuery(RESET_TARGETS.sql()).execute(Tuple.of(e.id()))
                    .chain(reset -> tx.preparedQuery(ACTIVITY).execute(Tuple.of(e.orgId(), activityType,
                            fencing.nodeId(), e.id(), new io.vertx.core.json.JsonObject().put("reason", reason)
                                    .put("targets_reset", reset.rowCount()).encode())))
                    .chain(() -> tx.preparedQuery("SELECT pg_notify($1, $2)").execute(Tuple.of(fleet.persistence.Channels.CURTAILMENT_WORK, e.id().toString())))
                    .replaceWithVoid();
        });
    }

    public Uni<Void> completeRestore(EventSnapshot e, long epoch) {
        return fencing.write(e.id(), epoch, List.of(EventState.RESTORING.wire()), "complete",
                tx -> tx.preparedQuery(COMPLETE.sql()).execute(Tuple.of(e.id(), REASON_ALL_FAILED, fencing.nodeId())))
                .replaceWithVoid();
    }
}
