package fleet.api.schedules;

import static fleet.api.schedules.ScheduleApi.daily;
import static fleet.api.schedules.ScheduleApi.devicesSelector;
import static fleet.api.schedules.ScheduleApi.peak;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.FieldMask;
import fleet.curtailment.v1.CreateScheduleRequest;
import fleet.curtailment.v1.DayOfWeek;
import fleet.curtailment.v1.Schedule;
import fleet.curtailment.v1.UpdateScheduleRequest;
import fleet.testsupport.PostgresTestResource;
import io.grpc.Status;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two ENABLED schedules of the same priority whose windows overlap (each in its own zone, over the next 14 days) on at
 * least one common device are refused: FAILED_PRECONDITION, ErrorInfo SCHEDULE_CONFLICT, the conflicting ids listed,
 * nothing written.
 */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL)
class ScheduleConflictTest {

    private static ScheduleApi api;

    @BeforeAll
    static void org() {
        api = new ScheduleApi("schedule-conflicts");
        api.devices("sc-1", "sc-2", "sc-3", "sc-4", "sc-5", "sc-6");
    }

    private static Schedule create(Schedule.Builder s) {
        return api.operator().createSchedule(CreateScheduleRequest.newBuilder().setSchedule(s).build());
    }

    private static List<String> conflictingIds(io.grpc.StatusRuntimeException e) {
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        var info = ScheduleApi.info(e).orElseThrow();
        assertThat(info.getReason()).isEqualTo("SCHEDULE_CONFLICT");
        assertThat(info.getDomain()).isEqualTo("curtailment");
        return Arrays.asList(info.getMetadataMap().get("conflicting_schedule_ids").split(","));
    }

    @Test
    void overlappingSamePrioritySchedulesOnACommonDeviceAreRefusedWithTheConflictingIds() {
        Schedule chicago = create(peak("chicago-peak", "sc-1", "sc-2"));
        long schedules = api.schedules();
        long activity = api.activity();

        // 16:00–17:00 New York = 15:00–16:00 Chicago, inside 14:00–19:00, sharing sc-2
        var e = ScheduleApi.failure(() -> create(peak("new-york-hour", "sc-2", "sc-3")
                .setWindow(daily("America/New_York", "16:00", "17:00", DayOfWeek.DAY_OF_WEEK_WEDNESDAY))));
        assertThat(conflictingIds(e)).containsExactly(chicago.getScheduleId());
        assertThat(e.getStatus().getDescription()).contains(chicago.getScheduleId());
        assertThat(api.schedules()).isEqualTo(schedules);
        assertThat(api.activity()).isEqualTo(activity);

        // a different priority, no common device, windows that only touch, or a disabled schedule: no conflict
        create(peak("other-priority", "sc-2").setPriority(11));
        create(peak("other-devices", "sc-4"));
        create(peak("adjacent", "sc-1").setWindow(daily("America/New_York", "20:00", "21:00",
                DayOfWeek.DAY_OF_WEEK_MONDAY)));
        Schedule disabled = create(peak("disabled", "sc-1").setEnabled(false));
        assertThat(disabled.getEnabled()).isFalse();
        assertThat(disabled.hasNextWindowStart()).isFalse();

        // enabling the disabled one is an update that must pass the same check
        var enable = ScheduleApi.failure(() -> api.operator().updateSchedule(UpdateScheduleRequest.newBuilder()
                .setSchedule(Schedule.newBuilder().setScheduleId(disabled.getScheduleId()).setEnabled(true))
                .setUpdateMask(FieldMask.newBuilder().addPaths("enabled")).build()));
        assertThat(conflictingIds(enable)).containsExactly(chicago.getScheduleId());
    }

    @Test
    void everyConflictingScheduleIsListed() {
        Schedule a = create(peak("list-a", "sc-5").setPriority(500));
        Schedule b = create(peak("list-b", "sc-6").setPriority(500)
                .setWindow(ScheduleApi.cron("America/Chicago", "30 18 * * *", 3600)));
        var e = ScheduleApi.failure(() -> create(peak("list-c", "sc-5", "sc-6").setPriority(500)
                .setSelector(devicesSelector("sc-5", "sc-6"))));
        assertThat(conflictingIds(e)).containsExactlyInAnyOrder(a.getScheduleId(), b.getScheduleId());
        assertThat(ScheduleApi.info(e).orElseThrow().getMetadataMap()).containsEntry("conflicting_count", "2");
    }
}
