package fleet.api.grpc;

import fleet.api.app.EventQueries;
import fleet.api.app.ScopeProtos;
import fleet.curtailment.v1.ActorType;
import fleet.curtailment.v1.CurtailmentEvent;
import fleet.curtailment.v1.CurtailmentEventState;
import fleet.curtailment.v1.CurtailmentLevel;
import fleet.curtailment.v1.CurtailmentMode;
import fleet.curtailment.v1.CurtailmentPriority;
import fleet.curtailment.v1.CurtailmentTarget;
import fleet.curtailment.v1.CurtailmentTargetState;
import fleet.curtailment.v1.DesiredState;
import fleet.curtailment.v1.FixedKwParams;
import fleet.curtailment.v1.PhaseSummary;
import fleet.curtailment.v1.TargetRollup;
import fleet.curtailment.v1.TargetStateCount;
import fleet.persistence.scope.ScopeJson;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.TreeMap;

/** Event and target rows → v1 messages. */
public final class EventMapping {

    private EventMapping() {
    }

    /** @param withHandles include idempotency key and external reference (Get/Start/Stop/Update, not lists) */
    public static CurtailmentEvent event(EventQueries.EventView view, boolean withHandles) {
        Row r = view.row();
        CurtailmentEvent.Builder b = CurtailmentEvent.newBuilder()
                .setEventId(r.getUUID("id").toString())
                .setState(CurtailmentEventState.forNumber(r.getShort("state")))
                .setMode(CurtailmentMode.forNumber(r.getShort("mode")))
                .setLevel(CurtailmentLevel.forNumber(r.getShort("level")))
                .setPriority(CurtailmentPriority.forNumber(r.getShort("priority")))
                .setReason(r.getString("reason"))
                .setScope(ScopeProtos.toProto(ScopeJson.decode((JsonObject) r.getValue("scope"))))
                .setAllowUnbounded(r.getBoolean("allow_unbounded"))
                .setMinCurtailedDurationSec(r.getInteger("min_curtailed_duration_sec"))
                .setRestoreBatchSize(r.getInteger("restore_batch_size"))
                .setRestoreBatchIntervalSec(r.getInteger("restore_batch_interval_sec"))
                .setCurtailBatchSize(r.getInteger("curtail_batch_size"))
                .setCurtailBatchIntervalSec(r.getInteger("curtail_batch_interval_sec"))
                .setPostEventCooldownSec(r.getInteger("post_event_cooldown_sec"))
                .setIncludeMaintenance(r.getBoolean("include_maintenance"))
                .setCandidateMinPowerW(r.getInteger("candidate_min_power_w"))
                .setSourceActorType(actor(r.getString("source_actor_type")))
                .setSourceActorId(r.getString("source_actor_id"))
                .setCreatedByUserId(r.getUUID("created_by_user_id").toString())
                .setEstimatedReductionKw(r.getDouble("estimated_reduction_kw"))
                .setTargetCount(r.getInteger("target_count"))
                .setRollup(rollup(view.rollup()));
        if (r.getInteger("max_duration_sec") != null) {
            b.setMaxDurationSeconds(r.getInteger("max_duration_sec"));
        }
        if (r.getDouble("target_kw") != null) {
            b.setFixedKw(FixedKwParams.newBuilder().setTargetKw(r.getDouble("target_kw"))
                    .setToleranceKw(r.getDouble("tolerance_kw")));
        }
        if (withHandles) {
            if (r.getString("idempotency_key") != null) {
                b.setIdempotencyKey(r.getString("idempotency_key"));
            }
            if (r.getString("external_source") != null) {
                b.setExternalSource(r.getString("external_source")).setExternalReference(r.getString("external_reference"));
            }
        }
        time(r, "created_at", b::setCreatedAt);
        time(r, "updated_at", b::setUpdatedAt);
        time(r, "first_dispatched_at", b::setFirstDispatchedAt);
        time(r, "started_at", b::setStartedAt);
        time(r, "restore_started_at", b::setRestoreStartedAt);
        time(r, "ended_at", b::setEndedAt);
        if (r.getString("end_reason") != null) {
            b.setEndReason(r.getString("end_reason"));
        }
        if (r.getString("restore_initiated_by") != null) {
            b.setRestoreInitiatedBy(actor(r.getString("restore_initiated_by")));
        }
        return b.build();
    }

