package fleet.domain.schedule;

import java.time.Duration;

/** Every bound of a schedule, shared by the API's validation, the database CHECKs (V3) and the processor. */
public final class ScheduleBounds {

    public static final int MAX_NAME = 128;
    public static final int MIN_PRIORITY = 0;
    public static final int MAX_PRIORITY = 1000;
    public static final int MIN_POWER_TARGET_W = 100;
    public static final int MAX_POWER_TARGET_W = 20_000;
    public static final int MAX_TIME_ZONE = 64;
    public static final int MAX_CRON = 128;
    /** A cron window lasts 1 minute .. 7 days. */
    public static final Duration MIN_DURATION = Duration.ofMinutes(1);
    public static final Duration MAX_DURATION = Duration.ofDays(7);
    /** Consecutive windows of one schedule start at least this far apart (a command storm is not a schedule). */
    public static final Duration MIN_SPACING = Duration.ofMinutes(5);
    /** Conflicts and a schedule's own overlaps are looked for over this horizon from now. */
    public static final Duration CONFLICT_HORIZON = Duration.ofDays(14);
    /** A cron that never fires within this span from now is refused ("0 0 31 2 *"). */
    public static final Duration MUST_FIRE_WITHIN = Duration.ofDays(366 * 8);

    private ScheduleBounds() {
    }
}
