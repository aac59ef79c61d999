package fleet.api.app;

import com.google.rpc.PreconditionFailure;
import fleet.api.auth.Caller;
import fleet.api.error.ApiErrors;
import fleet.domain.state.EventState;
import fleet.persistence.curtailment.EndEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The admin recovery RPCs of SPEC §6.7, each one transaction that locks the event row first, so it serialises with
 * Stop/Update and with the reconciler's fenced writes (which are guarded by {@code state}: after this commit they
 * change nothing), then NOTIFYs so the owning reconciler drops the event at once.
 * <ul>
 *   <li>{@link #terminate}: a PENDING event none of whose miners may be asleep (every open target never received a
 *       command), or a RESTORING event, ends CANCELLED or FAILED; its open targets end RESTORE_FAILED with the reason
 *       (the miners were not restored by us: an operator must look at them). An ACTIVE event, or a PENDING one with a
 *       target that was sent a curtail command, is refused and nothing is written: FAILED_PRECONDITION
 *       IN_FLIGHT_CURTAIL_COMMANDS (ACTIVE, or a command in flight) or TARGETS_MAY_BE_CURTAILED, naming the count and
 *       the first targets (PreconditionFailure) and the two ways out: StopCurtailment restores them, ForceRelease
 *       abandons them deliberately (docs/decisions.md D40).</li>
 *   <li>{@link #forceRelease}: any live event ends CANCELLED; its open targets end RELEASED, for which no restore
 *       command is ever sent.</li>
 * </ul>
 * Repeating an ending that already happened is an echo that writes nothing; any other terminal state is
 * EVENT_TERMINAL.
 */
@ApplicationScoped
public class AdminRecovery {

    /** Targets named in a refusal's details (the count covers all); the message names the first few of them. */
    static final int LISTED_TARGETS = 20;
    private static final int TARGETS_IN_MESSAGE = 5;

    /** Ending chosen by AdminTerminateEvent. */
    public enum Ending {
        CANCELLED(EventState.CANCELLED), FAILED(EventState.FAILED);

        final EventState state;

        Ending(EventState state) {
            this.state = state;
        }
    }

    @Inject
    Pool pool;

    public Uni<UUID> terminate(Caller caller, UUID eventId, Ending ending, String reason) {
        return pool.withTransaction(tx -> LockedEvent.lock(tx, caller.orgId(), eventId).chain(event -> {
            if (event.state() == ending.state) {
                return Uni.createFrom().item(event.id());
            }
            if (event.state().isTerminal()) {
                throw event.terminalError();
            }
            if (event.state() == EventState.RESTORING) {
                return end(tx, caller, event, ending.state, reason, "curtailment_terminated");
            }
            return EndEvent.possiblyCurtailed(tx, event.id(), LISTED_TARGETS).chain(asleep -> {
                if (event.state() == EventState.ACTIVE || asleep.count() > 0) {
                    throw stopFirst(event, asleep);
                }
                return end(tx, caller, event, ending.state, reason, "curtailment_terminated");
            });
        }));
    }

    public Uni<UUID> forceRelease(Caller caller, UUID eventId, String reason) {
        return pool.withTransaction(tx -> LockedEvent.lock(tx, caller.orgId(), eventId).chain(event -> {
            if (event.state() == EventState.CANCELLED) {
                return Uni.createFrom().item(event.id());
            }
            if (event.state().isTerminal()) {
                throw event.terminalError();
            }
            return end(tx, caller, event, EventState.CANCELLED, reason, "curtailment_force_released");
        }));
    }

    private static Uni<UUID> end(SqlConnection tx, Caller caller, LockedEvent event, EventState to, String reason,
            String activityType) {
        boolean release = activityType.equals("curtailment_force_released");
        Uni<Integer> closed = release
                ? EndEvent.release(tx, event.id(), event.state(), reason)
                : EndEvent.terminate(tx, event.id(), event.state(), to, reason);
        return closed
                .chain(n -> ActivityLog.record(tx, caller, activityType, event.id(), null, new JsonObject()
                        .put("reason", reason)
                        .put("previous_state", event.state().name())
                        .put("state", to.name())
                        .put(release ? "targets_released" : "targets_restore_failed", n)))
                .chain(() -> LockedEvent.notifyWork(tx, event.id()))
                .replaceWith(event.id());
    }

    /**
     * The refusal: terminating would leave miners asleep with nobody to wake them. ACTIVE and in-flight keep SPEC's
     * IN_FLIGHT_CURTAIL_COMMANDS; a PENDING event whose commands were all answered is TARGETS_MAY_BE_CURTAILED.
     */
    private static RuntimeException stopFirst(LockedEvent event, EndEvent.PossiblyCurtailed asleep) {
        Map<String, String> metadata = new HashMap<>(event.metadata());
        metadata.put("targets_possibly_curtailed", Integer.toString(asleep.count()));
        metadata.put("targets_in_flight", Integer.toString(asleep.inFlight()));
        String reason;
        String detail;
        if (event.state() == EventState.ACTIVE) {
            reason = "IN_FLIGHT_CURTAIL_COMMANDS";
            detail = "the event is ACTIVE (its miners are curtailed)";
        } else if (asleep.inFlight() > 0) {
            reason = "IN_FLIGHT_CURTAIL_COMMANDS";
            detail = asleep.inFlight() + " curtail command(s) are in flight";
        } else {
            reason = "TARGETS_MAY_BE_CURTAILED";
            detail = asleep.count() + " target(s) were sent a curtail command and may be asleep";
        }
        PreconditionFailure.Builder blockers = PreconditionFailure.newBuilder();
        List<String> named = new ArrayList<>();
        for (EndEvent.CurtailedTarget t : asleep.first()) {
            blockers.addViolations(PreconditionFailure.Violation.newBuilder().setType("TARGET_MAY_BE_CURTAILED")
                    .setSubject(t.identifier()).setDescription("target is " + t.state()
                            + ": StopCurtailment restores its miner, ForceRelease leaves it as it is"));
            if (named.size() < TARGETS_IN_MESSAGE) {
                named.add(t.identifier() + " " + t.state());
            }
        }
        String listed = named.isEmpty() ? "" : " (" + String.join(", ", named)
                + (asleep.count() > named.size() ? ", and " + (asleep.count() - named.size()) + " more" : "") + ")";
        return ApiErrors.failedPrecondition(reason, "stop first: " + detail + "; " + asleep.count()
                + " target(s) may be curtailed" + listed + ". StopCurtailment restores them (terminate the RESTORING"
                + " event if the restore cannot finish); ForceRelease ends the event without restoring them",
                metadata, blockers.build());
    }
}
