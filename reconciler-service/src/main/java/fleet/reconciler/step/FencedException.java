package fleet.reconciler.step;

import java.util.UUID;

/** This replica's epoch for the event is no longer current: another replica owns it, nothing was written. */
public final class FencedException extends RuntimeException {

    private final UUID eventId;

    public FencedException(UUID eventId, long epoch) {
        super("event " + eventId + ": lease epoch " + epoch + " is no longer current", null, false, false);
        this.eventId = eventId;
    }

    public UUID eventId() {
        return eventId;
    }
}
