package fleet.api.app;

import com.google.rpc.Code;
import fleet.api.app.CurtailmentRequests.StartSpec;
import fleet.api.auth.Caller;
import fleet.api.error.ApiErrors;
import fleet.domain.CurtailmentMode;
import fleet.domain.DeviceStatus;
import fleet.domain.selection.InsufficientLoad;
import fleet.domain.selection.Plan;
import fleet.domain.selection.SelectedDevice;
import fleet.domain.state.EventState;
import fleet.persistence.scope.ScopeJson;
import fleet.persistence.GuardedUpdate;
import fleet.persistence.StateSql;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * StartCurtailment (SPEC §3): replay an idempotent request, or run selection and write the event and every target in
 * one transaction (targets in one {@code unnest} insert), with one activity row and {@code NOTIFY curtailment_work}
 * in the same transaction. Two concurrent Starts with one key produce one event: the loser hits the partial unique
 * index, waits for the winner's commit, and replays it. A device claimed by a concurrent Start fails the loser as a
 * whole (ALREADY_EXISTS / DEVICE_IN_ACTIVE_EVENT) and writes nothing.
 */
@ApplicationScoped
public class StartCurtailment {

    public static final String NOTIFY_CHANNEL = fleet.persistence.Channels.CURTAILMENT_WORK;
    private static final Pattern KEY_DETAIL = Pattern.compile("\\(device_id\\)=\\(([0-9a-f-]{36})\\)");

    private static final String FIND_LIVE_BY_HANDLE = StateSql.render("""
            SELECT id, request_fingerprint FROM curtailment_event
            WHERE org_id = $1 AND state IN {EventState.LIVE}
              AND (($2::text IS NOT NULL AND idempotency_key = $2)
                   OR ($3::text IS NOT NULL AND external_source = $3 AND external_reference = $4))
            ORDER BY created_at LIMIT 1
            """);

    private static final String INSERT_EVENT = """
            INSERT INTO curtailment_event (org_id, state, mode, level, priority, reason, scope, target_kw, tolerance_kw,
                max_duration_sec, allow_unbounded, min_curtailed_duration_sec, restore_batch_size,
                restore_batch_interval_sec, curtail_batch_size, curtail_batch_interval_sec, post_event_cooldown_sec,
                include_maintenance, candidate_min_power_w, idempotency_key, external_source, external_reference,
                request_fingerprint, source_actor_type, source_actor_id, created_by_user_id, estimated_reduction_kw,
                target_count, ended_at, end_reason)
            VALUES ($1, $2, $3, 2, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21,
                    $22, $23, $24, $25, $26, $27, NULL, $28)
            RETURNING id
            """;

    /**
     * An event with nothing to curtail is still inserted PENDING first, so its idempotency handle goes through the
     * partial unique index like any other, then completed in the same transaction.
     */
    private static final GuardedUpdate<EventState> COMPLETE_EMPTY = GuardedUpdate.event("start-empty")
            .moveOfNewRow(EventState.PENDING, EventState.COMPLETED)
            .sql("UPDATE curtailment_event SET state = {to}, ended_at = now() WHERE id = $1 AND state {from}");

    private static final String INSERT_TARGETS = StateSql.render("""
            INSERT INTO curtailment_target (event_id, org_id, device_id, state, desired_state, rank, baseline_power_w,
                                            baseline_hashrate_ths, pre_curtail_snapshot)
            SELECT $1, $2, t.device_id, {TargetState.PENDING}, {DesiredState.CURTAILED}, t.rank, t.baseline_power_w,
                   t.baseline_hashrate_ths, t.snapshot::jsonb
            FROM unnest($3::uuid[], $4::int[], $5::float8[], $6::float8[], $7::text[])
                 AS t(device_id, rank, baseline_power_w, baseline_hashrate_ths, snapshot)
            """);

    @Inject
    Pool pool;

    /** The event that answers the request, and whether an earlier request created it. */
    public record Started(UUID eventId, boolean replayed) {
    }

