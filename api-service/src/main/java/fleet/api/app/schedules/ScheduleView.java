package fleet.api.app.schedules;

import java.time.OffsetDateTime;
import java.util.UUID;

/** A stored schedule as the API reports it. */
public record ScheduleView(UUID id, ScheduleSpec spec, long version, OffsetDateTime createdAt, OffsetDateTime updatedAt) {
}
