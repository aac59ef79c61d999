package fleet.reconciler.commands;

import fleet.persistence.StateSql;
import fleet.reconciler.lease.AdvisoryKeys;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The executor's SQL. Two transactions, each a constant number of statements whatever the number of commands:
 * <ul>
 *   <li>{@link #claim}: one {@code UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED)} that takes due commands
 *       (never one another replica holds), honours per-device order, re-checks the curtailment filter (a device with
 *       a live target → BLOCKED_BY_CURTAILMENT plus its activity row, in the same statement) and gives up abandoned
 *       attempts that exhausted the budget; then the batch-completion check.</li>
 *   <li>{@link #finish}: the results of a set of attempts in one {@code UPDATE … FROM unnest}, each guarded by its claim
 *       token ({@code state = 'RUNNING' AND attempts = token}); then the batch-completion check.</li>
 * </ul>
 * {@code started_at} / {@code finished_at} are {@code clock_timestamp()}: a claim's transaction may begin before the
 * previous command of the device commits its end, and {@code now()} (transaction start) would then order them wrongly.
 *
 * <p>Batch completion writes exactly one {@code operator_command_finished} row per batch, when its last open command
 * ends: finishers of one batch serialise on a transaction-scoped advisory lock on the batch taken before the check
 * (a separate statement, so its snapshot sees every earlier finisher's commit).
 */
public final class CommandStore {

    /**
     * Due = QUEUED or RETRY_WAIT whose time has come, or RUNNING whose visibility timeout expired (abandoned).
     * Eligible = the device's oldest unfinished command (by seq), and no other command of the device is RUNNING.
     * $1 limit, $2 replica id, $3 visibility timeout (s).
     */
    private static final String CLAIM = StateSql.render("""
            WITH due AS (
                SELECT c.id, lt.event_id AS blocking_event
                FROM operator_command c
                LEFT JOIN LATERAL (SELECT t.event_id FROM curtailment_target t
                                   WHERE t.device_id = c.device_id AND t.state NOT IN {TargetState.TERMINAL} LIMIT 1) lt ON true
                WHERE c.state IN ('QUEUED', 'RETRY_WAIT', 'RUNNING') AND c.next_attempt_at <= now()
                  AND NOT EXISTS (SELECT 1 FROM operator_command o
                                  WHERE o.device_id = c.device_id AND o.seq < c.seq
                                    AND o.state IN ('QUEUED', 'RETRY_WAIT', 'RUNNING'))
                  AND NOT EXISTS (SELECT 1 FROM operator_command r
                                  WHERE r.device_id = c.device_id AND r.id <> c.id AND r.state = 'RUNNING')
                ORDER BY c.next_attempt_at, c.seq
                LIMIT $1
                FOR UPDATE OF c SKIP LOCKED
            ), claimed AS (
                UPDATE operator_command c SET
                    state = CASE WHEN due.blocking_event IS NOT NULL THEN 'BLOCKED_BY_CURTAILMENT'
                                 WHEN c.attempts >= c.max_attempts THEN 'FAILED'
                                 ELSE 'RUNNING' END,
                    attempts = CASE WHEN due.blocking_event IS NULL AND c.attempts < c.max_attempts
                                    THEN c.attempts + 1 ELSE c.attempts END,
                    started_at = CASE WHEN due.blocking_event IS NULL AND c.attempts < c.max_attempts
                                      THEN clock_timestamp() ELSE c.started_at END,
                    finished_at = CASE WHEN due.blocking_event IS NULL AND c.attempts < c.max_attempts
                                       THEN NULL ELSE clock_timestamp() END,
                    next_attempt_at = CASE WHEN due.blocking_event IS NULL AND c.attempts < c.max_attempts
                                           THEN now() + make_interval(secs => $3::float8) ELSE c.next_attempt_at END,
                    last_error = CASE
                        WHEN due.blocking_event IS NOT NULL
                            THEN 'device is part of active curtailment event ' || due.blocking_event
                        WHEN c.attempts >= c.max_attempts
                            THEN 'retry budget exhausted: attempt ' || c.attempts || ' was abandoned by replica '
                                 || coalesce(c.claimed_by, 'unknown') || ' (no result within the visibility timeout)'
                        ELSE c.last_error END,
                    claimed_by = $2
                FROM due
                WHERE c.id = due.id
                RETURNING c.id, c.seq, c.org_id, c.batch_id, c.device_id, c.command_type, c.params, c.state, c.attempts,
                          c.max_attempts, c.actor_type, c.actor_id, due.blocking_event
            ), blocked_activity AS (
                INSERT INTO activity_log (org_id, type, actor_type, actor_id, event_id, device_id, metadata)
                SELECT cl.org_id, 'command_blocked_by_curtailment', cl.actor_type, cl.actor_id, cl.blocking_event,
                       CASE WHEN count(*) = 1 THEN (array_agg(cl.device_id))[1] END,
                       jsonb_build_object('stage', 'execution', 'batch_id', cl.batch_id, 'command', cl.command_type,
                                          'blocked', count(*),
                                          'blocked_identifiers', (array_agg(d.identifier ORDER BY d.identifier))[1:1000],
                                          'executed_by', $2::text)
                FROM claimed cl JOIN device d ON d.id = cl.device_id
                WHERE cl.state = 'BLOCKED_BY_CURTAILMENT'
                GROUP BY cl.org_id, cl.batch_id, cl.command_type, cl.actor_type, cl.actor_id, cl.blocking_event
            )
            SELECT cl.*, d.identifier, d.host, d.port, d.driver, d.capabilities
            FROM claimed cl JOIN device d ON d.id = cl.device_id
            ORDER BY cl.seq
            """);

    /** $1 ids, $2 claim tokens, $3 states, $4 errors, $5 backoff (s). Only the attempt that holds the claim writes. */
    private static final String FINISH = """
            UPDATE operator_command c SET
                state = r.state,
                last_error = r.last_error,
                finished_at = CASE WHEN r.state = 'RETRY_WAIT' THEN NULL ELSE clock_timestamp() END,
                next_attempt_at = CASE WHEN r.state = 'RETRY_WAIT' THEN now() + make_interval(secs => r.backoff)
                                       ELSE c.next_attempt_at END
            FROM unnest($1::uuid[], $2::int[], $3::text[], $4::text[], $5::float8[])
                 AS r(id, attempt, state, last_error, backoff)
            WHERE c.id = r.id AND c.state = 'RUNNING' AND c.attempts = r.attempt
            RETURNING c.id, c.batch_id, c.command_type, c.state
            """;

    /** Keys in ascending order, so two finishers of overlapping batch sets never deadlock. */
    private static final String LOCK_BATCHES = "SELECT pg_advisory_xact_lock(k) FROM unnest($1::bigint[]) AS k";

    /** One row per batch whose last open command just ended. $1 batch ids, $2 replica id. */
    private static final String FINISH_BATCHES = """
            INSERT INTO activity_log (org_id, type, actor_type, actor_id, device_id, metadata)
            SELECT c.org_id, 'operator_command_finished', min(c.actor_type), min(c.actor_id),
                   CASE WHEN count(*) = 1 THEN (array_agg(c.device_id))[1] END,
                   jsonb_build_object('batch_id', c.batch_id, 'command', min(c.command_type), 'devices', count(*),
                       'succeeded', count(*) FILTER (WHERE c.state = 'SUCCEEDED'),
                       'failed', count(*) FILTER (WHERE c.state = 'FAILED'),
                       'unsupported', count(*) FILTER (WHERE c.state = 'UNSUPPORTED'),
                       'blocked_by_curtailment', count(*) FILTER (WHERE c.state = 'BLOCKED_BY_CURTAILMENT'),
                       'not_succeeded_identifiers', coalesce((array_agg(d.identifier ORDER BY d.identifier)
                                                              FILTER (WHERE c.state <> 'SUCCEEDED'))[1:100], '{}'),
                       'finished_by', $2::text)
            FROM operator_command c JOIN device d ON d.id = c.device_id
            WHERE c.batch_id IN (SELECT b FROM unnest($1::uuid[]) AS b
                                 WHERE NOT EXISTS (SELECT 1 FROM operator_command o WHERE o.batch_id = b
                                                   AND o.state IN ('QUEUED', 'RETRY_WAIT', 'RUNNING')))
            GROUP BY c.org_id, c.batch_id
            RETURNING (metadata ->> 'batch_id')::uuid AS batch_id
            """;

    /** A result row the database accepted. */
    public record Finished(UUID commandId, UUID batchId, String commandType, String state) {
    }

    private final Pool pool;
    private final String nodeId;

    public CommandStore(Pool pool, String nodeId) {
        this.pool = pool;
        this.nodeId = nodeId;
    }

    /** Claims up to {@code limit} due commands (RUNNING ones are to be executed; terminal ones are done). */
    public Uni<List<ClaimedCommand>> claim(int limit, Duration visibility) {
        return pool.withTransaction(tx -> tx.preparedQuery(CLAIM)
                .execute(Tuple.of(limit, nodeId, visibility.toMillis() / 1000.0))
                .map(rows -> {
                    List<ClaimedCommand> out = new ArrayList<>(rows.size());
                    for (Row r : rows) {
                        out.add(ClaimedCommand.of(r));
                    }
                    return out;
                })
                .call(claimed -> completeBatches(tx, claimed.stream().filter(c -> !c.running())
                        .map(ClaimedCommand::batchId).toList())));
    }

    /** Writes results in one statement; returns the rows that were still held by their attempt. */
    public Uni<List<Finished>> finish(List<AttemptResult> results) {
        int n = results.size();
        UUID[] ids = new UUID[n];
        Integer[] attempts = new Integer[n];
        String[] states = new String[n];
        String[] errors = new String[n];
        Double[] backoffs = new Double[n];
        for (int i = 0; i < n; i++) {
            AttemptResult r = results.get(i);
            ids[i] = r.commandId();
            attempts[i] = r.attempt();
            states[i] = r.state();
            errors[i] = r.lastError();
            backoffs[i] = r.retryAfter().toMillis() / 1000.0;
        }
        return pool.withTransaction(tx -> tx.preparedQuery(FINISH)
                .execute(Tuple.from(Arrays.asList(ids, attempts, states, errors, backoffs)))
                .map(rows -> {
                    List<Finished> out = new ArrayList<>(rows.size());
                    for (Row r : rows) {
                        out.add(new Finished(r.getUUID("id"), r.getUUID("batch_id"), r.getString("command_type"),
                                r.getString("state")));
                    }
                    return out;
                })
                .call(finished -> completeBatches(tx, finished.stream()
                        .filter(f -> CommandStates.TERMINAL.contains(f.state())).map(Finished::batchId).toList())));
    }

    private Uni<Void> completeBatches(SqlConnection tx, List<UUID> batches) {
        Set<UUID> unique = new LinkedHashSet<>(batches);
        if (unique.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        TreeSet<Long> keys = new TreeSet<>();
        unique.forEach(b -> keys.add(batchKey(b)));
        return tx.preparedQuery(LOCK_BATCHES).execute(Tuple.of(keys.toArray(Long[]::new)))
                .chain(() -> tx.preparedQuery(FINISH_BATCHES)
                        .execute(Tuple.of(unique.toArray(UUID[]::new), nodeId)))
                .replaceWithVoid();
    }

    /** The batch's key in the operator-command namespace of {@link AdvisoryKeys} (held for one transaction only). */
    static long batchKey(UUID batchId) {
        return AdvisoryKeys.key(AdvisoryKeys.NS_COMMAND_PARTITION,
                batchId.getMostSignificantBits() ^ batchId.getLeastSignificantBits());
    }
}
