package fleet.api.app.commands;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** A batch: every command one request queued, one per device, ordered by device identifier. */
public record CommandBatchView(UUID batchId, CommandKind kind, String actorType, String actorId, OffsetDateTime createdAt,
        List<CommandView> commands) {
}
