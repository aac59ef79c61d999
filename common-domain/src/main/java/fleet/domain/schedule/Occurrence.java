package fleet.domain.schedule;

import java.time.Instant;
import java.util.Objects;

/**
 * One window of a schedule: the action runs at {@code start}, the revert at {@code end}. Always {@code start < end}.
 * A window is identified by its schedule and its start (the database's unique key).
 */
public record Occurrence(Instant start, Instant end) {

    public Occurrence {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        if (!end.isAfter(start)) {
            throw new IllegalArgumentException("an occurrence must end after it starts: " + start + " .. " + end);
        }
    }

    /** True when the two half-open intervals [start, end) share an instant. */
    public boolean overlaps(Occurrence other) {
        return start.isBefore(other.end) && other.start.isBefore(end);
    }

    /** True when {@code instant} lies in [start, end). */
    public boolean contains(Instant instant) {
        return !instant.isBefore(start) && instant.isBefore(end);
    }
}
