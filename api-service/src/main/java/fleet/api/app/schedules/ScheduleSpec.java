package fleet.api.app.schedules;

import fleet.domain.scope.DeviceScope;
import fleet.domain.schedule.ScheduleAction;
import fleet.domain.schedule.ScheduleWindow;
import java.time.ZoneId;

/** A validated schedule definition: what the API stores and what the processor runs. */
public record ScheduleSpec(String name, DeviceScope selector, ScheduleAction action, ScheduleAction revert, ZoneId zone,
        ScheduleWindow window, int priority, boolean enabled) {
}
