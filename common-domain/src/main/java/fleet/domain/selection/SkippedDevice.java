package fleet.domain.selection;

import java.util.UUID;

/** A device selection left out, with the first classification row it matched. */
public record SkippedDevice(Candidate candidate, SkipReason reason) {

    public UUID deviceId() {
        return candidate.deviceId();
    }

    public String identifier() {
        return candidate.identifier();
    }
}
