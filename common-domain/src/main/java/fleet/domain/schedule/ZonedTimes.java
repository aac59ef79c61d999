package fleet.domain.schedule;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;

/**
 * Local wall-clock times of a schedule's zone → instants, with the two DST rules of schedules:
 * <ul>
 *   <li>a local time skipped by a spring-forward gap maps to the first valid instant after the gap (the transition
 *       instant itself: 02:30 on a 02:00→03:00 night is 03:00 local), not to "the same distance past the gap" as
 *       {@link java.time.ZonedDateTime#of} would;</li>
 *   <li>a local time repeated by a fall-back overlap maps to its first occurrence (the earlier offset), so it fires
 *       once.</li>
 * </ul>
 */
public final class ZonedTimes {

    private ZonedTimes() {
    }

    public static Instant resolve(LocalDateTime local, ZoneId zone) {
        ZoneRules rules = zone.getRules();
        var offsets = rules.getValidOffsets(local);
        if (offsets.isEmpty()) {
            ZoneOffsetTransition gap = rules.getTransition(local);
            return gap.getInstant();
        }
        // one offset normally; two in a fall-back overlap, the earlier offset (the first pass) listed first
        return local.toInstant(offsets.get(0));
    }
}
