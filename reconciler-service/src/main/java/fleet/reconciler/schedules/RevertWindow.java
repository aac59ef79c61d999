package fleet.reconciler.schedules;

import fleet.domain.schedule.Occurrence;
import fleet.domain.schedule.ScheduleAction;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Ends a window whose end has passed, in ONE transaction: claim the occurrence row ({@code FOR UPDATE SKIP LOCKED},
 * revert still PENDING) → queue the revert for the devices the start put into the scheduled mode, skipping those held
 * by a live curtailment, which each get a {@code schedule_pending_revert} row → the guarded transition
 * {@code revert_state PENDING → DONE} → activity rows → NOTIFY. The revert uses the action copied into the occurrence
 * when it started, so it runs even if the schedule was changed, disabled or deleted since.
 */
final class RevertWindow {

    enum Outcome { REVERTED, CLAIMED_ELSEWHERE }

    static final String DUE = """
            SELECT id FROM schedule_occurrence
            WHERE revert_state = 'PENDING' AND window_end <= $1
            ORDER BY window_end, id
            LIMIT $2
            """;

    private static final String CLAIM = """
            SELECT o.id, o.org_id, o.schedule_id, o.window_start, o.window_end, o.revert_type, o.revert_power_w,
                   o.start_batch_id, s.name
            FROM schedule_occurrence o
            JOIN schedule s ON s.id = o.schedule_id
            WHERE o.id = $1 AND o.revert_state = 'PENDING' AND o.window_end <= $2
            FOR UPDATE OF o SKIP LOCKED
            """;

    private static final String FINISH = """
            UPDATE schedule_occurrence
            SET revert_state = 'DONE', revert_batch_id = $2, revert_queued = $3, revert_deferred = $4, reverted_at = now(),
                last_writer = $5
            WHERE id = $1 AND revert_state = 'PENDING'
            """;

    private final Pool pool;
    private final String nodeId;
    private final Supplier<TransactionHook> hook;

    RevertWindow(Pool pool, String nodeId, Supplier<TransactionHook> hook) {
        this.pool = pool;
        this.nodeId = nodeId;
        this.hook = hook;
    }

    Uni<Outcome> run(long occurrenceId, Instant now) {
        return pool.withTransaction(tx -> tx.preparedQuery(CLAIM).execute(Tuple.of(occurrenceId, StartWindow.utc(now)))
                .chain(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().item(Outcome.CLAIMED_ELSEWHERE); // or already reverted
                    }
                    Row o = rows.iterator().next();
                    return hook.get().inTransaction("revert", tx, o.getUUID("schedule_id"))
                            .chain(() -> revert(tx, o))
                            .replaceWith(Outcome.REVERTED);
                }));
    }

    private Uni<Void> revert(SqlConnection tx, Row o) {
        UUID batchId = UUID.randomUUID();
        ScheduleAction revert = StartWindow.action(o.getString("revert_type"), o.getInteger("revert_power_w"));
        QueueCommands.Origin origin = new QueueCommands.Origin(o.getUUID("org_id"), o.getUUID("schedule_id"),
                o.getLong("id"), "revert", o.getString("name"));
        Occurrence window = new Occurrence(o.getOffsetDateTime("window_start").toInstant(),
                o.getOffsetDateTime("window_end").toInstant());
        return QueueCommands.run(tx, QueueCommands.fromStartBatch(), List.of(o.getUUID("start_batch_id")), origin, revert,
                        batchId, true)
                .chain(r -> tx.preparedQuery(FINISH).execute(Tuple.from(Arrays.asList(origin.occurrenceId(),
                                r.commands() > 0 ? batchId : null, (int) r.queued(), (int) r.deferred(), nodeId)))
                        .invoke(rows -> {
                            if (rows.rowCount() != 1) {
                                throw new IllegalStateException("occurrence " + origin.occurrenceId()
                                        + " changed under its claim");
                            }
                        })
                        .chain(() -> record(tx, origin, window, revert, batchId, r)));
    }

    private static Uni<Void> record(SqlConnection tx, QueueCommands.Origin origin, Occurrence window, ScheduleAction revert,
            UUID batchId, QueueCommands.Result r) {
        JsonObject base = StartWindow.base(origin, window).put("command", revert.type().dbName());
        if (revert.powerTargetW() != null) {
            base.put("power_target_w", revert.powerTargetW());
        }
        Uni<Void> work = Uni.createFrom().voidItem();
        if (r.commands() > 0) {
            JsonObject m = base.copy().put("batch_id", batchId.toString()).put("queued", r.queued())
                    .put("unsupported", r.unsupported()).put("deferred", r.deferred());
            work = work.chain(() -> QueueCommands.activity(tx, origin.orgId(), "schedule_revert_queued", origin.scheduleId(),
                    null, null, m)).chain(() -> QueueCommands.notifyExecutor(tx, batchId));
        }
        if (r.anySkipped()) {
            JsonObject m = base.copy().put("queued", r.queued()).put("revert_deferred_until_curtailment_ends", true)
                    .mergeIn(QueueCommands.skippedMetadata(r));
            UUID device = r.singleSkippedDevice();
            work = work.chain(() -> QueueCommands.activity(tx, origin.orgId(), "schedule_skipped_due_to_curtailment",
                    origin.scheduleId(), r.singleSkippedEvent(), device, m));
        }
        return work;
    }
}
