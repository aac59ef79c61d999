package fleet.api.schedules;

import static fleet.api.schedules.ScheduleApi.cron;
import static fleet.api.schedules.ScheduleApi.daily;
import static fleet.api.schedules.ScheduleApi.everyDay;
import static fleet.api.schedules.ScheduleApi.peak;
import static fleet.api.schedules.ScheduleApi.powerTarget;
import static org.assertj.core.api.Assertions.assertThat;

import fleet.curtailment.v1.CreateScheduleRequest;
import fleet.curtailment.v1.DailyWindow;
import fleet.curtailment.v1.DeviceSelector;
import fleet.curtailment.v1.IdList;
import fleet.curtailment.v1.Schedule;
import fleet.curtailment.v1.ScheduleAction;
import fleet.curtailment.v1.ScheduleWindow;
import fleet.testsupport.PostgresTestResource;
import io.grpc.Status;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every bound of a schedule: INVALID_ARGUMENT naming the field, and nothing written. */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL)
class ScheduleValidationTest {

    private static ScheduleApi api;

    @BeforeAll
    static void org() {
        api = new ScheduleApi("schedule-validation");
        api.devices("sv-1", "sv-2");
    }

    private record Case(String name, UnaryOperator<Schedule.Builder> change, String field) {
    }

    private static final int ABOVE_INT32 = (int) 3_000_000_000L;

    private static final List<Case> INVALID = List.of(
            new Case("empty name", b -> b.setName(""), "schedule.name"),
            new Case("blank name", b -> b.setName("  \t"), "schedule.name"),
            new Case("129-character name", b -> b.setName("n".repeat(129)), "schedule.name"),
            new Case("no selector", b -> b.clearSelector(), "schedule.selector"),
            new Case("empty identifier list", b -> b.setSelector(DeviceSelector.newBuilder()
                    .setDeviceIdentifiers(fleet.curtailment.v1.DeviceIdentifierList.getDefaultInstance())),
                    "schedule.selector.device_identifiers.identifiers"),
            new Case("bad site id", b -> b.setSelector(DeviceSelector.newBuilder().setSiteIds(IdList.newBuilder().addIds("x"))),
                    "schedule.selector.site_ids.ids[0]"),
            new Case("no action", b -> b.clearAction(), "schedule.action"),
            new Case("no revert", b -> b.clearRevert(), "schedule.revert"),
            new Case("99 W", b -> b.setAction(powerTarget(99)), "schedule.action.set_power_target.power_target_w"),
            new Case("20 001 W", b -> b.setAction(powerTarget(20_001)), "schedule.action.set_power_target.power_target_w"),
            new Case("revert 0 W", b -> b.setRevert(powerTarget(0)), "schedule.revert.set_power_target.power_target_w"),
            new Case("watts above int32", b -> b.setAction(powerTarget(ABOVE_INT32)),
                    "schedule.action.set_power_target.power_target_w"),
            new Case("priority 1001", b -> b.setPriority(1001), "schedule.priority"),
            new Case("priority above int32", b -> b.setPriority(ABOVE_INT32), "schedule.priority"),
            new Case("no window", b -> b.clearWindow(), "schedule.window"),
            new Case("no zone", b -> b.setWindow(everyDay("", "14:00", "19:00")), "schedule.window.time_zone"),
            new Case("unknown zone", b -> b.setWindow(everyDay("Mars/Olympus_Mons", "14:00", "19:00")),
                    "schedule.window.time_zone"),
            new Case("offset instead of a zone", b -> b.setWindow(everyDay("+02:00", "14:00", "19:00")),
                    "schedule.window.time_zone"),
            new Case("no timing", b -> b.setWindow(ScheduleWindow.newBuilder().setTimeZone("UTC")), "schedule.window"),
            new Case("end equals start", b -> b.setWindow(everyDay("UTC", "14:00", "14:00")),
                    "schedule.window.daily.end_time"),
            new Case("bad start time", b -> b.setWindow(everyDay("UTC", "24:00", "01:00")),
                    "schedule.window.daily.start_time"),
            new Case("seconds in end time", b -> b.setWindow(everyDay("UTC", "14:00", "19:00:30")),
                    "schedule.window.daily.end_time"),
            new Case("no days", b -> b.setWindow(daily("UTC", "14:00", "19:00")), "schedule.window.daily.days"),
            new Case("unspecified day", b -> b.setWindow(ScheduleWindow.newBuilder().setTimeZone("UTC")
                    .setDaily(DailyWindow.newBuilder().setStartTime("14:00").setEndTime("19:00").addDaysValue(0))),
                    "schedule.window.daily.days[0]"),
            new Case("bad cron", b -> b.setWindow(cron("UTC", "61 * * * *", 600)), "schedule.window.cron.start_cron"),
            new Case("six-field cron", b -> b.setWindow(cron("UTC", "0 0 14 * * *", 600)), "schedule.window.cron.start_cron"),
            new Case("empty cron", b -> b.setWindow(cron("UTC", "", 600)), "schedule.window.cron.start_cron"),
            new Case("cron that never fires", b -> b.setWindow(cron("UTC", "0 0 31 2 *", 600)),
                    "schedule.window.cron.start_cron"),
            new Case("duration 59 s", b -> b.setWindow(cron("UTC", "0 14 * * *", 59)), "schedule.window.cron.duration_seconds"),
            new Case("duration above 7 days", b -> b.setWindow(cron("UTC", "0 14 * * 1", 604_801)),
                    "schedule.window.cron.duration_seconds"),
            new Case("windows overlapping each other", b -> b.setWindow(cron("UTC", "0 * * * *", 7200)),
                    "schedule.window.cron.duration_seconds"),
            new Case("windows less than 5 minutes apart", b -> b.setWindow(cron("UTC", "* * * * *", 60)),
                    "schedule.window.cron.duration_seconds"),
            new Case("no action kind", b -> b.setAction(ScheduleAction.getDefaultInstance()), "schedule.action"));