    public static TargetRollup rollup(EventQueries.Rollup rollup) {
        TargetRollup.Builder b = TargetRollup.newBuilder().setTotal(rollup.total())
                .setConfirmedReductionKw(rollup.confirmedKw()).setCommanded(rollup.commanded());
        for (Map.Entry<Integer, Integer> e : new TreeMap<>(rollup.byState()).entrySet()) {
            b.addByState(TargetStateCount.newBuilder().setState(CurtailmentTargetState.forNumber(e.getKey()))
                    .setCount(e.getValue()));
        }
        return b.build();
    }

    public static CurtailmentTarget target(Row r) {
        CurtailmentTarget.Builder b = CurtailmentTarget.newBuilder()
                .setDeviceId(r.getUUID("device_id").toString())
                .setDeviceIdentifier(r.getString("identifier"))
                .setState(CurtailmentTargetState.forNumber(r.getShort("state")))
                .setDesiredState(DesiredState.forNumber(r.getShort("desired_state")))
                .setRank(r.getInteger("rank"))
                .setRetryCount(r.getInteger("retry_count"))
                .setWave(r.getInteger("wave"))
                .setCurtailPhase(phase(r, "curtail"))
                .setRestorePhase(phase(r, "restore"));
        setDouble(r, "baseline_power_w", b::setBaselinePowerW);
        setDouble(r, "baseline_hashrate_ths", b::setBaselineHashrateThs);
        setDouble(r, "last_power_w", b::setLastPowerW);
        setDouble(r, "last_hashrate_ths", b::setLastHashrateThs);
        if (r.getString("last_error") != null) {
            b.setLastError(r.getString("last_error"));
        }
        time(r, "last_observed_at", b::setLastObservedAt);
        time(r, "updated_at", b::setUpdatedAt);
        return b.build();
    }

    private static PhaseSummary phase(Row r, String prefix) {
        PhaseSummary.Builder p = PhaseSummary.newBuilder()
                .setRetries(r.getInteger(prefix + "_retries"))
                .setFailures(r.getInteger(prefix + "_failures"));
        time(r, prefix + "_dispatched_at", p::setDispatchedAt);
        time(r, prefix + "_completed_at", p::setCompletedAt);
        if (r.getString(prefix + "_last_error") != null) {
            p.setLastError(r.getString(prefix + "_last_error"));
        }
        return p.build();
    }

    static ActorType actor(String dbValue) {
        return switch (dbValue) {
            case "user" -> ActorType.ACTOR_TYPE_USER;
            case "api_key" -> ActorType.ACTOR_TYPE_API_KEY;
            case "automation" -> ActorType.ACTOR_TYPE_AUTOMATION;
            case "scheduler" -> ActorType.ACTOR_TYPE_SCHEDULER;
            case "system" -> ActorType.ACTOR_TYPE_SYSTEM;
            case "curtailment" -> ActorType.ACTOR_TYPE_CURTAILMENT;
            default -> ActorType.ACTOR_TYPE_UNSPECIFIED;
        };
    }

    private static void time(Row r, String column, java.util.function.Consumer<com.google.protobuf.Timestamp> setter) {
        OffsetDateTime t = r.getOffsetDateTime(column);
        if (t != null) {
            setter.accept(ProtoTime.of(t));
        }
    }

    private static void setDouble(Row r, String column, java.util.function.DoubleConsumer setter) {
        Double v = r.getDouble(column);
        if (v != null) {
            setter.accept(v);
        }
    }
}
