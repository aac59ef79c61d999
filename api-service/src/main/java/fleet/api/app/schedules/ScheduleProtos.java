package fleet.api.app.schedules;

import fleet.api.app.ScopeProtos;
import fleet.api.error.Violations;
import fleet.curtailment.v1.Schedule;
import fleet.curtailment.v1.SetPowerTargetAction;
import fleet.curtailment.v1.StartMiningAction;
import fleet.curtailment.v1.StopMiningAction;
import fleet.domain.schedule.CronWindow;
import fleet.domain.schedule.DailyWindow;
import fleet.domain.schedule.Occurrence;
import fleet.domain.schedule.Occurrences;
import fleet.domain.schedule.ScheduleAction;
import fleet.domain.schedule.ScheduleBounds;
import fleet.domain.schedule.ScheduleWindow;
import fleet.domain.scope.DeviceScope;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The contract's {@link Schedule} ↔ {@link ScheduleSpec}: validation (INVALID_ARGUMENT naming every bad field, under
 * the request's {@code schedule.} prefix) and the response mapping. Nothing here touches the database.
 */
public final class ScheduleProtos {

    private static final Pattern HH_MM = Pattern.compile("^([01][0-9]|2[0-3]):[0-5][0-9]$");
    private static final DateTimeFormatter HH_MM_FORMAT = DateTimeFormatter.ofPattern("HH:mm");
    private static final Set<String> ZONES = ZoneId.getAvailableZoneIds();

    private ScheduleProtos() {
    }

    /**
     * Validates a full schedule. {@code now} anchors the checks of the window's own occurrences (they must not overlap
     * each other, must start ≥ 5 min apart, and a cron must fire at least once within eight years). Returns null when
     * invalid (the violations are recorded).
     */
    public static ScheduleSpec spec(Violations v, String prefix, Schedule s, boolean present, Instant now) {
        if (!present) {
            v.add(prefix, "is required");
            return null;
        }
        int before = v.size();
        String name = v.requiredText(prefix + ".name", s.getName(), ScheduleBounds.MAX_NAME);
        DeviceScope selector = ScopeProtos.selector(v, prefix + ".selector", s.getSelector(), s.hasSelector());
        ScheduleAction action = action(v, prefix + ".action", s.getAction(), s.hasAction());
        ScheduleAction revert = action(v, prefix + ".revert", s.getRevert(), s.hasRevert());
        ZoneId zone = null;
        ScheduleWindow window = null;
        String windowField = prefix + ".window";
        if (!s.hasWindow()) {
            v.add(windowField, "is required");
        } else {
            zone = zone(v, windowField + ".time_zone", s.getWindow().getTimeZone());
            window = window(v, windowField, s.getWindow());
            if (zone != null && window != null) {
                checkOccurrences(v, windowField, window, zone, now);
            }
        }
        int priority = v.bounded(prefix + ".priority", s.getPriority(), ScheduleBounds.MIN_PRIORITY,
                ScheduleBounds.MAX_PRIORITY);
        boolean enabled = !s.hasEnabled() || s.getEnabled();
        if (v.size() > before) {
            return null;
        }
        return new ScheduleSpec(name.trim(), selector, action, revert, zone, window, priority, enabled);
    }

    private static ScheduleAction action(Violations v, String field, fleet.curtailment.v1.ScheduleAction a,
            boolean present) {
        if (!present || a.getActionCase() == fleet.curtailment.v1.ScheduleAction.ActionCase.ACTION_NOT_SET) {
            v.add(field, "exactly one action is required: set_power_target, stop_mining or start_mining");
            return null;
        }
        return switch (a.getActionCase()) {
            case SET_POWER_TARGET -> {
                int before = v.size();
                int watts = v.bounded(field + ".set_power_target.power_target_w", a.getSetPowerTarget().getPowerTargetW(),
                        ScheduleBounds.MIN_POWER_TARGET_W, ScheduleBounds.MAX_POWER_TARGET_W);
                yield v.size() > before ? null : ScheduleAction.setPowerTarget(watts);
            }
            case STOP_MINING -> ScheduleAction.stopMining();
            case START_MINING -> ScheduleAction.startMining();
            default -> throw new IllegalStateException("unreachable");
        };
    }

    private static ZoneId zone(Violations v, String field, String id) {
        if (id == null || id.isBlank()) {
            v.add(field, "is required: an IANA time zone id such as America/Chicago");
            return null;
        }
        if (id.length() > ScheduleBounds.MAX_TIME_ZONE || !ZONES.contains(id)) {
            v.add(field, "unknown time zone '" + abbreviate(id) + "': use an IANA id such as America/Chicago");
            return null;
        }
        return ZoneId.of(id);
    }

