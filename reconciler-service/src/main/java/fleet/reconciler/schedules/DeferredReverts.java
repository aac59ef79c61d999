package fleet.reconciler.schedules;

import fleet.domain.schedule.Occurrence;
import fleet.domain.schedule.ScheduleAction;
import fleet.persistence.StateSql;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Reverts a curtailment kept a device from getting ({@code schedule_pending_revert}): recorded when the window ended
 * ({@link RevertWindow}) or when the executor blocked one of our revert commands at execution
 * ({@link #recordBlocked}); sent once the device has no live curtailment target any more (its target RESOLVED,
 * RELEASED or RESTORE_FAILED), exactly once: the rows are claimed {@code FOR UPDATE} and closed
 * ({@code done_at IS NULL → now()}) in the transaction that queues the command.
 */
final class DeferredReverts {

    /** Schedules with at least one deferred revert whose device is free now. */
    static final String RELEASABLE = StateSql.render("""
            SELECT DISTINCT p.schedule_id FROM schedule_pending_revert p
            WHERE p.done_at IS NULL
              AND NOT EXISTS (SELECT 1 FROM curtailment_target lt WHERE lt.device_id = p.device_id AND lt.state NOT IN {TargetState.TERMINAL})
            LIMIT $1
            """);

    private static final String CLAIM = StateSql.render("""
            SELECT p.id, p.occurrence_id, p.device_id, o.org_id, o.schedule_id, o.revert_type, o.revert_power_w,
                   o.window_start, o.window_end, s.name
            FROM schedule_pending_revert p
            JOIN schedule_occurrence o ON o.id = p.occurrence_id
            JOIN schedule s ON s.id = p.schedule_id
            WHERE p.schedule_id = $1 AND p.done_at IS NULL
              AND NOT EXISTS (SELECT 1 FROM curtailment_target lt WHERE lt.device_id = p.device_id AND lt.state NOT IN {TargetState.TERMINAL})
            ORDER BY o.window_start, p.id
            FOR UPDATE OF p%s
            """);

    private static final String CLOSE = """
            UPDATE schedule_pending_revert SET done_at = now(), command_batch_id = $2
            WHERE id = ANY($1) AND done_at IS NULL
            """;

    /**
     * Revert commands the executor refused to run because a curtailment began after they were queued become deferred
     * reverts too (otherwise that device would stay in the scheduled mode). Idempotent: one row per blocked command.
     */
    private static final String RECORD_BLOCKED = StateSql.render("""
            INSERT INTO schedule_pending_revert (org_id, schedule_id, occurrence_id, device_id, blocking_event_id,
                                                 blocked_command_id)
            SELECT o.org_id, o.schedule_id, o.id, c.device_id, lt.event_id, c.id
            FROM operator_command c
            JOIN schedule_occurrence o ON o.org_id = c.org_id
                 AND o.id = (c.params #>> '{schedule,occurrence_id}')::bigint
            LEFT JOIN curtailment_target lt ON lt.device_id = c.device_id AND lt.state NOT IN {TargetState.TERMINAL}
            WHERE c.actor_type = 'scheduler' AND c.state = 'BLOCKED_BY_CURTAILMENT'
              AND c.params #>> '{schedule,phase}' IN ('revert', 'deferred_revert')
              AND NOT EXISTS (SELECT 1 FROM schedule_pending_revert x WHERE x.blocked_command_id = c.id)
            ON CONFLICT DO NOTHING
            RETURNING org_id, schedule_id, occurrence_id, device_id, blocking_event_id
            """);

    private final Pool pool;

    DeferredReverts(Pool pool) {
        this.pool = pool;
    }

    /** Releases the schedule's deferred reverts whose devices are free, in its own transaction (skipping locked rows). */
    Uni<Integer> release(UUID scheduleId) {
        return pool.withTransaction(tx -> release(tx, scheduleId, true));
    }

    /**
     * Releases inside {@code tx}. {@code skipLocked=false} waits for rows another replica is releasing, so that a
     * caller queueing the next action afterwards gets a later command sequence than those reverts.
     */
    Uni<Integer> release(SqlConnection tx, UUID scheduleId, boolean skipLocked) {
        return tx.preparedQuery(String.format(CLAIM, skipLocked ? " SKIP LOCKED" : "")).execute(Tuple.of(scheduleId))
                .chain(rows -> {
                    Map<Long, List<Row>> byOccurrence = new LinkedHashMap<>();
                    rows.forEach(r -> byOccurrence.computeIfAbsent(r.getLong("occurrence_id"), k -> new ArrayList<>()).add(r));
                    Uni<Integer> work = Uni.createFrom().item(0);
                    for (List<Row> group : byOccurrence.values()) {
                        work = work.chain(n -> queue(tx, group).map(m -> n + m));
                    }
                    return work;
                });
    }

    private static Uni<Integer> queue(SqlConnection tx, List<Row> group) {
        Row first = group.get(0);
        UUID batchId = UUID.randomUUID();
        ScheduleAction revert = StartWindow.action(first.getString("revert_type"), first.getInteger("revert_power_w"));
        QueueCommands.Origin origin = new QueueCommands.Origin(first.getUUID("org_id"), first.getUUID("schedule_id"),
                first.getLong("occurrence_id"), "deferred_revert", first.getString("name"));
        Occurrence window = new Occurrence(first.getOffsetDateTime("window_start").toInstant(),
                first.getOffsetDateTime("window_end").toInstant());
        Long[] ids = group.stream().map(r -> r.getLong("id")).toArray(Long[]::new);
        UUID[] devices = group.stream().map(r -> r.getUUID("device_id")).toArray(UUID[]::new);
        return QueueCommands.run(tx, QueueCommands.fromDeviceIds(), List.of((Object) devices), origin, revert, batchId, false)
                .call(r -> tx.preparedQuery(CLOSE).execute(Tuple.of(ids, batchId)).invoke(rows -> {
                    if (rows.rowCount() != ids.length) {
                        throw new IllegalStateException("deferred reverts changed under their claim");
                    }
                }))
                .call(r -> {
                    JsonObject m = StartWindow.base(origin, window).put("batch_id", batchId.toString())
                            .put("command", revert.type().dbName()).put("devices", devices.length)
                            .put("queued", r.queued()).put("unsupported", r.unsupported());
                    if (revert.powerTargetW() != null) {
                        m.put("power_target_w", revert.powerTargetW());
                    }
                    UUID device = devices.length == 1 ? devices[0] : null;
                    return QueueCommands.activity(tx, origin.orgId(), "schedule_deferred_revert_queued",
                            origin.scheduleId(), null, device, m);
                })
                .call(r -> r.commands() > 0 ? QueueCommands.notifyExecutor(tx, batchId) : Uni.createFrom().voidItem())
                .map(r -> devices.length);
    }

    /** Turns revert commands the executor blocked into deferred reverts; returns how many were recorded. */
    Uni<Integer> recordBlocked() {
        return pool.withTransaction(tx -> tx.query(RECORD_BLOCKED).execute().chain(rows -> {
            Map<UUID, List<Row>> bySchedule = new LinkedHashMap<>();
            rows.forEach(r -> bySchedule.computeIfAbsent(r.getUUID("schedule_id"), k -> new ArrayList<>()).add(r));
            Uni<Void> work = Uni.createFrom().voidItem();
            for (List<Row> group : bySchedule.values()) {
                Row first = group.get(0);
                JsonArray devices = new JsonArray();
                JsonArray events = new JsonArray();
                // the lists are bounded like the other skip records; the count is whole
                group.forEach(r -> {
                    if (devices.size() < QueueCommands.ACTIVITY_MAX_ITEMS) {
                        devices.add(r.getUUID("device_id").toString());
                    }
                    if (r.getUUID("blocking_event_id") != null && events.size() < QueueCommands.ACTIVITY_MAX_ITEMS
                            && !events.contains(r.getUUID("blocking_event_id").toString())) {
                        events.add(r.getUUID("blocking_event_id").toString());
                    }
                });
                JsonObject m = new JsonObject().put("schedule_id", first.getUUID("schedule_id").toString())
                        .put("phase", "revert_execution").put("revert_deferred_until_curtailment_ends", true)
                        .put("event_ids", events).put("skipped_device_ids", devices).put("skipped_count", group.size())
                        .put("skipped_device_ids_truncated", group.size() > devices.size());
                work = work.chain(() -> QueueCommands.activity(tx, first.getUUID("org_id"),
                        "schedule_skipped_due_to_curtailment", first.getUUID("schedule_id"),
                        events.size() == 1 ? UUID.fromString(events.getString(0)) : null,
                        group.size() == 1 ? first.getUUID("device_id") : null, m));
            }
            return work.replaceWith(rows.rowCount());
        }));
    }
}
