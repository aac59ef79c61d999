package fleet.domain.schedule;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.util.EnumSet;
import java.util.Set;

/**
 * The stored form of a window ({@code schedule.window_kind, start_time, end_time, days_mask, cron_expression,
 * duration_sec}), shared by the API that writes it and the processor that reads it. Days are a bit mask, bit 0 =
 * Monday … bit 6 = Sunday (ISO order).
 */
public final class WindowColumns {

    public static final String DAILY = "DAILY";
    public static final String CRON = "CRON";

    private WindowColumns() {
    }

    public static ScheduleWindow window(String kind, LocalTime start, LocalTime end, Integer daysMask, String cron,
            Integer durationSec) {
        return switch (kind) {
            case DAILY -> new DailyWindow(start, end, days(daysMask));
            case CRON -> CronWindow.of(cron, Duration.ofSeconds(durationSec));
            default -> throw new IllegalArgumentException("unknown window kind " + kind);
        };
    }

    public static Set<DayOfWeek> days(int mask) {
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        for (DayOfWeek d : DayOfWeek.values()) {
            if ((mask & (1 << (d.getValue() - 1))) != 0) {
                days.add(d);
            }
        }
        return days;
    }

    public static short mask(Set<DayOfWeek> days) {
        int mask = 0;
        for (DayOfWeek d : days) {
            mask |= 1 << (d.getValue() - 1);
        }
        return (short) mask;
    }
}
