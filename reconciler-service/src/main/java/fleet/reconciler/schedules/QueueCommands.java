package fleet.reconciler.schedules;

import fleet.persistence.StateSql;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import fleet.domain.schedule.ScheduleAction;
import fleet.domain.scope.DeviceScope;
import fleet.persistence.scope.ScopeSql;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Queues a schedule's action (or revert) for a set of devices in ONE statement, so the curtailment check, the command
 * rows and the deferred reverts all see one snapshot:
 * <ul>
 *   <li>devices held by a live curtailment target (state NOT IN RESOLVED, RELEASED, RESTORE_FAILED) get no command;
 *       for a revert each of them gets a {@code schedule_pending_revert} row instead;</li>
 *   <li>the others get one {@code operator_command} row each (actor {@code scheduler}, actor id = the schedule id), in
 *       identifier order: QUEUED, or UNSUPPORTED (terminal at once, never sent) when the device lacks the capability.</li>
 * </ul>
 * At most {@link #DEVICE_CAP} devices are addressed. The statement returns counts, and the skipped devices and their
 * events as lists bounded in SQL ({@link #ACTIVITY_MAX_ITEMS}) beside their totals, never one row per device.
 */
final class QueueCommands {

    /** Bound of the identifier lists kept in activity metadata. */
    static final int ACTIVITY_MAX_ITEMS = 1_000;

    /**
     * The most devices one window (or revert) addresses: the per-request device cap of operator commands, which the
     * api-service enforces when a schedule is written. Devices added to a selected site or group later do not raise
     * it: the first {@code DEVICE_CAP} by identifier are queued, the rest counted and reported.
     */
    static final int DEVICE_CAP = DeviceScope.MAX_DEVICE_IDENTIFIERS;

    private static final String SQL = """
            WITH matched AS (%s),
            sel AS (SELECT * FROM matched ORDER BY identifier LIMIT {CAP}),
            ins AS (
                INSERT INTO operator_command (org_id, batch_id, device_id, command_type, params, state, actor_type,
                                              actor_id, reason, last_error, finished_at)
                SELECT $1, $2, s.id, $3, $4::jsonb,
                       CASE WHEN $5::text = ANY (s.capabilities) THEN 'QUEUED' ELSE 'UNSUPPORTED' END,
                       'scheduler', $6, $7,
                       CASE WHEN $5::text = ANY (s.capabilities) THEN NULL ELSE $8 END,
                       CASE WHEN $5::text = ANY (s.capabilities) THEN NULL ELSE now() END
                FROM sel s
                WHERE s.event_id IS NULL
                ORDER BY s.identifier
                RETURNING state),
            pend AS (
                INSERT INTO schedule_pending_revert (org_id, schedule_id, occurrence_id, device_id, blocking_event_id)
                SELECT $1, $9, $10, s.id, s.event_id
                FROM sel s
                WHERE s.event_id IS NOT NULL AND $11::boolean
                ON CONFLICT DO NOTHING
                RETURNING device_id)
            SELECT (SELECT count(*) FROM sel) AS selected,
                   (SELECT count(*) FROM ins WHERE state = 'QUEUED') AS queued,
                   (SELECT count(*) FROM ins WHERE state = 'UNSUPPORTED') AS unsupported,
                   (SELECT count(*) FROM pend) AS deferred,
                   (SELECT count(*) FROM matched) AS matched,
                   (SELECT count(*) FROM sel WHERE event_id IS NOT NULL) AS skipped_total,
                   (SELECT coalesce(jsonb_agg(jsonb_build_object('device_id', k.id, 'identifier', k.identifier,
                                                                 'event_id', k.event_id) ORDER BY k.identifier), '[]'::jsonb)
                    FROM (SELECT id, identifier, event_id FROM sel WHERE event_id IS NOT NULL
                          ORDER BY identifier LIMIT {LISTED}) k) AS skipped,
                   (SELECT coalesce(jsonb_agg(e.event_id ORDER BY e.event_id), '[]'::jsonb)
                    FROM (SELECT DISTINCT event_id FROM sel WHERE event_id IS NOT NULL
                          ORDER BY event_id LIMIT {LISTED}) e) AS skipped_events
            """.replace("{CAP}", Integer.toString(DEVICE_CAP)).replace("{LISTED}", Integer.toString(ACTIVITY_MAX_ITEMS));

    /** The devices' select: columns {@code id, identifier, capabilities, event_id}; its own parameters start at $12. */
    static final int FIRST_SELECTION_PARAM = 12;

    /**
     * Selected devices with the live target holding each (for the start: the selector, rendered with its parameters
     * from {@link #FIRST_SELECTION_PARAM}).
     */
    static String fromSelector(ScopeSql selector) {
        return StateSql.render("""
                SELECT d.id, d.identifier, d.capabilities, lt.event_id
                FROM device d
                LEFT JOIN curtailment_target lt ON lt.device_id = d.id AND lt.state NOT IN {TargetState.TERMINAL}
                WHERE d.org_id = $1 AND %s
                """).formatted(selector.predicate());
    }

    /**
     * The devices a window's start put into the scheduled mode (for the revert): its start commands except those never
     * sent (UNSUPPORTED, or BLOCKED_BY_CURTAILMENT by the executor's re-check).
     */
    static String fromStartBatch() {
        return StateSql.render("""
                SELECT d.id, d.identifier, d.capabilities, lt.event_id
                FROM device d
                LEFT JOIN curtailment_target lt ON lt.device_id = d.id AND lt.state NOT IN {TargetState.TERMINAL}
                WHERE d.org_id = $1
                  AND d.id IN (SELECT c.device_id FROM operator_command c
                               WHERE c.org_id = $1 AND c.batch_id = $12
                                 AND c.state NOT IN ('UNSUPPORTED', 'BLOCKED_BY_CURTAILMENT'))
                """);
    }

    /** Given devices, already known to be free (deferred reverts whose curtailment ended). */
    static String fromDeviceIds() {
        return """
                SELECT d.id, d.identifier, d.capabilities, NULL::uuid AS event_id
                FROM device d
                WHERE d.org_id = $1 AND d.id = ANY($12::uuid[])
                """;
    }

    record Skipped(UUID deviceId, String identifier, UUID eventId) {
    }

    /**
     * @param selected     devices addressed (at most {@link #DEVICE_CAP})
     * @param matched      devices the selection matched (more than {@code selected} when over the cap)
     * @param skipped      the first {@link #ACTIVITY_MAX_ITEMS} skipped devices by identifier
     * @param skippedTotal all skipped devices
     * @param skippedEvents the events holding skipped devices (at most {@link #ACTIVITY_MAX_ITEMS})
     */
    record Result(long selected, long matched, long queued, long unsupported, long deferred, List<Skipped> skipped,
            long skippedTotal, List<UUID> skippedEvents) {

        /** Command rows written (QUEUED + UNSUPPORTED). */
        long commands() {
            return queued + unsupported;
        }

        boolean anySkipped() {
            return skippedTotal > 0;
        }

        /** The device when exactly one was skipped, else null. */
        UUID singleSkippedDevice() {
            return skippedTotal == 1 ? skipped.get(0).deviceId() : null;
        }

        /** The one event all skipped devices belong to, or null. */
        UUID singleSkippedEvent() {
            return skippedEvents.size() == 1 ? skippedEvents.get(0) : null;
        }

        boolean overCap() {
            return matched > selected;
        }
    }

    /** What a queued command is: which schedule, window and phase (kept in the command's params for traceability). */
    record Origin(UUID orgId, UUID scheduleId, long occurrenceId, String phase, String scheduleName) {
    }

    static Uni<Result> run(SqlConnection tx, String selection, List<Object> selectionParams, Origin origin,
            ScheduleAction action, UUID batchId, boolean deferSkipped) {
        JsonObject params = new JsonObject();
        if (action.powerTargetW() != null) {
            params.put("power_target_w", action.powerTargetW());
        }
        params.put("schedule", new JsonObject().put("schedule_id", origin.scheduleId().toString())
                .put("occurrence_id", origin.occurrenceId()).put("phase", origin.phase()));
        String capability = action.type().needs().dbName();
        String name = origin.scheduleName().length() > 128 ? origin.scheduleName().substring(0, 128) : origin.scheduleName();
        String reason = "schedule '" + name + "' " + origin.phase();
        List<Object> all = new ArrayList<>(Arrays.asList(origin.orgId(), batchId, action.type().dbName(), params, capability,
                origin.scheduleId().toString(), reason, "the device lacks " + capability, origin.scheduleId(),
                origin.occurrenceId(), deferSkipped));
        all.addAll(selectionParams);
        return tx.preparedQuery(String.format(SQL, selection)).execute(Tuple.from(all)).map(rows -> {
            Row r = rows.iterator().next();
            List<Skipped> skipped = new ArrayList<>();
            JsonArray list = toArray(r.getValue("skipped"));
            for (int i = 0; i < list.size(); i++) {
                JsonObject o = list.getJsonObject(i);
                skipped.add(new Skipped(UUID.fromString(o.getString("device_id")), o.getString("identifier"),
                        UUID.fromString(o.getString("event_id"))));
            }
            List<UUID> events = new ArrayList<>();
            JsonArray eventList = toArray(r.getValue("skipped_events"));
            for (int i = 0; i < eventList.size(); i++) {
                events.add(UUID.fromString(eventList.getString(i)));
            }
            return new Result(r.getLong("selected"), r.getLong("matched"), r.getLong("queued"), r.getLong("unsupported"),
                    r.getLong("deferred"), skipped, r.getLong("skipped_total"), events);
        });
    }

    private static JsonArray toArray(Object value) {
        if (value instanceof JsonArray a) {
            return a;
        }
        return value == null ? new JsonArray() : new JsonArray(value.toString());
    }

    /** Activity metadata for skipped devices: the events and the identifiers (both bounded in SQL), grouped by event. */
    static JsonObject skippedMetadata(Result r) {
        Map<UUID, JsonArray> byEvent = new LinkedHashMap<>();
        JsonArray identifiers = new JsonArray();
        for (Skipped s : r.skipped()) {
            identifiers.add(s.identifier());
            byEvent.computeIfAbsent(s.eventId(), e -> new JsonArray()).add(s.identifier());
        }
        JsonObject grouped = new JsonObject();
        byEvent.forEach((event, ids) -> grouped.put(event.toString(), ids));
        JsonArray eventIds = new JsonArray();
        r.skippedEvents().forEach(e -> eventIds.add(e.toString()));
        return new JsonObject().put("event_ids", eventIds).put("skipped_count", r.skippedTotal())
                .put("skipped_identifiers", identifiers).put("skipped_identifiers_by_event", grouped)
                .put("skipped_identifiers_truncated", r.skippedTotal() > r.skipped().size());
    }

    /**
     * When the selection matched more devices than the cap: what was left out, for the activity row
     * {@code schedule_device_cap_reached} (one per window and phase).
     */
    static JsonObject capMetadata(Result r) {
        return new JsonObject().put("device_cap", DEVICE_CAP).put("matched", r.matched())
                .put("selected", r.selected()).put("not_addressed", r.matched() - r.selected());
    }

    static Uni<Void> notifyExecutor(SqlConnection tx, UUID batchId) {
        return tx.preparedQuery("SELECT pg_notify($1, $2)").execute(Tuple.of(fleet.persistence.Channels.OPERATOR_COMMAND_WORK, batchId.toString()))
                .replaceWithVoid();
    }

    /** One activity row of the schedule processor (actor {@code scheduler}, actor id = the schedule id). */
    static Uni<Void> activity(SqlConnection tx, UUID orgId, String type, UUID scheduleId, UUID eventId, UUID deviceId,
            JsonObject metadata) {
        return tx.preparedQuery("INSERT INTO activity_log (org_id, type, actor_type, actor_id, event_id, device_id, metadata)"
                        + " VALUES ($1, $2, 'scheduler', $3, $4, $5, $6)")
                .execute(Tuple.from(Arrays.asList(orgId, type, scheduleId.toString(), eventId, deviceId, metadata)))
                .replaceWithVoid();
    }
}
