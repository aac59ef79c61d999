package fleet.domain.schedule;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A window from {@code start} to {@code end} (local times, minute precision) on the given days of the week. An end
 * earlier than the start means the window runs past midnight and ends the next day; the day is the day it starts.
 */
public record DailyWindow(LocalTime start, LocalTime end, Set<DayOfWeek> days) implements ScheduleWindow {

    public DailyWindow {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        Objects.requireNonNull(days, "days");
        if (start.getSecond() != 0 || start.getNano() != 0 || end.getSecond() != 0 || end.getNano() != 0) {
            throw new IllegalArgumentException("window times have minute precision");
        }
        if (start.equals(end)) {
            throw new IllegalArgumentException("a window's end must differ from its start");
        }
        if (days.isEmpty()) {
            throw new IllegalArgumentException("at least one day of the week is required");
        }
        days = Set.copyOf(EnumSet.copyOf(days));
    }

    /** True when the window ends on the day after it starts. */
    public boolean overnight() {
        return end.isBefore(start);
    }

    @Override
    public List<Occurrence> occurrences(ZoneId zone, Instant from, Instant to) {
        List<Occurrence> out = new ArrayList<>();
        if (!from.isBefore(to)) {
            return out;
        }
        // a window is shorter than a day plus a DST hour: starting two days early catches any window reaching `from`
        LocalDate day = LocalDate.ofInstant(from, zone).minusDays(2);
        LocalDate last = LocalDate.ofInstant(to, zone).plusDays(1);
        for (; !day.isAfter(last); day = day.plusDays(1)) {
            if (!days.contains(day.getDayOfWeek())) {
                continue;
            }
            Instant s = ZonedTimes.resolve(day.atTime(start), zone);
            Instant e = ZonedTimes.resolve((overnight() ? day.plusDays(1) : day).atTime(end), zone);
            if (!e.isAfter(s)) {
                continue; // the whole window fell into a spring-forward gap: that day has no window
            }
            if (s.isBefore(to) && e.isAfter(from)) {
                out.add(new Occurrence(s, e));
            }
        }
        return out;
    }
}
