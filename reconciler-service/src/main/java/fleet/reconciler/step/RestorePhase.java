package fleet.reconciler.step;

import fleet.domain.confirm.Confirmation;
import fleet.domain.confirm.Observation;
import fleet.domain.state.DesiredState;
import fleet.domain.state.EventState;
import fleet.domain.state.TargetState;
import fleet.persistence.GuardedUpdate;
import fleet.persistence.StateSql;
import fleet.driver.CommandOutcome;
import fleet.metrics.MetricNames;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * The restore side (SPEC §6.6): retries and orphans of started waves first; a new wave of at most
 * {@code restore_batch_size} targets (0 = all) only when no target of earlier waves is still DISPATCHED/DISPATCHING
 * and {@code restore_batch_interval_sec} has passed since the previous wave started (inrush protection); UNCURTAIL
 * through the driver; RESOLVED by the restored predicate; the restore budget ends a target RESTORE_FAILED.
 */
public final class RestorePhase {

    private static final List<Integer> RESTORING = List.of(EventState.RESTORING.wire());

    /** Targets of started waves that need (another) command: orphans, failed sends due for retry. */
    private static final String DUE_RETRIES = StateSql.render("SELECT " + TargetRef.COLUMNS + """
            FROM curtailment_target t JOIN device d ON d.id = t.device_id
            WHERE t.event_id = $1 AND t.desired_state = {DesiredState.ACTIVE} AND t.wave > 0
              AND (t.state = {TargetState.DISPATCHING}
                   OR (t.state IN {TargetState.PENDING, UNAVAILABLE}
                       AND (t.next_attempt_at IS NULL OR t.next_attempt_at <= now())))
            ORDER BY (t.state = {TargetState.DISPATCHING}) DESC, t.rank DESC
            LIMIT $2
            """);

    private static final String WAVE_BUSY = StateSql.render("""
            SELECT EXISTS (SELECT 1 FROM curtailment_target WHERE event_id = $1 AND desired_state = {DesiredState.ACTIVE}
                                                              AND state IN {TargetState.DISPATCHED, DISPATCHING})
            """);

    /** The next wave: most efficient first (reverse of the curtail ranking), so hashrate returns soonest. */
    private static final String NEXT_WAVE = StateSql.render("SELECT " + TargetRef.COLUMNS + """
            FROM curtailment_target t JOIN device d ON d.id = t.device_id
            WHERE t.event_id = $1 AND t.desired_state = {DesiredState.ACTIVE} AND t.wave = 0
              AND t.state = {TargetState.PENDING}
            ORDER BY t.rank DESC
            LIMIT $2
            """);

    private static final GuardedUpdate<TargetState> PRE_WRITE = GuardedUpdate.target("restore-prewrite", DesiredState.ACTIVE)
            .move(Set.of(TargetState.PENDING, TargetState.DISPATCHING, TargetState.UNAVAILABLE), TargetState.DISPATCHING)
            .sql("""
                    UPDATE curtailment_target SET state = {to}, command_sent_at = now(),
                           wave = CASE WHEN wave = 0 THEN $3 ELSE wave END,
                           restore_dispatched_at = coalesce(restore_dispatched_at, now()), updated_at = now()
                    WHERE event_id = $1 AND id = ANY($2) AND desired_state = {phase} AND state {from}
                    RETURNING id
                    """);

    private static final String START_WAVE = """
            UPDATE curtailment_event SET current_wave = $2, next_wave_at = now() + make_interval(secs => $3::int),
                   updated_at = now()
            WHERE id = $1
            """;

