package fleet.reconciler.schedules;

import fleet.domain.schedule.ActionType;
import fleet.domain.schedule.Occurrence;
import fleet.domain.schedule.ScheduleAction;
import fleet.domain.schedule.ScheduleWindow;
import fleet.domain.schedule.WindowColumns;
import fleet.persistence.scope.ScopeJson;
import fleet.persistence.scope.ScopeSql;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Starts the window of a schedule that is in progress at {@code now}, in ONE transaction:
 * <ol>
 *   <li>claim the schedule: {@code FOR NO KEY UPDATE SKIP LOCKED} on its row (another replica holding it → skip);</li>
 *   <li>recompute the window from the locked definition; a previous window whose revert is still pending → wait (the
 *       revert must be queued before the next action, for every device's command order);</li>
 *   <li>claim the occurrence: {@code INSERT … ON CONFLICT (schedule_id, window_start) DO NOTHING} — no row means the
 *       window already started (on any replica, before any restart);</li>
 *   <li>queue the schedule's deferred reverts whose curtailment has ended (before the new action, same reason);</li>
 *   <li>queue the action for the selected devices not held by a live curtailment ({@link QueueCommands}), record the
 *       skipped ones in ONE {@code schedule_skipped_due_to_curtailment} activity row, finish the occurrence row,
 *       NOTIFY the executor.</li>
 * </ol>
 * A replica dying anywhere in between rolls everything back, including the claim: the next replica starts the window.
 */
final class StartWindow {

    enum Outcome { STARTED, CLAIMED_ELSEWHERE, NOT_IN_WINDOW, WAITING_FOR_PREVIOUS_REVERT, ALREADY_STARTED }

    private static final String CLAIM_SCHEDULE = """
            SELECT id, org_id, name, selector, action_type, action_power_w, revert_type, revert_power_w, time_zone,
                   window_kind, start_time, end_time, days_mask, cron_expression, duration_sec, version
            FROM schedule
            WHERE id = $1 AND enabled AND deleted_at IS NULL
            FOR NO KEY UPDATE SKIP LOCKED
            """;

    private static final String OPEN_PREVIOUS = """
            SELECT count(*) AS open FROM schedule_occurrence
            WHERE schedule_id = $1 AND revert_state = 'PENDING' AND window_start <> $2
            """;

    private static final String CLAIM_OCCURRENCE = """
            INSERT INTO schedule_occurrence (org_id, schedule_id, schedule_version, window_start, window_end, action_type,
                                             action_power_w, revert_type, revert_power_w, start_state, start_batch_id,
                                             revert_state, last_writer)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'QUEUED', $10, 'PENDING', $11)
            ON CONFLICT (schedule_id, window_start) DO NOTHING
            RETURNING id
            """;

    private static final String FINISH = """
            UPDATE schedule_occurrence
            SET start_state = $2, start_batch_id = $3, start_queued = $4, start_unsupported = $5, start_skipped = $6,
                revert_state = $7, reverted_at = CASE WHEN $7 = 'PENDING' THEN NULL ELSE now() END
            WHERE id = $1 AND start_state = 'QUEUED' AND revert_state = 'PENDING'
            """;

    private final Pool pool;
    private final DeferredReverts deferred;
    private final String nodeId;
    private final Supplier<TransactionHook> hook;

    StartWindow(Pool pool, DeferredReverts deferred, String nodeId, Supplier<TransactionHook> hook) {
        this.pool = pool;
        this.deferred = deferred;
        this.nodeId = nodeId;
        this.hook = hook;
    }

    Uni<Outcome> run(UUID scheduleId, Instant now) {
        return pool.withTransaction(tx -> tx.preparedQuery(CLAIM_SCHEDULE).execute(Tuple.of(scheduleId)).chain(rows -> {
            if (rows.size() == 0) {
                return Uni.createFrom().item(Outcome.CLAIMED_ELSEWHERE); // or disabled/deleted meanwhile
            }
            Row s = rows.iterator().next();
            ScheduleWindow window = window(s);
            Optional<Occurrence> occurrence = window.containing(ZoneId.of(s.getString("time_zone")), now);
            if (occurrence.isEmpty()) {
                return Uni.createFrom().item(Outcome.NOT_IN_WINDOW);
            }
            Occurrence o = occurrence.get();
            return tx.preparedQuery(OPEN_PREVIOUS).execute(Tuple.of(scheduleId, utc(o.start()))).chain(open -> {
                if (open.iterator().next().getLong("open") > 0) {
                    return Uni.createFrom().item(Outcome.WAITING_FOR_PREVIOUS_REVERT);
                }
                return start(tx, s, o);
            });
        }));
    }

    private Uni<Outcome> start(SqlConnection tx, Row s, Occurrence o) {
        UUID scheduleId = s.getUUID("id");
        UUID orgId = s.getUUID("org_id");
        UUID batchId = UUID.randomUUID();
        ScheduleAction action = action(s.getString("action_type"), s.getInteger("action_power_w"));
        return tx.preparedQuery(CLAIM_OCCURRENCE).execute(Tuple.from(Arrays.asList(orgId, scheduleId, s.getLong("version"),
                        utc(o.start()), utc(o.end()), s.getString("action_type"), s.getInteger("action_power_w"),
                        s.getString("revert_type"), s.getInteger("revert_power_w"), batchId, nodeId)))
                .chain(claimed -> {
                    if (claimed.size() == 0) {
                        return Uni.createFrom().item(Outcome.ALREADY_STARTED);
                    }
                    long occurrenceId = claimed.iterator().next().getLong("id");
                    ScopeSql selector = ScopeSql.of(ScopeJson.decode(s.getJsonObject("selector")),
                            QueueCommands.FIRST_SELECTION_PARAM);
                    QueueCommands.Origin origin = new QueueCommands.Origin(orgId, scheduleId, occurrenceId, "start",
                            s.getString("name"));
                    return hook.get().inTransaction("start", tx, scheduleId)
                            .chain(() -> deferred.release(tx, scheduleId, false))
                            .chain(() -> QueueCommands.run(tx, QueueCommands.fromSelector(selector),
                                    selector.params(), origin, action, batchId, false))
                            .chain(result -> finish(tx, occurrenceId, batchId, result)
                                    .chain(() -> record(tx, origin, s, o, action, batchId, result)))
                            .replaceWith(Outcome.STARTED);
                });
    }

    private static Uni<Void> finish(SqlConnection tx, long occurrenceId, UUID batchId, QueueCommands.Result r) {
        String startState = r.commands() > 0 ? "QUEUED" : !r.anySkipped() ? "NO_DEVICES" : "SKIPPED";
        String revertState = r.queued() > 0 ? "PENDING" : "NOT_NEEDED";
        return tx.preparedQuery(FINISH).execute(Tuple.from(Arrays.asList(occurrenceId, startState,
                        r.commands() > 0 ? batchId : null, (int) r.queued(), (int) r.unsupported(), (int) r.skippedTotal(),
                        revertState)))
                .invoke(rows -> {
                    if (rows.rowCount() != 1) {
                        throw new IllegalStateException("occurrence " + occurrenceId + " changed under its claim");
                    }
                })
                .replaceWithVoid();
    }

    private static Uni<Void> record(SqlConnection tx, QueueCommands.Origin origin, Row s, Occurrence o,
            ScheduleAction action, UUID batchId, QueueCommands.Result r) {
        JsonObject base = base(origin, o).put("selected", r.selected());
        Uni<Void> work = Uni.createFrom().voidItem();
        if (r.commands() > 0) {
            JsonObject m = base.copy().put("batch_id", batchId.toString()).put("command", action.type().dbName())
                    .put("queued", r.queued()).put("unsupported", r.unsupported()).put("skipped", r.skippedTotal());
            if (action.powerTargetW() != null) {
                m.put("power_target_w", action.powerTargetW());
            }
            work = work.chain(() -> QueueCommands.activity(tx, origin.orgId(), "schedule_action_queued", origin.scheduleId(),
                    null, null, m)).chain(() -> QueueCommands.notifyExecutor(tx, batchId));
        }
        if (r.anySkipped()) {
            JsonObject m = base.copy().put("command", action.type().dbName()).put("queued", r.queued())
                    .mergeIn(QueueCommands.skippedMetadata(r));
            UUID device = r.singleSkippedDevice();
            work = work.chain(() -> QueueCommands.activity(tx, origin.orgId(), "schedule_skipped_due_to_curtailment",
                    origin.scheduleId(), r.singleSkippedEvent(), device, m));
        }
        if (r.overCap()) {
            JsonObject m = base.copy().put("command", action.type().dbName()).mergeIn(QueueCommands.capMetadata(r));
            work = work.chain(() -> QueueCommands.activity(tx, origin.orgId(), "schedule_device_cap_reached",
                    origin.scheduleId(), null, null, m));
        }
        if (r.selected() == 0) {
            work = work.chain(() -> QueueCommands.activity(tx, origin.orgId(), "schedule_window_without_devices",
                    origin.scheduleId(), null, null, base));
        }
        return work;
    }

    static JsonObject base(QueueCommands.Origin origin, Occurrence o) {
        return new JsonObject().put("schedule_id", origin.scheduleId().toString()).put("schedule_name", origin.scheduleName())
                .put("occurrence_id", origin.occurrenceId()).put("phase", origin.phase())
                .put("window_start", o.start().toString()).put("window_end", o.end().toString());
    }

    static ScheduleWindow window(Row s) {
        return WindowColumns.window(s.getString("window_kind"), s.getLocalTime("start_time"), s.getLocalTime("end_time"),
                s.getInteger("days_mask"), s.getString("cron_expression"), s.getInteger("duration_sec"));
    }

    static ScheduleAction action(String type, Integer watts) {
        return new ScheduleAction(ActionType.fromDb(type).orElseThrow(), watts);
    }

    static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
