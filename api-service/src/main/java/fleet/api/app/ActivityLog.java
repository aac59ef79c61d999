package fleet.api.app;

import fleet.api.auth.Caller;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.UUID;
import org.hibernate.reactive.mutiny.Mutiny;

/** Writes activity rows (SPEC §7.5) inside the caller's transaction, so the audit row commits with the mutation. */
public final class ActivityLog {

    private static final String INSERT = "INSERT INTO activity_log (org_id, type, actor_type, actor_id, event_id, device_id, metadata)"
            + " VALUES ($1, $2, $3, $4, $5, $6, $7)";

    /**
     * The same row written through a Hibernate session. The metadata is bound as text and cast: bound to a jsonb
     * parameter, the reactive client would store a Java String as a JSON string, not as the document it holds.
     */
    private static final String INSERT_NATIVE = "INSERT INTO activity_log (org_id, type, actor_type, actor_id, event_id,"
            + " device_id, metadata) VALUES (?1, ?2, ?3, ?4, CAST(?5 AS uuid), CAST(?6 AS uuid),"
            + " CAST(CAST(?7 AS text) AS jsonb))";

    private ActivityLog() {
    }

    public static Uni<Void> record(SqlClient tx, Caller caller, String type, UUID eventId, UUID deviceId,
            JsonObject metadata) {
        return tx.preparedQuery(INSERT)
                .execute(Tuple.from(java.util.Arrays.asList(caller.orgId(), type, caller.actorType(), caller.actorId(),
                        eventId, deviceId, metadata == null ? new JsonObject() : metadata)))
                .replaceWithVoid();
    }

    /**
     * The activity row of an entity mutation, on the Hibernate Reactive session whose transaction writes the entity:
     * it commits or rolls back with it. Flush the session first when the row must follow the entity's SQL.
     */
    public static Uni<Void> record(Mutiny.Session session, Caller caller, String type, UUID eventId, UUID deviceId,
            JsonObject metadata) {
        return session.createNativeQuery(INSERT_NATIVE)
                .setParameter(1, caller.orgId())
                .setParameter(2, type)
                .setParameter(3, caller.actorType())
                .setParameter(4, caller.actorId())
                .setParameter(5, eventId)
                .setParameter(6, deviceId)
                .setParameter(7, (metadata == null ? new JsonObject() : metadata).encode())
                .executeUpdate()
                .replaceWithVoid();
    }
}
