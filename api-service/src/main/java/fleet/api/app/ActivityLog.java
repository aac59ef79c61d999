package fleet.api.app;

import fleet.api.auth.Caller;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.UUID;

/** Writes activity rows (SPEC §7.5) inside the caller's transaction, so the audit row commits with the mutation. */
public final class ActivityLog {

    private static final String INSERT = "INSERT INTO activity_log (org_id, type, actor_type, actor_id, event_id, device_id, metadata)"
            + " VALUES ($1, $2, $3, $4, $5, $6, $7)";

    private ActivityLog() {
    }

    public static Uni<Void> record(SqlClient tx, Caller caller, String type, UUID eventId, UUID deviceId,
            JsonObject metadata) {
        return tx.preparedQuery(INSERT)
                .execute(Tuple.from(java.util.Arrays.asList(caller.orgId(), type, caller.actorType(), caller.actorId(),
                        eventId, deviceId, metadata == null ? new JsonObject() : metadata)))
                .replaceWithVoid();
    }
}