    /**
     * Outcomes: accepted → DISPATCHED; already in state with nothing to resume → RESOLVED (no command was needed); a
     * failure consumes budget → RESTORE_FAILED when spent, else UNAVAILABLE (unreachable) or PENDING, for a retry.
     */
    private static final GuardedUpdate<TargetState> OUTCOMES = GuardedUpdate.target("restore-outcomes", DesiredState.ACTIVE)
            .move(TargetState.DISPATCHING, TargetState.RESOLVED)
            .move(TargetState.DISPATCHING, TargetState.DISPATCHED)
            .move(TargetState.DISPATCHING, TargetState.RESTORE_FAILED)
            .move(TargetState.DISPATCHING, TargetState.UNAVAILABLE)
            .move(TargetState.DISPATCHING, TargetState.PENDING)
            .sql("WITH u AS (SELECT * FROM unnest($1::bigint[], $3::bool[], $4::bool[], $5::bool[], $6::text[], "
                    + CommandLog.unnestArguments(7) + ") AS u(id, ok, done, unreachable, err, " + CommandLog.UNNEST_COLUMNS
                    + ")),\n" + CommandLog.insert("RESTORE", 13) + """
                    UPDATE curtailment_target t SET
                        state = CASE WHEN u.done THEN {to.RESOLVED} WHEN u.ok THEN {to.DISPATCHED}
                                     WHEN t.retry_count + 1 >= $2 THEN {to.RESTORE_FAILED}
                                     WHEN u.unreachable THEN {to.UNAVAILABLE} ELSE {to.PENDING} END,
                        resolved_at = CASE WHEN u.done OR (NOT u.ok AND t.retry_count + 1 >= $2) THEN now() END,
                        restore_completed_at = CASE WHEN u.done THEN now() ELSE t.restore_completed_at END,
                        retry_count = CASE WHEN u.ok THEN t.retry_count ELSE t.retry_count + 1 END,
                        restore_retries = CASE WHEN u.ok OR t.retry_count + 1 >= $2 THEN t.restore_retries ELSE t.restore_retries + 1 END,
                        restore_failures = CASE WHEN u.ok THEN t.restore_failures ELSE t.restore_failures + 1 END,
                        last_error = CASE WHEN u.ok THEN NULL ELSE u.err END,
                        restore_last_error = CASE WHEN u.ok THEN t.restore_last_error ELSE u.err END,
                        next_attempt_at = CASE WHEN u.ok THEN NULL
                                               ELSE now() + make_interval(secs => least(30, power(2, t.retry_count))::int) END,
                        updated_at = now()
                    FROM u
                    WHERE t.id = u.id AND t.state {from} AND t.desired_state = {phase}
                    RETURNING t.state
                    """);

    private static final GuardedUpdate<TargetState> EXPIRE = GuardedUpdate.target("restore-expire", DesiredState.ACTIVE)
            .move(TargetState.DISPATCHED, TargetState.RESTORE_FAILED)
            .move(TargetState.DISPATCHED, TargetState.PENDING)
            .sql("""
                    UPDATE curtailment_target SET
                        state = CASE WHEN retry_count + 1 >= $2 THEN {to.RESTORE_FAILED} ELSE {to.PENDING} END,
                        resolved_at = CASE WHEN retry_count + 1 >= $2 THEN now() END,
                        retry_count = retry_count + 1,
                        restore_retries = CASE WHEN retry_count + 1 >= $2 THEN restore_retries ELSE restore_retries + 1 END,
                        last_error = 'not restored within ' || $3 || ' s', restore_last_error = 'not restored within ' || $3 || ' s',
                        next_attempt_at = now(), updated_at = now()
                    WHERE event_id = $1 AND state {from} AND desired_state = {phase}
                      AND command_sent_at < now() - make_interval(secs => $3::int)
                    RETURNING state
                    """);

    private static final String DISPATCHED = StateSql.render("SELECT " + TargetRef.COLUMNS + """
            FROM curtailment_target t JOIN device d ON d.id = t.device_id
            WHERE t.event_id = $1 AND t.state = {TargetState.DISPATCHED} AND t.desired_state = {DesiredState.ACTIVE}
            """);

    private static final GuardedUpdate<TargetState> RESOLVE = GuardedUpdate.target("restore-confirm", DesiredState.ACTIVE)
            .move(TargetState.DISPATCHED, TargetState.RESOLVED)
            .sql("""
                    UPDATE curtailment_target t SET state = {to}, resolved_at = now(), restore_completed_at = now(),
                           last_error = NULL, last_observed_at = u.at, last_power_w = u.p, last_hashrate_ths = u.h,
                           updated_at = now()
                    FROM unnest($1::bigint[], $2::timestamptz[], $3::float8[], $4::float8[]) AS u(id, at, p, h)
                    WHERE t.id = u.id AND t.state {from} AND t.desired_state = {phase}
                    """);

