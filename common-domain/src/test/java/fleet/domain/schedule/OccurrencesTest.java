package fleet.domain.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Occurrences in a zone, with a fixed clock. America/Chicago changes on 2026-03-08 (02:00 CST → 03:00 CDT, so 02:xx
 * does not exist) and on 2026-11-01 (02:00 CDT → 01:00 CST, so 01:xx happens twice).
 */
class OccurrencesTest {

    private static final ZoneId CHICAGO = ZoneId.of("America/Chicago");
    private static final Set<DayOfWeek> EVERY_DAY = EnumSet.allOf(DayOfWeek.class);

    private static Clock fixedAt(String instant) {
        return Clock.fixed(Instant.parse(instant), ZoneOffset.UTC);
    }

    private static Instant at(String instant) {
        return Instant.parse(instant);
    }

    @Test
    void dailyWindowStartingInsideTheSpringForwardGapStartsAtTheFirstInstantAfterTheGap() {
        Clock clock = fixedAt("2026-03-07T12:00:00Z");
        DailyWindow window = new DailyWindow(LocalTime.of(2, 30), LocalTime.of(4, 0), EnumSet.of(DayOfWeek.SUNDAY));

        List<Occurrence> found = window.occurrences(CHICAGO, clock.instant(), clock.instant().plus(Duration.ofDays(2)));

        // 03:00 CDT = 08:00Z (the gap's end), not 03:30 CDT as plain ZonedDateTime.of would give
        assertThat(found).containsExactly(new Occurrence(at("2026-03-08T08:00:00Z"), at("2026-03-08T09:00:00Z")));
    }

    @Test
    void dailyWindowAtATimeRepeatedByFallBackFiresOnceAtItsFirstPass() {
        Clock clock = fixedAt("2026-10-31T12:00:00Z");
        DailyWindow window = new DailyWindow(LocalTime.of(1, 30), LocalTime.of(3, 0), EVERY_DAY);

        List<Occurrence> found = window.occurrences(CHICAGO, clock.instant(), at("2026-11-01T18:00:00Z"));

        // 01:30 CDT = 06:30Z (first pass; 01:30 CST = 07:30Z is not a second start); ends 03:00 CST = 09:00Z
        assertThat(found).containsExactly(new Occurrence(at("2026-11-01T06:30:00Z"), at("2026-11-01T09:00:00Z")));
    }

    @Test
    void dailyWindowEntirelyInsideTheGapHasNoOccurrenceThatDay() {
        DailyWindow window = new DailyWindow(LocalTime.of(2, 10), LocalTime.of(2, 50), EVERY_DAY);

        List<Occurrence> found = window.occurrences(CHICAGO, at("2026-03-07T12:00:00Z"), at("2026-03-09T12:00:00Z"));

        assertThat(found).extracting(Occurrence::start)
                .containsExactly(at("2026-03-09T07:10:00Z")); // 2026-03-09 02:10 CDT; 03-08 has none
    }

    @Test
    void overnightWindowEndsTheNextDayAndOnlyStartsOnItsDays() {
        DailyWindow window = new DailyWindow(LocalTime.of(22, 0), LocalTime.of(6, 0),
                EnumSet.of(DayOfWeek.FRIDAY));
        // Friday 2026-06-05 22:00 CDT = 06-06T03:00Z, ends Saturday 06:00 CDT = 11:00Z
        List<Occurrence> found = window.occurrences(CHICAGO, at("2026-06-01T00:00:00Z"), at("2026-06-08T00:00:00Z"));

        assertThat(found).containsExactly(new Occurrence(at("2026-06-06T03:00:00Z"), at("2026-06-06T11:00:00Z")));
        assertThat(window.containing(CHICAGO, at("2026-06-06T10:59:00Z"))).contains(found.get(0));
        assertThat(window.containing(CHICAGO, at("2026-06-06T11:00:00Z"))).isEmpty();
    }

    @Test
    void weekdayWindowsOverAWeek() {
        DailyWindow window = new DailyWindow(LocalTime.of(14, 0), LocalTime.of(19, 0),
                EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY));
        Clock clock = fixedAt("2026-06-01T00:00:00Z"); // a Monday, 19:00 Sunday in Chicago

        List<Occurrence> found = window.occurrences(CHICAGO, clock.instant(), clock.instant().plus(Duration.ofDays(7)));

