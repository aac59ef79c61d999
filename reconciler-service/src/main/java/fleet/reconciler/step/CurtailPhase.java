package fleet.reconciler.step;

import fleet.domain.CurtailmentLevel;
import fleet.domain.confirm.Confirmation;
import fleet.domain.confirm.Observation;
import fleet.domain.state.DesiredState;
import fleet.domain.state.EventState;
import fleet.domain.state.TargetState;
import fleet.persistence.GuardedUpdate;
import fleet.persistence.StateSql;
import fleet.metrics.MetricNames;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * The curtail side of an event (SPEC §6.3–§6.5): expire unconfirmed commands, dispatch (orphans first, paced unless
 * EMERGENCY), confirm from direct reads, detect drift from the poller's samples. Every write is one set-based,
 * fenced, state-guarded statement per batch.
 */
public final class CurtailPhase {

    private static final List<Integer> CURTAILING = List.of(EventState.PENDING.wire(), EventState.ACTIVE.wire());

    /** Targets that want a curtail command now: orphaned DISPATCHING rows first, then PENDING/DRIFTED/UNAVAILABLE. */
    private static final String DUE = StateSql.render("SELECT " + TargetRef.COLUMNS + """
            FROM curtailment_target t JOIN device d ON d.id = t.device_id
            WHERE t.event_id = $1 AND t.desired_state = {DesiredState.CURTAILED}
              AND (t.state = {TargetState.DISPATCHING}
                   OR (t.state IN {TargetState.PENDING, DRIFTED, UNAVAILABLE}
                       AND (t.next_attempt_at IS NULL OR t.next_attempt_at <= now())))
            ORDER BY (t.state = {TargetState.DISPATCHING}) DESC, t.rank
            LIMIT $2
            """);

    private static final GuardedUpdate<TargetState> PRE_WRITE = GuardedUpdate.target("curtail-prewrite", DesiredState.CURTAILED)
            .move(Set.of(TargetState.PENDING, TargetState.DRIFTED, TargetState.DISPATCHING, TargetState.UNAVAILABLE),
                    TargetState.DISPATCHING)
            .sql("""
                    UPDATE curtailment_target SET state = {to}, command_sent_at = now(),
                           curtail_dispatched_at = coalesce(curtail_dispatched_at, now()), updated_at = now()
                    WHERE event_id = $1 AND id = ANY($2) AND desired_state = {phase} AND state {from}
                    RETURNING id
                    """);

    private static final String MARK_EVENT_DISPATCHED = """
            UPDATE curtailment_event SET first_dispatched_at = coalesce(first_dispatched_at, now()),
                   last_curtail_batch_at = now(), updated_at = now()
            WHERE id = $1
            RETURNING first_dispatched_at = now() AS first, created_at, now() AS db_now
            """;

    /**
     * Outcomes: accepted → DISPATCHED; a failure consumes budget at once → PENDING / UNAVAILABLE / CURTAIL_FAILED. The
     * same statement writes the batch's audit rows ({@link CommandLog}).
     */
    private static final GuardedUpdate<TargetState> OUTCOMES = GuardedUpdate.target("curtail-outcomes", DesiredState.CURTAILED)
            .move(TargetState.DISPATCHING, TargetState.DISPATCHED)
            .move(TargetState.DISPATCHING, TargetState.CURTAIL_FAILED)
            .move(TargetState.DISPATCHING, TargetState.UNAVAILABLE)
            .move(TargetState.DISPATCHING, TargetState.PENDING)
            .sql("WITH u AS (SELECT * FROM unnest($1::bigint[], $3::bool[], $4::bool[], $5::text[], "
                    + CommandLog.unnestArguments(6) + ") AS u(id, ok, unreachable, err, " + CommandLog.UNNEST_COLUMNS
                    + ")),\n" + CommandLog.insert("CURTAIL", 12) + """
                    UPDATE curtailment_target t SET
                        state = CASE WHEN u.ok THEN {to.DISPATCHED} WHEN t.retry_count + 1 >= $2 THEN {to.CURTAIL_FAILED}
                                     WHEN u.unreachable THEN {to.UNAVAILABLE} ELSE {to.PENDING} END,
                        retry_count = CASE WHEN u.ok THEN t.retry_count ELSE t.retry_count + 1 END,
                        curtail_retries = CASE WHEN u.ok OR t.retry_count + 1 >= $2 THEN t.curtail_retries ELSE t.curtail_retries + 1 END,
                        curtail_failures = CASE WHEN u.ok THEN t.curtail_failures ELSE t.curtail_failures + 1 END,
                        last_error = CASE WHEN u.ok THEN NULL ELSE u.err END,
                        curtail_last_error = CASE WHEN u.ok THEN t.curtail_last_error ELSE u.err END,
                        next_attempt_at = CASE WHEN u.ok THEN NULL
                                               ELSE now() + make_interval(secs => least(10, power(2, t.retry_count))::int) END,
                        updated_at = now()
                    FROM u
                    WHERE t.id = u.id AND t.state {from} AND t.desired_state = {phase}
                    RETURNING t.state
                    """);

