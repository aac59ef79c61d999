package fleet.domain.schedule;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;

/**
 * When a schedule acts, in wall-clock time of its zone: a daily window ({@link DailyWindow}) or a cron start plus a
 * duration ({@link CronWindow}). Instants follow the DST rules of {@link ZonedTimes}.
 */
public sealed interface ScheduleWindow permits DailyWindow, CronWindow {

    /** The occurrences overlapping [from, to), ordered by start, each start distinct. */
    List<Occurrence> occurrences(ZoneId zone, Instant from, Instant to);

    /** The occurrence in progress at {@code instant} (start ≤ instant < end), if any; the latest one if several. */
    default Optional<Occurrence> containing(ZoneId zone, Instant instant) {
        List<Occurrence> all = occurrences(zone, instant, instant.plusNanos(1));
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /** The first occurrence that has not ended at {@code instant} (in progress or upcoming), looking ahead at most {@code within}. */
    default Optional<Occurrence> next(ZoneId zone, Instant instant, java.time.Duration within) {
        java.time.Duration step = java.time.Duration.ofDays(8);
        Instant from = instant;
        Instant limit = instant.plus(within);
        while (from.isBefore(limit)) {
            Instant to = from.plus(step).isAfter(limit) ? limit : from.plus(step);
            List<Occurrence> found = occurrences(zone, from, to);
            if (!found.isEmpty()) {
                return Optional.of(found.get(0));
            }
            from = to;
            step = step.multipliedBy(2);
        }
        return Optional.empty();
    }
}
