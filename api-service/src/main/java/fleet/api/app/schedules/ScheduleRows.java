package fleet.api.app.schedules;

import fleet.domain.schedule.ActionType;
import fleet.domain.schedule.CronWindow;
import fleet.domain.schedule.DailyWindow;
import fleet.domain.schedule.ScheduleAction;
import fleet.domain.schedule.ScheduleWindow;
import fleet.domain.schedule.WindowColumns;
import fleet.persistence.scope.ScopeJson;
import io.vertx.mutiny.sqlclient.Row;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** {@code schedule} rows ↔ {@link ScheduleSpec}. */
final class ScheduleRows {

    /** The select list a {@link #view} reads. */
    static final String COLUMNS = "id, name, selector, action_type, action_power_w, revert_type, revert_power_w, time_zone,"
            + " window_kind, start_time, end_time, days_mask, cron_expression, duration_sec, priority, enabled, version,"
            + " created_at, updated_at";

    /** The definition columns, in the order of {@link #definitionParams}. */
    static final String DEFINITION_COLUMNS = "name, selector, action_type, action_power_w, revert_type, revert_power_w,"
            + " time_zone, window_kind, start_time, end_time, days_mask, cron_expression, duration_sec, priority, enabled";

    private ScheduleRows() {
    }

    static ScheduleView view(Row r) {
        return new ScheduleView(r.getUUID("id"), spec(r), r.getLong("version"), r.getOffsetDateTime("created_at"),
                r.getOffsetDateTime("updated_at"));
    }

    static ScheduleSpec spec(Row r) {
        return new ScheduleSpec(r.getString("name"), ScopeJson.decode(r.getJsonObject("selector")),
                action(r.getString("action_type"), r.getInteger("action_power_w")),
                action(r.getString("revert_type"), r.getInteger("revert_power_w")),
                ZoneId.of(r.getString("time_zone")), window(r), r.getInteger("priority"), r.getBoolean("enabled"));
    }

    /** The window of a row holding window_kind, start_time, end_time, days_mask, cron_expression, duration_sec. */
    static ScheduleWindow window(Row r) {
        return WindowColumns.window(r.getString("window_kind"), r.getLocalTime("start_time"), r.getLocalTime("end_time"),
                r.getInteger("days_mask"), r.getString("cron_expression"), r.getInteger("duration_sec"));
    }

    private static ScheduleAction action(String type, Integer watts) {
        return new ScheduleAction(ActionType.fromDb(type).orElseThrow(), watts);
    }

    /** Values for {@link #DEFINITION_COLUMNS}, in order. */
    static List<Object> definitionParams(ScheduleSpec s) {
        List<Object> out = new ArrayList<>(Arrays.asList(s.name(), ScopeJson.encode(s.selector()),
                s.action().type().dbName(), s.action().powerTargetW(), s.revert().type().dbName(),
                s.revert().powerTargetW(), s.zone().getId()));
        if (s.window() instanceof DailyWindow d) {
            out.addAll(Arrays.asList(WindowColumns.DAILY, d.start(), d.end(), WindowColumns.mask(d.days()), null, null));
        } else {
            CronWindow c = (CronWindow) s.window();
            out.addAll(Arrays.asList(WindowColumns.CRON, null, null, null, c.expression(), (int) c.duration().toSeconds()));
        }
        out.add(s.priority());
        out.add(s.enabled());
        return out;
    }
}
