package fleet.reconciler.step;

import fleet.domain.CurtailmentPriority;
import fleet.domain.state.EventState;
import io.vertx.mutiny.sqlclient.Row;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;

/** What one step knows about its event, read once at the start of the step (level-based: never trust a wake-up). */
public record EventSnapshot(UUID id, UUID orgId, EventState state, CurtailmentPriority priority, Instant createdAt,
        Instant firstDispatchedAt, Integer maxDurationSec, int curtailBatchSize, int curtailBatchIntervalSec,
        Instant lastCurtailBatchAt, int restoreBatchSize, int restoreBatchIntervalSec, Instant nextWaveAt,
        int currentWave, Instant startedAt, Duration curtailTimeout, Duration restoreTimeout, int curtailBudget,
        int restoreBudget, Instant dbNow) {

    static final String SELECT = """
            SELECT e.id, e.org_id, e.state, e.priority, e.created_at, e.first_dispatched_at, e.max_duration_sec,
                   e.curtail_batch_size, e.curtail_batch_interval_sec, e.last_curtail_batch_at, e.restore_batch_size,
                   e.restore_batch_interval_sec, e.next_wave_at, e.current_wave, e.started_at,
                   coalesce(c.curtail_confirm_timeout_sec, 30) AS curtail_timeout,
                   coalesce(c.restore_confirm_timeout_sec, 120) AS restore_timeout,
                   coalesce(c.curtail_retry_budget, 5) AS curtail_budget,
                   coalesce(c.restore_retry_budget, 10) AS restore_budget,
                   now() AS db_now
            FROM curtailment_event e LEFT JOIN curtailment_org_config c ON c.org_id = e.org_id
            WHERE e.id = $1 AND e.lease_epoch = $2
            """;

    static EventSnapshot of(Row r) {
        return new EventSnapshot(r.getUUID("id"), r.getUUID("org_id"), EventState.fromWire(r.getShort("state")),
                CurtailmentPriority.fromWire(r.getShort("priority")), instant(r, "created_at"),
                instant(r, "first_dispatched_at"), r.getInteger("max_duration_sec"), r.getInteger("curtail_batch_size"),
                r.getInteger("curtail_batch_interval_sec"), instant(r, "last_curtail_batch_at"),
                r.getInteger("restore_batch_size"), r.getInteger("restore_batch_interval_sec"), instant(r, "next_wave_at"),
                r.getInteger("current_wave"), instant(r, "started_at"),
                Duration.ofSeconds(r.getInteger("curtail_timeout")), Duration.ofSeconds(r.getInteger("restore_timeout")),
                r.getInteger("curtail_budget"), r.getInteger("restore_budget"), instant(r, "db_now"));
    }

    /** The max duration (clock started at the first dispatch, SPEC §6.6) has elapsed. */
    public boolean maxDurationElapsed() {
        return maxDurationSec != null && firstDispatchedAt != null
                && !dbNow.isBefore(firstDispatchedAt.plusSeconds(maxDurationSec));
    }

    /** Curtail pacing applies: NORMAL priority with a batch size (EMERGENCY ignores pacing). */
    public boolean paced() {
        return curtailBatchSize > 0 && priority != CurtailmentPriority.EMERGENCY;
    }

    private static Instant instant(Row r, String column) {
        OffsetDateTime t = r.getOffsetDateTime(column);
        return t == null ? null : t.toInstant();
    }
}