    private static ScheduleWindow window(Violations v, String field, fleet.curtailment.v1.ScheduleWindow w) {
        switch (w.getTimingCase()) {
            case DAILY -> {
                fleet.curtailment.v1.DailyWindow d = w.getDaily();
                LocalTime start = time(v, field + ".daily.start_time", d.getStartTime());
                LocalTime end = time(v, field + ".daily.end_time", d.getEndTime());
                if (start != null && start.equals(end)) {
                    v.add(field + ".daily.end_time", "must differ from start_time (an end earlier than the start ends"
                            + " the next day)");
                    end = null;
                }
                Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
                boolean badDay = false;
                if (d.getDaysCount() == 0) {
                    v.add(field + ".daily.days", "at least one day of the week is required");
                }
                for (int i = 0; i < d.getDaysCount(); i++) {
                    int day = d.getDaysValue(i);
                    if (day < 1 || day > 7) {
                        v.add(field + ".daily.days[" + i + "]", "must be a day of the week (MONDAY..SUNDAY)");
                        badDay = true;
                    } else {
                        days.add(DayOfWeek.of(day)); // duplicates are dropped
                    }
                }
                if (start == null || end == null || days.isEmpty() || badDay) {
                    return null;
                }
                return new DailyWindow(start, end, days);
            }
            case CRON -> {
                fleet.curtailment.v1.CronWindow c = w.getCron();
                int before = v.size();
                int seconds = v.bounded(field + ".cron.duration_seconds", c.getDurationSeconds(),
                        (int) ScheduleBounds.MIN_DURATION.toSeconds(), (int) ScheduleBounds.MAX_DURATION.toSeconds());
                String expression = c.getStartCron();
                if (expression.isBlank()) {
                    v.add(field + ".cron.start_cron", "is required: a five-field Unix cron expression such as"
                            + " '0 14 * * MON-FRI'");
                    return null;
                }
                if (expression.length() > ScheduleBounds.MAX_CRON) {
                    v.add(field + ".cron.start_cron", "must be at most " + ScheduleBounds.MAX_CRON + " characters");
                    return null;
                }
                try {
                    CronWindow window = CronWindow.of(expression, Duration.ofSeconds(Math.max(seconds, 60)));
                    return v.size() > before ? null : window;
                } catch (IllegalArgumentException e) {
                    v.add(field + ".cron.start_cron", e.getMessage());
                    return null;
                }
            }
            default -> {
                v.add(field, "exactly one of daily or cron is required");
                return null;
            }
        }
    }

    private static LocalTime time(Violations v, String field, String value) {
        if (value == null || value.isEmpty()) {
            v.add(field, "is required: a local time \"HH:MM\" (24-hour)");
            return null;
        }
        if (!HH_MM.matcher(value).matches()) {
            v.add(field, "must be a local time \"HH:MM\" from 00:00 to 23:59 (got '" + abbreviate(value) + "')");
            return null;
        }
        return LocalTime.parse(value, HH_MM_FORMAT);
    }

    private static void checkOccurrences(Violations v, String field, ScheduleWindow window, ZoneId zone, Instant now) {
        if (window instanceof CronWindow cron && !cron.firesWithin(zone, now, ScheduleBounds.MUST_FIRE_WITHIN)) {
            v.add(field + ".cron.start_cron", "never fires (no match within eight years)");
            return;
        }
        Optional<String> problem = Occurrences.selfCheck(window, zone, now, ScheduleBounds.CONFLICT_HORIZON);
        problem.ifPresent(p -> v.add(field + (window instanceof CronWindow ? ".cron.duration_seconds" : ".daily"), p));
    }

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "…";
    }

    // ---- responses ----------------------------------------------------------------------------------------------

    public static Schedule toProto(ScheduleView view, Instant now) {
        ScheduleSpec spec = view.spec();
        Schedule.Builder out = definition(spec)
                .setScheduleId(view.id().toString())
                .setCreatedAt(timestamp(view.createdAt().toInstant()))
                .setUpdatedAt(timestamp(view.updatedAt().toInstant()));
        if (spec.enabled()) {
            spec.window().next(spec.zone(), now, ScheduleBounds.CONFLICT_HORIZON).ifPresent(o -> setNext(out, o));
        }
        return out.build();
    }

    /** The definition fields only (no id, timestamps or computed fields): the base an update mask applies to. */
    public static Schedule.Builder definition(ScheduleSpec spec) {
        Schedule.Builder out = Schedule.newBuilder()
                .setName(spec.name())
                .setSelector(ScopeProtos.toSelector(spec.selector()))
                .setAction(action(spec.action()))
                .setRevert(action(spec.revert()))
                .setWindow(window(spec))
                .setPriority(spec.priority())
                .setEnabled(spec.enabled());
        return out;
    }

    private static void setNext(Schedule.Builder out, Occurrence o) {
        out.setNextWindowStart(timestamp(o.start())).setNextWindowEnd(timestamp(o.end()));
    }

    private static com.google.protobuf.Timestamp timestamp(Instant t) {
        return com.google.protobuf.Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
    }

    static fleet.curtailment.v1.ScheduleAction action(ScheduleAction a) {
        fleet.curtailment.v1.ScheduleAction.Builder out = fleet.curtailment.v1.ScheduleAction.newBuilder();
        switch (a.type()) {
            case SET_POWER_TARGET -> out.setSetPowerTarget(SetPowerTargetAction.newBuilder().setPowerTargetW(a.powerTargetW()));
            case STOP_MINING -> out.setStopMining(StopMiningAction.getDefaultInstance());
            case START_MINING -> out.setStartMining(StartMiningAction.getDefaultInstance());
        }
        return out.build();
    }

    static fleet.curtailment.v1.ScheduleWindow window(ScheduleSpec spec) {
        fleet.curtailment.v1.ScheduleWindow.Builder out = fleet.curtailment.v1.ScheduleWindow.newBuilder()
                .setTimeZone(spec.zone().getId());
        if (spec.window() instanceof DailyWindow d) {
            fleet.curtailment.v1.DailyWindow.Builder daily = fleet.curtailment.v1.DailyWindow.newBuilder()
                    .setStartTime(d.start().format(HH_MM_FORMAT)).setEndTime(d.end().format(HH_MM_FORMAT));
            EnumSet.copyOf(d.days()).forEach(day -> daily.addDaysValue(day.getValue()));
            out.setDaily(daily);
        } else if (spec.window() instanceof CronWindow c) {
            out.setCron(fleet.curtailment.v1.CronWindow.newBuilder().setStartCron(c.expression())
                    .setDurationSeconds((int) c.duration().toSeconds()));
        }
        return out.build();
    }
}