    private static final GuardedUpdate<TargetState> EXPIRE = GuardedUpdate.target("curtail-expire", DesiredState.CURTAILED)
            .move(TargetState.DISPATCHED, TargetState.CURTAIL_FAILED)
            .move(TargetState.DISPATCHED, TargetState.PENDING)
            .sql("""
                    UPDATE curtailment_target SET
                        state = CASE WHEN retry_count + 1 >= $2 THEN {to.CURTAIL_FAILED} ELSE {to.PENDING} END,
                        retry_count = retry_count + 1,
                        curtail_retries = CASE WHEN retry_count + 1 >= $2 THEN curtail_retries ELSE curtail_retries + 1 END,
                        last_error = 'not confirmed within ' || $3 || ' s', curtail_last_error = 'not confirmed within ' || $3 || ' s',
                        next_attempt_at = now(), updated_at = now()
                    WHERE event_id = $1 AND state {from} AND desired_state = {phase}
                      AND command_sent_at < now() - make_interval(secs => $3::int)
                    RETURNING state
                    """);

    private static final String DISPATCHED = StateSql.render("SELECT " + TargetRef.COLUMNS + """
            FROM curtailment_target t JOIN device d ON d.id = t.device_id
            WHERE t.event_id = $1 AND t.state = {TargetState.DISPATCHED} AND t.desired_state = {DesiredState.CURTAILED}
            """);

    private static final GuardedUpdate<TargetState> CONFIRM = GuardedUpdate.target("curtail-confirm", DesiredState.CURTAILED)
            .move(TargetState.DISPATCHED, TargetState.CONFIRMED)
            .sql("""
                    UPDATE curtailment_target t SET state = {to}, retry_count = 0, last_error = NULL,
                           curtail_completed_at = now(), last_observed_at = u.at, last_power_w = u.p, last_hashrate_ths = u.h,
                           updated_at = now()
                    FROM unnest($1::bigint[], $2::timestamptz[], $3::float8[], $4::float8[]) AS u(id, at, p, h)
                    WHERE t.id = u.id AND t.state {from} AND t.desired_state = {phase}
                    """);

    private static final String OBSERVE = StateSql.render("""
            UPDATE curtailment_target t SET last_observed_at = u.at, last_power_w = u.p, last_hashrate_ths = u.h
            FROM unnest($1::bigint[], $2::timestamptz[], $3::float8[], $4::float8[]) AS u(id, at, p, h)
            WHERE t.id = u.id AND t.state = {TargetState.DISPATCHED}
            """);

    /** Confirmed targets with a poller sample newer than their confirmation (SPEC §6.5 drift, tolerant). */
    private static final String DRIFT_CANDIDATES = StateSql.render("""
            SELECT t.id, t.baseline_power_w, t.curtail_completed_at, s.sampled_at, s.hashrate_ths,
                   CASE WHEN s.power_source IN ('MEASURED_PSU', 'FIRMWARE_ESTIMATE') THEN s.power_w END AS power_w
            FROM curtailment_target t JOIN device_telemetry_latest s ON s.device_id = t.device_id
            WHERE t.event_id = $1 AND t.state = {TargetState.CONFIRMED} AND s.sampled_at > t.curtail_completed_at
            """);

    /** A curtail-phase move: only a CURTAILED target is ever CONFIRMED (Stop resets it to PENDING). */
    private static final GuardedUpdate<TargetState> DRIFT = GuardedUpdate.target("drift", DesiredState.CURTAILED)
            .move(TargetState.CONFIRMED, TargetState.DRIFTED)
            .sql("""
                    UPDATE curtailment_target SET state = {to}, last_error = 'drifted: running again', updated_at = now(),
                           next_attempt_at = NULL
                    WHERE event_id = $1 AND id = ANY($2) AND state {from} AND desired_state = {phase}
                    """);

    private final Pool pool;
    private final Fencing fencing;
    private final MinerCalls miners;
    private final DbClock clock;
    private final MeterRegistry meters;
    private final Confirmation confirmation;

    public CurtailPhase(Pool pool, Fencing fencing, MinerCalls miners, DbClock clock, MeterRegistry meters,
            Confirmation confirmation) {
        this.pool = pool;
        this.fencing = fencing;
        this.miners = miners;
        this.clock = clock;
        this.meters = meters;
        this.confirmation = confirmation;
    }