    private final Pool pool;
    private final Fencing fencing;
    private final MinerCalls miners;
    private final MeterRegistry meters;
    private final Confirmation confirmation;

    public RestorePhase(Pool pool, Fencing fencing, MinerCalls miners, MeterRegistry meters, Confirmation confirmation) {
        this.pool = pool;
        this.fencing = fencing;
        this.miners = miners;
        this.meters = meters;
        this.confirmation = confirmation;
    }

    public Uni<Void> expire(EventSnapshot e, long epoch) {
        return fencing.write(e.id(), epoch, RESTORING, "restore-expire", tx -> tx.preparedQuery(EXPIRE.sql())
                        .execute(Tuple.of(e.id(), e.restoreBudget(), (int) e.restoreTimeout().toSeconds()))
                        .invoke(rows -> rows.forEach(r -> {
                            if (r.getShort("state") == TargetState.RESTORE_FAILED.wire()) {
                                meters.counter(MetricNames.RESTORE_FAILURES).increment();
                            }
                        })))
                .replaceWithVoid();
    }

    /** Re-sends retries and orphans, then starts the next wave when the previous one is done and the interval passed. */
    public Uni<Void> dispatch(EventSnapshot e, long epoch, int maxBatch, int chunk, BooleanSupplier cancelled) {
        return pool.preparedQuery(DUE_RETRIES).execute(Tuple.of(e.id(), maxBatch)).chain(rows -> {
            List<TargetRef> retries = new ArrayList<>();
            rows.forEach(r -> retries.add(TargetRef.of(r)));
            Uni<Void> first = retries.isEmpty() ? Uni.createFrom().voidItem()
                    : preWrite(e, epoch, retries, 0).chain(claimed -> send(e, epoch, claimed, chunk, cancelled));
            return first.chain(() -> nextWave(e, epoch, maxBatch, chunk, cancelled));
        });
    }

    private Uni<Void> nextWave(EventSnapshot e, long epoch, int maxBatch, int chunk, BooleanSupplier cancelled) {
        if (e.nextWaveAt() != null && e.dbNow().isBefore(e.nextWaveAt())) {
            return Uni.createFrom().voidItem();
        }
        return pool.preparedQuery(WAVE_BUSY).execute(Tuple.of(e.id())).chain(busy -> {
            if (busy.iterator().next().getBoolean(0)) {
                return Uni.createFrom().voidItem();
            }
            int size = e.restoreBatchSize() == 0 ? maxBatch : Math.min(maxBatch, e.restoreBatchSize());
            return pool.preparedQuery(NEXT_WAVE).execute(Tuple.of(e.id(), size)).chain(rows -> {
                List<TargetRef> wave = new ArrayList<>();
                rows.forEach(r -> wave.add(TargetRef.of(r)));
                if (wave.isEmpty()) {
                    return Uni.createFrom().voidItem();
                }
                int number = e.currentWave() + 1;
                return preWrite(e, epoch, wave, number).chain(claimed -> send(e, epoch, claimed, chunk, cancelled));
            });
        });
    }

    /** @param wave the new wave's number, or 0 for re-sends inside started waves */
    private Uni<List<TargetRef>> preWrite(EventSnapshot e, long epoch, List<TargetRef> due, int wave) {
        Long[] ids = due.stream().map(TargetRef::id).toArray(Long[]::new);
        return fencing.write(e.id(), epoch, RESTORING, wave > 0 ? "restore-wave" : "restore-retry", tx ->
                tx.preparedQuery(PRE_WRITE.sql()).execute(Tuple.of(e.id(), ids, wave)).chain(rows -> {
                    Set<Long> written = new HashSet<>();
                    rows.forEach(r -> written.add(r.getLong("id")));
                    List<TargetRef> claimed = due.stream().filter(t -> written.contains(t.id())).toList();
                    if (wave == 0) {
                        return Uni.createFrom().item(claimed);
                    }
                    return tx.preparedQuery(START_WAVE).execute(Tuple.of(e.id(), wave, e.restoreBatchIntervalSec()))
                            .replaceWith(claimed);
                }));
    }