    @Test
    void everyInvalidFieldIsNamedAndNothingIsWritten() {
        long schedules = api.schedules();
        long activity = api.activity();
        for (Case c : INVALID) {
            Schedule s = c.change().apply(peak("valid-" + UUID.randomUUID(), "sv-1")).build();
            var e = ScheduleApi.failure(() -> api.operator().createSchedule(CreateScheduleRequest.newBuilder()
                    .setSchedule(s).build()));
            assertThat(e.getStatus().getCode()).as(c.name()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(ScheduleApi.fields(e)).as(c.name()).contains(c.field());
        }
        assertThat(api.schedules()).isEqualTo(schedules);
        assertThat(api.activity()).isEqualTo(activity);
    }

    @Test
    void severalBadFieldsAreAllNamedInOneResponse() {
        Schedule s = peak("", "sv-1").setPriority(5000).setWindow(everyDay("Nowhere/City", "14:00", "19:00")).build();
        var e = ScheduleApi.failure(() -> api.operator().createSchedule(CreateScheduleRequest.newBuilder().setSchedule(s).build()));
        assertThat(ScheduleApi.fields(e)).contains("schedule.name", "schedule.priority", "schedule.window.time_zone");
    }

    @Test
    void aMissingScheduleIsNamed() {
        var e = ScheduleApi.failure(() -> api.operator().createSchedule(CreateScheduleRequest.getDefaultInstance()));
        assertThat(ScheduleApi.fields(e)).containsExactly("schedule");
    }

    @Test
    void unknownDevicesAreNotFoundListingThemAndWriteNothing() {
        long schedules = api.schedules();
        var e = ScheduleApi.failure(() -> api.operator().createSchedule(CreateScheduleRequest.newBuilder()
                .setSchedule(peak("unknown-devices", "sv-1", "nope-1")).build()));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(ScheduleApi.info(e).orElseThrow().getMetadataMap().get("missing")).isEqualTo("nope-1");
        assertThat(api.schedules()).isEqualTo(schedules);
    }
}