    /** DISPATCHED targets not confirmed within the timeout consume one retry (→ PENDING or CURTAIL_FAILED). */
    public Uni<Void> expire(EventSnapshot e, long epoch) {
        return fencing.write(e.id(), epoch, CURTAILING, "curtail-expire", tx -> tx.preparedQuery(EXPIRE.sql())
                        .execute(Tuple.of(e.id(), e.curtailBudget(), (int) e.curtailTimeout().toSeconds()))
                        .invoke(rows -> rows.forEach(r -> {
                            if (r.getShort("state") == TargetState.CURTAIL_FAILED.wire()) {
                                meters.counter(MetricNames.CURTAIL_FAILURES).increment();
                            }
                        })))
                .replaceWithVoid();
    }

    /** Sends CURTAIL to the targets that want it now, within pacing and the step's batch bound. */
    public Uni<Void> dispatch(EventSnapshot e, long epoch, int maxBatch, int chunk, BooleanSupplier cancelled) {
        int limit = maxBatch;
        if (e.paced()) {
            if (e.lastCurtailBatchAt() != null
                    && e.dbNow().isBefore(e.lastCurtailBatchAt().plusSeconds(e.curtailBatchIntervalSec()))) {
                return Uni.createFrom().voidItem();
            }
            limit = Math.min(limit, e.curtailBatchSize());
        }
        return pool.preparedQuery(DUE).execute(Tuple.of(e.id(), limit)).chain(rows -> {
            List<TargetRef> due = new ArrayList<>();
            rows.forEach(r -> due.add(TargetRef.of(r)));
            if (due.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            return preWrite(e, epoch, due).chain(claimed -> send(e, epoch, claimed, chunk, cancelled));
        });
    }

    private record Claimed(List<TargetRef> targets, boolean first, Instant createdAt, Instant dbNow, long preWriteNanos) {
    }

    private Uni<Claimed> preWrite(EventSnapshot e, long epoch, List<TargetRef> due) {
        Long[] ids = due.stream().map(TargetRef::id).toArray(Long[]::new);
        return fencing.write(e.id(), epoch, CURTAILING, "curtail-prewrite", tx -> tx.preparedQuery(PRE_WRITE.sql())
                .execute(Tuple.of(e.id(), ids))
                .chain(rows -> {
                    java.util.Set<Long> written = new java.util.HashSet<>();
                    rows.forEach(r -> written.add(r.getLong("id")));
                    List<TargetRef> claimed = due.stream().filter(t -> written.contains(t.id())).toList();
                    return tx.preparedQuery(MARK_EVENT_DISPATCHED).execute(Tuple.of(e.id())).map(ev -> {
                        Row r = ev.iterator().next();
                        return new Claimed(claimed, r.getBoolean("first"), r.getOffsetDateTime("created_at").toInstant(),
                                r.getOffsetDateTime("db_now").toInstant(), System.nanoTime());
                    });
                }));
    }

    private Uni<Void> send(EventSnapshot e, long epoch, Claimed claimed, int chunk, BooleanSupplier cancelled) {
        if (claimed == null || claimed.targets().isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Runnable firstSend = () -> {
            if (claimed.first()) {
                long local = System.nanoTime() - claimed.preWriteNanos();
                Duration latency = Duration.between(claimed.createdAt(), claimed.dbNow()).plusNanos(local);
                meters.timer(MetricNames.START_TO_FIRST_COMMAND).record(latency);
            }
        };
        return miners.send(claimed.targets(), chunk, "curtail",
                        t -> miners.drivers().driverFor(t.endpoint()).curtail(t.endpoint(), CurtailmentLevel.FULL, t.snapshot()),
                        () -> stillCurtailing(e.id()), cancelled, firstSend)
                .chain(sent -> writeOutcomes(e, epoch, sent));
    }

    private Uni<Boolean> stillCurtailing(UUID eventId) {
        return pool.preparedQuery("SELECT state FROM curtailment_event WHERE id = $1").execute(Tuple.of(eventId))
                .map(rows -> rows.size() > 0 && CURTAILING.contains((int) rows.iterator().next().getShort("state")));
    }

    private Uni<Void> writeOutcomes(EventSnapshot e, long epoch, List<MinerCalls.Sent> sent) {
        List<Long> ids = new ArrayList<>();
        List<Boolean> ok = new ArrayList<>();
        List<Boolean> unreachable = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        CommandLog.Columns log = new CommandLog.Columns();
        for (MinerCalls.Sent s : sent) {
            if (s.outcome() == null) {
                continue; // not sent: the row stays DISPATCHING and is re-sent by whoever drives the event next
            }
            log.add(s);
            ids.add(s.target().id());
            ok.add(s.outcome().succeeded());
            unreachable.add(s.outcome().kind() == fleet.driver.CommandOutcome.Kind.UNREACHABLE);
            errors.add(s.outcome().succeeded() ? null : s.outcome().describe());
        }
        if (ids.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Object> params = new ArrayList<>(Arrays.asList(ids.toArray(Long[]::new), e.curtailBudget(),
                ok.toArray(Boolean[]::new), unreachable.toArray(Boolean[]::new), errors.toArray(String[]::new)));
        params.addAll(log.arrays());
        params.add(fencing.nodeId());
        return fencing.write(e.id(), epoch, List.of(), "curtail-outcomes", tx -> tx.preparedQuery(OUTCOMES.sql())
                        .execute(Tuple.from(params))
                        .invoke(rows -> rows.forEach(r -> {
                            if (r.getShort("state") == TargetState.CURTAIL_FAILED.wire()) {
                                meters.counter(MetricNames.CURTAIL_FAILURES).increment();
                            }
                        })))
                .replaceWithVoid();
    }

    /** Reads every DISPATCHED target's miner; positive evidence after the command confirms it (SPEC §6.5). */
    public Uni<Void> confirm(EventSnapshot e, long epoch) {
        return pool.preparedQuery(DISPATCHED).execute(Tuple.of(e.id())).chain(rows -> {
            List<TargetRef> targets = new ArrayList<>();
            rows.forEach(r -> targets.add(TargetRef.of(r)));
            return miners.read(targets).chain(observations -> writeConfirmations(e, epoch, targets, observations));
        });
    }

    private Uni<Void> writeConfirmations(EventSnapshot e, long epoch, List<TargetRef> targets, List<Observation> obs) {
        Observations confirmed = new Observations();
        Observations seen = new Observations();
        for (int i = 0; i < targets.size(); i++) {
            TargetRef t = targets.get(i);
            Observation o = obs.get(i);
            if (o == null) {
                continue;
            }
            if (confirmation.isCurtailed(t.baselinePowerW(), o, t.commandSentAt())) {
                confirmed.add(t.id(), o);
                if (t.commandSentAt() != null) {
                    meters.timer(MetricNames.CONFIRMATION_LATENCY, "phase", "curtail")
                            .record(Duration.between(t.commandSentAt(), o.observedAt()));
                }
            } else {
                seen.add(t.id(), o);
            }
        }
        if (confirmed.isEmpty() && seen.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return fencing.write(e.id(), epoch, List.of(), "curtail-confirm", tx -> {
            Uni<?> a = confirmed.isEmpty() ? Uni.createFrom().voidItem() : tx.preparedQuery(CONFIRM.sql()).execute(confirmed.tuple());
            return a.chain(() -> seen.isEmpty() ? Uni.createFrom().voidItem() : tx.preparedQuery(OBSERVE).execute(seen.tuple()));
        }).replaceWithVoid();
    }

    /** CONFIRMED targets whose poller sample shows the miner running again become DRIFTED (then re-dispatched). */
    public Uni<Void> drift(EventSnapshot e, long epoch) {
        return pool.preparedQuery(DRIFT_CANDIDATES).execute(Tuple.of(e.id())).chain(rows -> {
            List<Long> drifted = new ArrayList<>();
            for (Row r : rows) {
                Observation o = new Observation(r.getDouble("power_w"), r.getDouble("hashrate_ths"),
                        r.getOffsetDateTime("sampled_at").toInstant());
                if (confirmation.isDrifted(r.getDouble("baseline_power_w"), o,
                        r.getOffsetDateTime("curtail_completed_at").toInstant())) {
                    drifted.add(r.getLong("id"));
                }
            }
            if (drifted.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            return fencing.write(e.id(), epoch, CURTAILING, "drift", tx -> tx.preparedQuery(DRIFT.sql())
                    .execute(Tuple.of(e.id(), drifted.toArray(Long[]::new)))).replaceWithVoid();
        });
    }

    /** Column arrays of observations for one set-based statement. */
    static final class Observations {
        private final List<Long> ids = new ArrayList<>();
        private final List<java.time.OffsetDateTime> at = new ArrayList<>();
        private final List<Double> power = new ArrayList<>();
        private final List<Double> hash = new ArrayList<>();

        void add(long id, Observation o) {
            ids.add(id);
            at.add(o.observedAt().atOffset(java.time.ZoneOffset.UTC));
            power.add(o.powerW());
            hash.add(o.hashrateThs());
        }

        boolean isEmpty() {
            return ids.isEmpty();
        }

        Tuple tuple() {
            return Tuple.of(ids.toArray(Long[]::new), at.toArray(java.time.OffsetDateTime[]::new),
                    power.toArray(Double[]::new), hash.toArray(Double[]::new));
        }
    }
}
