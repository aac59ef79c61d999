package fleet.domain.schedule;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;

/** Checks over computed occurrences: a schedule's own consistency, and overlaps between two schedules. */
public final class Occurrences {

    private Occurrences() {
    }

    /** Two overlapping windows, one of each schedule. */
    public record Overlap(Occurrence first, Occurrence second) {
    }

    /**
     * What is wrong with a window's own occurrences over [from, from + horizon), or empty when nothing is: windows of
     * one schedule never overlap each other (the revert of one would cut the next), and starts are at least
     * {@link ScheduleBounds#MIN_SPACING} apart. Adjacent windows (an end equal to the next start) are allowed: the
     * processor runs the revert before the next start.
     */
    public static Optional<String> selfCheck(ScheduleWindow window, ZoneId zone, Instant from, Duration horizon) {
        List<Occurrence> all = window.occurrences(zone, from, from.plus(horizon));
        for (int i = 1; i < all.size(); i++) {
            Occurrence prev = all.get(i - 1);
            Occurrence next = all.get(i);
            if (next.start().isBefore(prev.end())) {
                return Optional.of("windows overlap each other (" + prev.start() + " .. " + prev.end() + " and "
                        + next.start() + " .. " + next.end() + "): shorten the window or start it less often");
            }
            if (Duration.between(prev.start(), next.start()).compareTo(ScheduleBounds.MIN_SPACING) < 0) {
                return Optional.of("windows start less than " + ScheduleBounds.MIN_SPACING.toMinutes()
                        + " minutes apart (" + prev.start() + " and " + next.start() + ")");
            }
        }
        return Optional.empty();
    }

    /** The first overlap of two start-ordered occurrence lists, if any (a merge walk, O(n + m)). */
    public static Optional<Overlap> firstOverlap(List<Occurrence> a, List<Occurrence> b) {
        int i = 0;
        int j = 0;
        while (i < a.size() && j < b.size()) {
            Occurrence x = a.get(i);
            Occurrence y = b.get(j);
            if (x.overlaps(y)) {
                return Optional.of(new Overlap(x, y));
            }
            if (x.end().isAfter(y.end())) {
                j++;
            } else {
                i++;
            }
        }
        return Optional.empty();
    }

    /** The first overlap of two schedules' windows over [from, from + horizon), each in its own zone. */
    public static Optional<Overlap> firstOverlap(ScheduleWindow a, ZoneId zoneA, ScheduleWindow b, ZoneId zoneB,
            Instant from, Duration horizon) {
        Instant to = from.plus(horizon);
        return firstOverlap(a.occurrences(zoneA, from, to), b.occurrences(zoneB, from, to));
    }
}
