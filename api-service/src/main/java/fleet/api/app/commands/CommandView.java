package fleet.api.app.commands;

import io.vertx.mutiny.sqlclient.Row;
import java.time.OffsetDateTime;
import java.util.UUID;

/** One {@code operator_command} row with its device identifier, as the API reports it. */
public record CommandView(UUID id, UUID deviceId, String deviceIdentifier, CommandKind kind, String state, int attempts,
        String lastError, OffsetDateTime createdAt, OffsetDateTime finishedAt) {

    /** The select list producing a CommandView (command c, device d). */
    static final String COLUMNS = """
            c.id, c.device_id, d.identifier, c.command_type, c.state, c.attempts, c.last_error, c.created_at,
            c.finished_at, c.actor_type, c.actor_id, c.batch_id
            """;

    static CommandView of(Row r) {
        return new CommandView(r.getUUID("id"), r.getUUID("device_id"), r.getString("identifier"),
                CommandKind.fromDb(r.getString("command_type")), r.getString("state"), r.getInteger("attempts"),
                r.getString("last_error"), r.getOffsetDateTime("created_at"), r.getOffsetDateTime("finished_at"));
    }
}
