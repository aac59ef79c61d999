package fleet.domain.schedule;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A window that starts whenever a five-field Unix cron expression ({@code minute hour day-of-month month day-of-week})
 * matches the local wall-clock time of the schedule's zone, and lasts {@code duration} (elapsed time: a one-hour window
 * across a DST change is one real hour).
 *
 * <p>The expression is parsed and matched by cron-utils, but always against a zone without DST (local wall-clock
 * times expressed in UTC); the mapping to instants is ours ({@link ZonedTimes}), so the DST rules are the same as for
 * daily windows and do not depend on the library's own DST handling. Starts that collapse onto one instant (several
 * local times inside one gap) fire once.
 */
public final class CronWindow implements ScheduleWindow {

    private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
    /** Local-time margin around a range: covers any UTC offset change. */
    private static final Duration MARGIN = Duration.ofHours(3);

    private final String expression;
    private final Duration duration;
    private final ExecutionTime executions;

    private CronWindow(String expression, Duration duration, ExecutionTime executions) {
        this.expression = expression;
        this.duration = duration;
        this.executions = executions;
    }

    /**
     * @throws IllegalArgumentException naming what is wrong with the expression or the duration
     */
    public static CronWindow of(String expression, Duration duration) {
        Objects.requireNonNull(expression, "expression");
        Objects.requireNonNull(duration, "duration");
        if (duration.compareTo(ScheduleBounds.MIN_DURATION) < 0 || duration.compareTo(ScheduleBounds.MAX_DURATION) > 0) {
            throw new IllegalArgumentException("duration must be " + ScheduleBounds.MIN_DURATION.toSeconds() + ".."
                    + ScheduleBounds.MAX_DURATION.toSeconds() + " seconds");
        }
        String trimmed = expression.trim();
        if (trimmed.isEmpty() || trimmed.length() > ScheduleBounds.MAX_CRON) {
            throw new IllegalArgumentException("cron expression must be 1.." + ScheduleBounds.MAX_CRON + " characters");
        }
        Cron cron;
        try {
            cron = PARSER.parse(trimmed);
            cron.validate();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a five-field Unix cron expression (minute hour day-of-month month"
                    + " day-of-week): " + e.getMessage(), e);
        }
        return new CronWindow(trimmed, duration, ExecutionTime.forCron(cron));
    }

    public String expression() {
        return expression;
    }

    public Duration duration() {
        return duration;
    }

    @Override
    public List<Occurrence> occurrences(ZoneId zone, Instant from, Instant to) {
        List<Occurrence> out = new ArrayList<>();
        if (!from.isBefore(to)) {
            return out;
        }
        LocalDateTime cursor = LocalDateTime.ofInstant(from.minus(duration), zone).minus(MARGIN);
        LocalDateTime limit = LocalDateTime.ofInstant(to, zone).plus(MARGIN);
        ZonedDateTime probe = cursor.atZone(ZoneOffset.UTC);
        Instant lastStart = null;
        while (true) {
            Optional<ZonedDateTime> next = executions.nextExecution(probe);
            if (next.isEmpty() || next.get().toLocalDateTime().isAfter(limit)) {
                return out;
            }
            probe = next.get();
            Instant s = ZonedTimes.resolve(probe.toLocalDateTime(), zone);
            if (lastStart != null && !s.isAfter(lastStart)) {
                continue; // collapsed into a spring-forward gap's end together with an earlier start
            }
            lastStart = s;
            Instant e = s.plus(duration);
            if (s.isBefore(to) && e.isAfter(from)) {
                out.add(new Occurrence(s, e));
            }
        }
    }

    /** True when the expression matches at least once in [from, from + within) (e.g. "0 0 31 2 *" never does). */
    public boolean firesWithin(ZoneId zone, Instant from, Duration within) {
        LocalDateTime start = LocalDateTime.ofInstant(from, zone);
        Optional<ZonedDateTime> next = executions.nextExecution(start.atZone(ZoneOffset.UTC));
        return next.isPresent() && next.get().toLocalDateTime().isBefore(LocalDateTime.ofInstant(from.plus(within), zone).plus(MARGIN));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CronWindow other && expression.equals(other.expression) && duration.equals(other.duration);
    }

    @Override
    public int hashCode() {
        return Objects.hash(expression, duration);
    }

    @Override
    public String toString() {
        return "CronWindow[" + expression + ", " + duration + "]";
    }
}