    public Uni<Started> start(Caller caller, StartSpec spec) {
        return findReplay(caller, spec).chain(replay -> {
            if (replay.isPresent()) {
                return Uni.createFrom().item(replay.get());
            }
            return SelectionRunner.select(pool, caller.orgId(), spec.selection())
                    .chain(selection -> insert(caller, spec, selection))
                    .onFailure(StartCurtailment::isHandleConflict)
                    .recoverWithUni(() -> findReplay(caller, spec).map(again -> again.orElseThrow(() ->
                            ApiErrors.domain(Code.ABORTED, "CONCURRENT_START", "a concurrent request with the same"
                                    + " idempotency handle ended before it could be replayed; retry", Map.of()))));
        });
    }

    /** The live event holding this request's idempotency key or external reference, if any. */
    private Uni<Optional<Started>> findReplay(Caller caller, StartSpec spec) {
        if (spec.idempotencyKey() == null && spec.externalSource() == null) {
            return Uni.createFrom().item(Optional.empty());
        }
        return pool.preparedQuery(FIND_LIVE_BY_HANDLE)
                .execute(Tuple.of(caller.orgId(), spec.idempotencyKey(), spec.externalSource(), spec.externalReference()))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return Optional.empty();
                    }
                    Row r = rows.iterator().next();
                    if (!spec.fingerprint().equals(r.getString("request_fingerprint"))) {
                        throw ApiErrors.alreadyExists("IDEMPOTENCY_KEY_REUSED",
                                "the idempotency handle belongs to live event " + r.getUUID("id")
                                        + " created with different parameters",
                                Map.of("event_id", r.getUUID("id").toString()));
                    }
                    return Optional.of(new Started(r.getUUID("id"), true));
                });
    }

    /** FIXED_KW short of target − tolerance: INVALID_ARGUMENT with the structured metadata of SPEC §3. */
    public static void requireSufficient(Plan plan) {
        Optional<InsufficientLoad> insufficient = plan.insufficientLoad();
        if (insufficient.isPresent()) {
            InsufficientLoad load = insufficient.get();
            throw ApiErrors.domain(Code.INVALID_ARGUMENT, InsufficientLoad.REASON,
                    String.format("insufficient curtailable load: %.3f kW available of %.3f kW requested"
                            + " (tolerance %.3f kW)", load.availableKw(), load.requestedKw(), load.toleranceKw()),
                    load.metadata());
        }
    }

    private Uni<Started> insert(Caller caller, StartSpec spec, SelectionRunner.Selection selection) {
        Plan plan = selection.plan();
        requireSufficient(plan);
        int orgDefault = selection.config().defaultMaxDurationSec();
        Integer maxDuration = null;
        if (!spec.allowUnbounded()) {
            int requested = spec.maxDurationSec() == 0 ? orgDefault : spec.maxDurationSec();
            CurtailmentRequests.checkMaxDurationGate(caller, requested, orgDefault, "max_duration_seconds");
            maxDuration = requested;
        }
        List<SelectedDevice> selected = plan.selected();
        EventState initial = selected.isEmpty() ? EventState.COMPLETED : EventState.PENDING;
        var sel = spec.selection();
        Tuple eventParams = Tuple.from(Arrays.asList(caller.orgId(), (short) EventState.PENDING.wire(), (short) sel.mode().wire(),
                (short) sel.priority().wire(), spec.reason(), ScopeJson.encode(sel.scope()),
                sel.mode() == CurtailmentMode.FIXED_KW ? sel.targetKw() : null,
                sel.mode() == CurtailmentMode.FIXED_KW ? sel.toleranceKw() : null,
                maxDuration, spec.allowUnbounded(), spec.minCurtailedDurationSec(), spec.restoreBatchSize(),
                spec.restoreBatchIntervalSec(), spec.curtailBatchSize(), spec.curtailBatchIntervalSec(),
                sel.postEventCooldownSec(), sel.includeMaintenance(), selection.effectiveMinPowerW(),
                spec.idempotencyKey(), spec.externalSource(), spec.externalReference(), spec.fingerprint(),
                caller.actorType(), caller.actorId(), caller.userId(), plan.estimatedReductionKw(), selected.size(),
                selected.isEmpty() ? "no eligible device in scope" : null));
        return pool.withTransaction(tx -> tx.preparedQuery(INSERT_EVENT).execute(eventParams)
                        .map(rows -> rows.iterator().next().getUUID("id"))
                        .call(eventId -> selected.isEmpty()
                                ? tx.preparedQuery(COMPLETE_EMPTY.sql()).execute(Tuple.of(eventId))
                                : insertTargets(tx, caller.orgId(), eventId, selected))
                        .call(eventId -> ActivityLog.record(tx, caller, "curtailment_started", eventId, null,
                                activity(spec, plan, initial)))
                        .call(eventId -> tx.preparedQuery("SELECT pg_notify($1, $2)")
                                .execute(Tuple.of(NOTIFY_CHANNEL, eventId.toString()))))
                .onFailure(StartCurtailment::isDeviceConflict).transform(StartCurtailment::deviceConflict)
                .map(eventId -> new Started(eventId, false));
    }

    private static Uni<?> insertTargets(SqlConnection tx, UUID org, UUID eventId, List<SelectedDevice> selected) {
        if (selected.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        int n = selected.size();
        UUID[] devices = new UUID[n];
        Integer[] ranks = new Integer[n];
        Double[] baselines = new Double[n];
        Double[] hashrates = new Double[n];
        String[] snapshots = new String[n];
        for (int i = 0; i < n; i++) {
            SelectedDevice d = selected.get(i);
            devices[i] = d.deviceId();
            ranks[i] = d.rank();
            baselines[i] = d.baselinePowerW();
            hashrates[i] = d.baselineHashrateThs();
            snapshots[i] = snapshot(d.candidate().status());
        }
        return tx.preparedQuery(INSERT_TARGETS)
                .execute(Tuple.from(Arrays.asList(eventId, org, devices, ranks, baselines, hashrates, snapshots)));
    }

    /** The pre-curtail snapshot as the driver SPI stores it (fleet.driver.PreCurtailSnapshot JSON). */
    private static String snapshot(DeviceStatus status) {
        if (status == null) {
            return "{}";
        }
        return switch (status) {
            case MINING, STARTING, NO_POOL -> "{\"was_mining\":true}";
            case SLEEPING, STOPPED -> "{\"was_mining\":false}";
            default -> "{}";
        };
    }

    private static JsonObject activity(StartSpec spec, Plan plan, EventState initial) {
        JsonObject m = new JsonObject()
                .put("mode", spec.selection().mode().name())
                .put("priority", spec.selection().priority().name())
                .put("targets", plan.selected().size())
                .put("estimated_reduction_kw", plan.estimatedReductionKw())
                .put("devices_in_scope", plan.devicesInScope())
                .put("initial_state", initial.name())
                .put("reason", spec.reason());
        if (spec.selection().mode() == CurtailmentMode.FIXED_KW) {
            m.put("target_kw", spec.selection().targetKw()).put("tolerance_kw", spec.selection().toleranceKw());
        }
        return m;
    }

    private static boolean isHandleConflict(Throwable t) {
        return t instanceof PgException pg && "23505".equals(pg.getSqlState()) && pg.getConstraint() != null
                && (pg.getConstraint().equals("curtailment_event_idempotency_live")
                        || pg.getConstraint().equals("curtailment_event_external_ref_live"));
    }

    private static boolean isDeviceConflict(Throwable t) {
        return t instanceof PgException pg && "23505".equals(pg.getSqlState())
                && "curtailment_target_one_live_per_device".equals(pg.getConstraint());
    }

    private static Throwable deviceConflict(Throwable t) {
        PgException pg = (PgException) t;
        String device = "";
        if (pg.getDetail() != null) {
            Matcher m = KEY_DETAIL.matcher(pg.getDetail());
            if (m.find()) {
                device = m.group(1);
            }
        }
        return ApiErrors.alreadyExists("DEVICE_IN_ACTIVE_EVENT",
                "a device of this plan joined another live curtailment event concurrently; preview again",
                device.isEmpty() ? Map.of() : Map.of("device_id", device));
    }
}
