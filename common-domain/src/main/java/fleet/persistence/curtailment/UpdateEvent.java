package fleet.persistence.curtailment;

import fleet.persistence.StateSql;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.Arrays;
import java.util.UUID;

/**
 * The write of UpdateCurtailmentEvent (SPEC §3), run inside the caller's transaction after its checks (row lock,
 * state, gates, echo collapse): one statement that sets only the fields that change. The api-service's
 * UpdateCurtailment adds the activity row and the {@code NOTIFY}; reconciler tests run the same statement, so they
 * test how a running restore takes a real Update rather than a copy of it.
 *
 * <p>The restore pacing applies to the waves not yet started: the reconciler reads {@code restore_batch_size} and
 * {@code restore_batch_interval_sec} afresh on every step, and a new interval moves the start of the next wave to
 * the current wave's start plus the new interval ({@code next_wave_at} is that start plus the old one).
 */
public final class UpdateEvent {

    private static final String UPDATE = StateSql.render("""
            UPDATE curtailment_event
            SET reason = coalesce($2, reason),
                max_duration_sec = CASE WHEN $3::int IS NULL THEN max_duration_sec ELSE $3 END,
                allow_unbounded = CASE WHEN $3::int IS NULL THEN allow_unbounded ELSE false END,
                restore_batch_size = coalesce($4, restore_batch_size),
                next_wave_at = CASE WHEN $5::int IS NOT NULL AND current_wave > 0 AND next_wave_at IS NOT NULL
                                    THEN next_wave_at + make_interval(secs => $5 - restore_batch_interval_sec)
                                    ELSE next_wave_at END,
                restore_batch_interval_sec = coalesce($5, restore_batch_interval_sec),
                updated_at = now()
            WHERE id = $1 AND state IN {EventState.PENDING, ACTIVE, RESTORING}
            """);

    private UpdateEvent() {
    }

    /**
     * The new values; null leaves a field unchanged. A max duration also clears {@code allow_unbounded}.
     *
     * @param maxDurationSec the resolved value (the organization default already substituted for 0)
     */
    public record Changes(String reason, Integer maxDurationSec, Integer restoreBatchSize,
            Integer restoreBatchIntervalSec) {

        public boolean isEmpty() {
            return reason == null && maxDurationSec == null && restoreBatchSize == null && restoreBatchIntervalSec == null;
        }
    }

    /**
     * Writes {@code changes} (not empty) to a live event; callers lock the row and check its state first.
     *
     * @return whether the event was written (false: it is no longer live)
     */
    public static Uni<Boolean> apply(SqlClient tx, UUID eventId, Changes changes) {
        return tx.preparedQuery(UPDATE).execute(Tuple.from(Arrays.asList(eventId, changes.reason(),
                        changes.maxDurationSec(), changes.restoreBatchSize(), changes.restoreBatchIntervalSec())))
                .map(rows -> rows.rowCount() == 1);
    }
}
