package fleet.api.app.schedules;

import fleet.domain.schedule.ScheduleWindow;
import fleet.domain.schedule.WindowColumns;
import io.vertx.mutiny.sqlclient.Row;

/** The window of a {@code schedule} row read by set-based SQL (the conflict check); entities map their own. */
final class ScheduleRows {

    private ScheduleRows() {
    }

    /** The window of a row holding window_kind, start_time, end_time, days_mask, cron_expression, duration_sec. */
    static ScheduleWindow window(Row r) {
        return WindowColumns.window(r.getString("window_kind"), r.getLocalTime("start_time"), r.getLocalTime("end_time"),
                r.getInteger("days_mask"), r.getString("cron_expression"), r.getInteger("duration_sec"));
    }
}
