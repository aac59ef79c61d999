package fleet.api.app;

import com.google.rpc.Code;
import fleet.api.auth.Caller;
import fleet.api.error.ApiErrors;
import fleet.domain.state.EventState;
import fleet.persistence.StateSql;
import fleet.persistence.curtailment.EndEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The admin recovery RPCs of SPEC §6.7, each one transaction that locks the event row first, so it serialises with
 * Stop/Update and with the reconciler's fenced writes (which are guarded by {@code state}: after this commit they
 * change nothing), then NOTIFYs so the owning reconciler drops the event at once.
 * <ul>
 *   <li>{@link #terminate}: a PENDING event with no curtail command in flight (no target DISPATCHING or DISPATCHED),
 *       or a RESTORING event, ends CANCELLED or FAILED; its open targets end RESTORE_FAILED with the reason (the
 *       miners were not restored by us: an operator must look at them). ACTIVE or in flight →
 *       IN_FLIGHT_CURTAIL_COMMANDS ("stop first").</li>
 *   <li>{@link #forceRelease}: any live event ends CANCELLED; its open targets end RELEASED, for which no restore
 *       command is ever sent.</li>
 * </ul>
 * Repeating an ending that already happened is an echo that writes nothing; any other terminal state is
 * EVENT_TERMINAL.
 */
@ApplicationScoped
public class AdminRecovery {

    private static final String IN_FLIGHT = StateSql.render("SELECT count(*)::int AS n FROM curtailment_target"
            + " WHERE event_id = $1 AND state IN {TargetState.DISPATCHED, DISPATCHING}");

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
            if (event.state() == EventState.ACTIVE) {
                throw inFlight(event, -1);
            }
            Uni<Integer> inFlight = event.state() == EventState.PENDING
                    ? tx.preparedQuery(IN_FLIGHT).execute(Tuple.of(event.id()))
                            .map(rows -> rows.iterator().next().getInteger("n"))
                    : Uni.createFrom().item(0);
            return inFlight.chain(n -> {
                if (n > 0) {
                    throw inFlight(event, n);
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

    private static RuntimeException inFlight(LockedEvent event, int commandsInFlight) {
        Map<String, String> metadata = new HashMap<>(event.metadata());
        String detail;
        if (commandsInFlight >= 0) {
            metadata.put("targets_in_flight", Integer.toString(commandsInFlight));
            detail = commandsInFlight + " curtail command(s) are in flight";
        } else {
            detail = "the event is ACTIVE (its miners are curtailed)";
        }
        return ApiErrors.domain(Code.FAILED_PRECONDITION, "IN_FLIGHT_CURTAIL_COMMANDS",
                "stop first: " + detail + "; StopCurtailment restores them, then terminate the RESTORING event",
                metadata);
    }
}