        assertThat(found).hasSize(5);
        assertThat(found.get(0)).isEqualTo(new Occurrence(at("2026-06-01T19:00:00Z"), at("2026-06-02T00:00:00Z")));
    }

    @Test
    void occurrenceInProgressAtTheRangeStartIsIncluded() {
        DailyWindow window = new DailyWindow(LocalTime.of(14, 0), LocalTime.of(19, 0), EVERY_DAY);

        List<Occurrence> found = window.occurrences(CHICAGO, at("2026-06-01T21:00:00Z"), at("2026-06-01T21:00:01Z"));

        assertThat(found).containsExactly(new Occurrence(at("2026-06-01T19:00:00Z"), at("2026-06-02T00:00:00Z")));
    }

    @Test
    void cronStartSkippedBySpringForwardFiresOnceAtTheGapsEnd() {
        CronWindow window = CronWindow.of("30 2 * * *", Duration.ofHours(1));
        Clock clock = fixedAt("2026-03-07T12:00:00Z");

        List<Occurrence> found = window.occurrences(CHICAGO, clock.instant(), clock.instant().plus(Duration.ofDays(2)));

        assertThat(found).extracting(Occurrence::start).containsExactly(
                at("2026-03-08T08:00:00Z"),   // 02:30 does not exist: 03:00 CDT
                at("2026-03-09T07:30:00Z"));  // 02:30 CDT
        assertThat(found.get(0).end()).isEqualTo(at("2026-03-08T09:00:00Z"));
    }

    @Test
    void cronStartsInsideTheGapCollapseIntoOne() {
        CronWindow window = CronWindow.of("*/30 * * * *", Duration.ofMinutes(5));

        List<Occurrence> found = window.occurrences(CHICAGO, at("2026-03-08T07:00:00Z"), at("2026-03-08T08:45:00Z"));

        // local 01:00 CST, 01:30 CST, then 02:00, 02:30 (gap) and 03:00 CDT all map to 08:00Z, then 03:30 CDT
        assertThat(found).extracting(Occurrence::start).containsExactly(at("2026-03-08T07:00:00Z"),
                at("2026-03-08T07:30:00Z"), at("2026-03-08T08:00:00Z"), at("2026-03-08T08:30:00Z"));
    }

    @Test
    void cronLocalTimesRepeatedByFallBackFireOnce() {
        CronWindow window = CronWindow.of("*/30 * * * *", Duration.ofMinutes(5));
        Clock clock = fixedAt("2026-11-01T05:00:00Z"); // 00:00 CDT

        List<Occurrence> found = window.occurrences(CHICAGO, clock.instant(), at("2026-11-01T10:00:00Z")); // 04:00 CST

        // 00:00 00:30 01:00 01:30 (CDT, first pass) 02:00 02:30 03:00 03:30 (CST): eight, not ten
        assertThat(found).extracting(Occurrence::start).containsExactly(
                at("2026-11-01T05:00:00Z"), at("2026-11-01T05:30:00Z"), at("2026-11-01T06:00:00Z"),
                at("2026-11-01T06:30:00Z"), at("2026-11-01T08:00:00Z"), at("2026-11-01T08:30:00Z"),
                at("2026-11-01T09:00:00Z"), at("2026-11-01T09:30:00Z"));
    }

    @Test
    void cronDurationIsElapsedTimeAcrossFallBack() {
        CronWindow window = CronWindow.of("0 1 * * *", Duration.ofHours(2));

        List<Occurrence> found = window.occurrences(CHICAGO, at("2026-11-01T00:00:00Z"), at("2026-11-01T12:00:00Z"));

        assertThat(found).containsExactly(new Occurrence(at("2026-11-01T06:00:00Z"), at("2026-11-01T08:00:00Z")));
    }

    @Test
    void cronExpressionsAreValidated() {
        assertThatThrownBy(() -> CronWindow.of("61 * * * *", Duration.ofMinutes(5))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CronWindow.of("* * *", Duration.ofMinutes(5))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CronWindow.of("@daily", Duration.ofMinutes(5))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CronWindow.of("0 14 * * 1-5", Duration.ofSeconds(59))).hasMessageContaining("duration");
        assertThatThrownBy(() -> CronWindow.of("0 14 * * 1-5", Duration.ofDays(8))).hasMessageContaining("duration");
        assertThat(CronWindow.of("0 0 31 2 *", Duration.ofHours(1)).firesWithin(CHICAGO, at("2026-01-01T00:00:00Z"),
                ScheduleBounds.MUST_FIRE_WITHIN)).isFalse();
        assertThat(CronWindow.of("0 0 29 2 *", Duration.ofHours(1)).firesWithin(CHICAGO, at("2026-01-01T00:00:00Z"),
                ScheduleBounds.MUST_FIRE_WITHIN)).isTrue();
    }

    @Test
    void dailyWindowsAreValidated() {
        assertThatThrownBy(() -> new DailyWindow(LocalTime.of(14, 0), LocalTime.of(14, 0), EVERY_DAY))
                .hasMessageContaining("differ");
        assertThatThrownBy(() -> new DailyWindow(LocalTime.of(14, 0), LocalTime.of(15, 0), EnumSet.noneOf(DayOfWeek.class)))
                .hasMessageContaining("day");
        assertThatThrownBy(() -> new DailyWindow(LocalTime.of(14, 0, 30), LocalTime.of(15, 0), EVERY_DAY))
                .hasMessageContaining("minute");
    }

    @Test
    void aScheduleWhoseWindowsOverlapEachOtherIsRefused() {
        Instant now = at("2026-06-01T00:00:00Z");
        assertThat(Occurrences.selfCheck(CronWindow.of("0 * * * *", Duration.ofHours(2)), CHICAGO, now,
                ScheduleBounds.CONFLICT_HORIZON)).hasValueSatisfying(m -> assertThat(m).contains("overlap"));
        assertThat(Occurrences.selfCheck(CronWindow.of("* * * * *", Duration.ofMinutes(1)), CHICAGO, now,
                ScheduleBounds.CONFLICT_HORIZON)).hasValueSatisfying(m -> assertThat(m).contains("minutes apart"));
        assertThat(Occurrences.selfCheck(CronWindow.of("0 * * * *", Duration.ofHours(1)), CHICAGO, now,
                ScheduleBounds.CONFLICT_HORIZON)).isEmpty(); // adjacent windows are fine
        assertThat(Occurrences.selfCheck(new DailyWindow(LocalTime.of(22, 0), LocalTime.of(21, 59), EVERY_DAY), CHICAGO,
                at("2026-02-25T00:00:00Z"), Duration.ofDays(300))).isEmpty(); // across both DST changes
    }

    @Test
    void overlapsAreFoundAcrossZones() {
        Instant now = at("2026-06-01T00:00:00Z");
        ZoneId newYork = ZoneId.of("America/New_York");
        DailyWindow chicago = new DailyWindow(LocalTime.of(14, 0), LocalTime.of(19, 0), EVERY_DAY);

        var overlap = Occurrences.firstOverlap(chicago, CHICAGO,
                new DailyWindow(LocalTime.of(16, 0), LocalTime.of(17, 0), EnumSet.of(DayOfWeek.WEDNESDAY)), newYork,
                now, ScheduleBounds.CONFLICT_HORIZON);
        assertThat(overlap).hasValueSatisfying(o -> assertThat(o.second().start()).isEqualTo(at("2026-06-03T20:00:00Z")));

        // 20:00–21:00 New York = 19:00–20:00 Chicago: adjacent, not overlapping
        assertThat(Occurrences.firstOverlap(chicago, CHICAGO,
                new DailyWindow(LocalTime.of(20, 0), LocalTime.of(21, 0), EVERY_DAY), newYork, now,
                ScheduleBounds.CONFLICT_HORIZON)).isEmpty();
        // a cron window overlapping only on the first Sunday of the horizon
        assertThat(Occurrences.firstOverlap(chicago, CHICAGO, CronWindow.of("30 18 * * 0", Duration.ofHours(3)), CHICAGO,
                now, ScheduleBounds.CONFLICT_HORIZON)).isPresent();
    }

    @Test
    void nextFindsTheWindowInProgressOrTheFollowingOne() {
        DailyWindow window = new DailyWindow(LocalTime.of(14, 0), LocalTime.of(19, 0), EnumSet.of(DayOfWeek.MONDAY));
        Clock clock = fixedAt("2026-06-02T12:00:00Z"); // Tuesday

        assertThat(window.next(CHICAGO, clock.instant(), Duration.ofDays(30)))
                .contains(new Occurrence(at("2026-06-08T19:00:00Z"), at("2026-06-09T00:00:00Z")));
        assertThat(CronWindow.of("0 0 31 2 *", Duration.ofHours(1)).next(CHICAGO, clock.instant(), Duration.ofDays(30)))
                .isEmpty();
    }
}