    private Uni<Void> send(EventSnapshot e, long epoch, List<TargetRef> claimed, int chunk, BooleanSupplier cancelled) {
        if (claimed == null || claimed.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return miners.send(claimed, chunk, "uncurtail",
                        t -> miners.drivers().driverFor(t.endpoint()).uncurtail(t.endpoint(), t.snapshot()),
                        () -> stillRestoring(e.id()), cancelled, () -> { })
                .chain(sent -> writeOutcomes(e, epoch, sent));
    }

    private Uni<Boolean> stillRestoring(UUID eventId) {
        return pool.preparedQuery("SELECT state FROM curtailment_event WHERE id = $1").execute(Tuple.of(eventId))
                .map(rows -> rows.size() > 0 && rows.iterator().next().getShort("state") == EventState.RESTORING.wire());
    }

    private Uni<Void> writeOutcomes(EventSnapshot e, long epoch, List<MinerCalls.Sent> sent) {
        List<Long> ids = new ArrayList<>();
        List<Boolean> ok = new ArrayList<>();
        List<Boolean> done = new ArrayList<>();
        List<Boolean> unreachable = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        CommandLog.Columns log = new CommandLog.Columns();
        for (MinerCalls.Sent s : sent) {
            if (s.outcome() == null) {
                continue;
            }
            log.add(s);
            CommandOutcome o = s.outcome();
            ids.add(s.target().id());
            ok.add(o.succeeded());
            // the driver sends nothing to a miner that was not mining before the event: nothing to wait for
            done.add(o.kind() == CommandOutcome.Kind.ALREADY_IN_STATE && !s.target().snapshot().shouldResumeMining());
            unreachable.add(o.kind() == CommandOutcome.Kind.UNREACHABLE);
            errors.add(o.succeeded() ? null : o.describe());
        }
        if (ids.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Object> params = new ArrayList<>(Arrays.asList(ids.toArray(Long[]::new), e.restoreBudget(),
                ok.toArray(Boolean[]::new), done.toArray(Boolean[]::new), unreachable.toArray(Boolean[]::new),
                errors.toArray(String[]::new)));
        params.addAll(log.arrays());
        params.add(fencing.nodeId());
        return fencing.write(e.id(), epoch, List.of(), "restore-outcomes", tx -> tx.preparedQuery(OUTCOMES.sql())
                        .execute(Tuple.from(params))
                        .invoke(rows -> rows.forEach(r -> {
                            if (r.getShort("state") == TargetState.RESTORE_FAILED.wire()) {
                                meters.counter(MetricNames.RESTORE_FAILURES).increment();
                            }
                        })))
                .replaceWithVoid();
    }

    public Uni<Void> confirm(EventSnapshot e, long epoch) {
        return pool.preparedQuery(DISPATCHED).execute(Tuple.of(e.id())).chain(rows -> {
            List<TargetRef> targets = new ArrayList<>();
            rows.forEach(r -> targets.add(TargetRef.of(r)));
            return miners.read(targets).chain(observations -> {
                CurtailPhase.Observations restored = new CurtailPhase.Observations();
                for (int i = 0; i < targets.size(); i++) {
                    TargetRef t = targets.get(i);
                    Observation o = observations.get(i);
                    if (o != null && confirmation.isRestored(t.baselinePowerW(), o, t.commandSentAt())) {
                        restored.add(t.id(), o);
                        if (t.commandSentAt() != null) {
                            meters.timer(MetricNames.CONFIRMATION_LATENCY, "phase", "restore")
                                    .record(Duration.between(t.commandSentAt(), o.observedAt()));
                        }
                    }
                }
                if (restored.isEmpty()) {
                    return Uni.createFrom().voidItem();
                }
                return fencing.write(e.id(), epoch, List.of(), "restore-confirm",
                        tx -> tx.preparedQuery(RESOLVE.sql()).execute(restored.tuple())).replaceWithVoid();
            });
        });
    }
}
