package fleet.api.schedules;

import static fleet.api.schedules.ScheduleApi.cron;
import static fleet.api.schedules.ScheduleApi.peak;
import static fleet.api.schedules.ScheduleApi.powerTarget;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.FieldMask;
import fleet.curtailment.v1.CreateScheduleRequest;
import fleet.curtailment.v1.DeleteScheduleRequest;
import fleet.curtailment.v1.GetScheduleRequest;
import fleet.curtailment.v1.ListSchedulesRequest;
import fleet.curtailment.v1.Schedule;
import fleet.curtailment.v1.ScheduleAction;
import fleet.curtailment.v1.StartMiningAction;
import fleet.curtailment.v1.StopMiningAction;
import fleet.curtailment.v1.UpdateScheduleRequest;
import fleet.testsupport.PostgresTestResource;
import io.grpc.Status;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Create, get, list, update and delete, with their roles, activity rows, org scoping and AIP-158 paging. */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL)
class ScheduleCrudTest {

    private static ScheduleApi api;

    @BeforeAll
    static void org() {
        api = new ScheduleApi("schedule-crud");
        api.devices("cr-1", "cr-2", "cr-3");
    }

    private long activity(String type, Schedule s) {
        return api.count("SELECT count(*) FROM activity_log WHERE org_id = ? AND type = '" + type + "'"
                + " AND metadata ->> 'schedule_id' = '" + s.getScheduleId() + "'");
    }

    @Test
    void aScheduleRoundTripsThroughCreateGetUpdateAndDeleteWithOneActivityRowEach() {
        Schedule created = api.operator().createSchedule(CreateScheduleRequest.newBuilder()
                .setSchedule(peak("round-trip", "cr-1", "cr-2")).build());
        assertThat(created.getScheduleId()).hasSize(36);
        assertThat(created.getEnabled()).isTrue(); // unset = enabled
        assertThat(created.getWindow().getDaily().getDaysCount()).isEqualTo(7);
        assertThat(created.getAction().getSetPowerTarget().getPowerTargetW()).isEqualTo(2800);
        assertThat(created.hasNextWindowStart()).isTrue();
        assertThat(created.hasCreatedAt()).isTrue();
        assertThat(activity("schedule_created", created)).isEqualTo(1);
        assertThat(api.count("SELECT count(*) FROM activity_log WHERE org_id = ? AND type = 'schedule_created'"
                + " AND actor_type = 'api_key' AND metadata ->> 'schedule_id' = '" + created.getScheduleId() + "'"))
                .isEqualTo(1);

        Schedule read = api.viewer().getSchedule(GetScheduleRequest.newBuilder().setScheduleId(created.getScheduleId()).build());
        assertThat(read.toBuilder().clearNextWindowStart().clearNextWindowEnd().build())
                .isEqualTo(created.toBuilder().clearNextWindowStart().clearNextWindowEnd().build());

        Schedule updated = api.operator().updateSchedule(UpdateScheduleRequest.newBuilder()
                .setSchedule(Schedule.newBuilder().setScheduleId(created.getScheduleId())
                        .setAction(ScheduleAction.newBuilder().setStopMining(StopMiningAction.getDefaultInstance()))
                        .setRevert(ScheduleAction.newBuilder().setStartMining(StartMiningAction.getDefaultInstance()))
                        .setWindow(cron("Europe/Berlin", "0 17 * * MON-FRI", 7200))
                        .setName("renamed"))
                .setUpdateMask(FieldMask.newBuilder().addPaths("action").addPaths("revert").addPaths("window")).build());
        assertThat(updated.getName()).isEqualTo("round-trip"); // not in the mask
        assertThat(updated.getAction().hasStopMining()).isTrue();
        assertThat(updated.getRevert().hasStartMining()).isTrue();
        assertThat(updated.getWindow().getCron().getStartCron()).isEqualTo("0 17 * * MON-FRI");
        assertThat(updated.getWindow().getTimeZone()).isEqualTo("Europe/Berlin");
        assertThat(updated.getSelector()).isEqualTo(created.getSelector());
        assertThat(activity("schedule_updated", created)).isEqualTo(1);
        assertThat(api.count("SELECT count(*) FROM activity_log WHERE org_id = ? AND type = 'schedule_updated'"
                + " AND metadata ->> 'schedule_id' = '" + created.getScheduleId() + "'"
                + " AND metadata -> 'before' -> 'action' ->> 'type' = 'SET_POWER_TARGET'"
                + " AND metadata -> 'after' -> 'action' ->> 'type' = 'STOP_MINING'")).isEqualTo(1);

        api.operator().deleteSchedule(DeleteScheduleRequest.newBuilder().setScheduleId(created.getScheduleId()).build());
        assertThat(activity("schedule_deleted", created)).isEqualTo(1);
        var gone = ScheduleApi.failure(() -> api.viewer().getSchedule(GetScheduleRequest.newBuilder()
                .setScheduleId(created.getScheduleId()).build()));
        assertThat(gone.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        var again = ScheduleApi.failure(() -> api.operator().deleteSchedule(DeleteScheduleRequest.newBuilder()
                .setScheduleId(created.getScheduleId()).build()));
        assertThat(again.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        // the name is free again
        api.operator().createSchedule(CreateScheduleRequest.newBuilder().setSchedule(peak("round-trip", "cr-3")).build());
    }

    @Test
    void namesAreUniqueAmongLiveSchedules() {
        api.operator().createSchedule(CreateScheduleRequest.newBuilder().setSchedule(peak("unique", "cr-3")
                .setPriority(300)).build());
        var e = ScheduleApi.failure(() -> api.operator().createSchedule(CreateScheduleRequest.newBuilder()
                .setSchedule(peak("unique", "cr-3").setPriority(301)).build()));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
        assertThat(ScheduleApi.info(e).orElseThrow().getReason()).isEqualTo("NAME_TAKEN");
    }

    @Test
    void viewersReadAndOperatorsWrite() {
        var e = ScheduleApi.failure(() -> api.viewer().createSchedule(CreateScheduleRequest.newBuilder()
                .setSchedule(peak("by-viewer", "cr-1")).build()));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        api.viewer().listSchedules(ListSchedulesRequest.getDefaultInstance());
    }

    @Test
    void anotherOrganizationsScheduleIsNotFound() {
        Schedule mine = api.operator().createSchedule(CreateScheduleRequest.newBuilder()
                .setSchedule(peak("private", "cr-2").setPriority(400)).build());
        ScheduleApi other = new ScheduleApi("schedule-crud-other");
        for (Runnable call : List.<Runnable>of(
                () -> other.viewer().getSchedule(GetScheduleRequest.newBuilder().setScheduleId(mine.getScheduleId()).build()),
                () -> other.operator().deleteSchedule(DeleteScheduleRequest.newBuilder().setScheduleId(mine.getScheduleId()).build()),
                () -> other.operator().updateSchedule(UpdateScheduleRequest.newBuilder()
                        .setSchedule(Schedule.newBuilder().setScheduleId(mine.getScheduleId()).setPriority(1))
                        .setUpdateMask(FieldMask.newBuilder().addPaths("priority")).build()))) {
            assertThat(ScheduleApi.failure(call).getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        }
        assertThat(other.viewer().listSchedules(ListSchedulesRequest.getDefaultInstance()).getSchedulesCount()).isZero();
    }

    @Test
    void updateMasksAreValidated() {
        Schedule s = api.operator().createSchedule(CreateScheduleRequest.newBuilder()
                .setSchedule(peak("masked", "cr-1").setPriority(600)).build());
        var empty = ScheduleApi.failure(() -> api.operator().updateSchedule(UpdateScheduleRequest.newBuilder()
                .setSchedule(Schedule.newBuilder().setScheduleId(s.getScheduleId())).build()));
        assertThat(ScheduleApi.fields(empty)).containsExactly("update_mask");
        var unknown = ScheduleApi.failure(() -> api.operator().updateSchedule(UpdateScheduleRequest.newBuilder()
                .setSchedule(Schedule.newBuilder().setScheduleId(s.getScheduleId()))
                .setUpdateMask(FieldMask.newBuilder().addPaths("priority").addPaths("created_at")).build()));
        assertThat(ScheduleApi.fields(unknown)).containsExactly("update_mask.paths[1]");
        var invalid = ScheduleApi.failure(() -> api.operator().updateSchedule(UpdateScheduleRequest.newBuilder()
                .setSchedule(Schedule.newBuilder().setScheduleId(s.getScheduleId()).setAction(powerTarget(5)))
                .setUpdateMask(FieldMask.newBuilder().addPaths("action")).build()));
        assertThat(ScheduleApi.fields(invalid)).containsExactly("schedule.action.set_power_target.power_target_w");
    }

    @Test
    void listPagesThroughEveryScheduleByName() {
        ScheduleApi paged = new ScheduleApi("schedule-paging");
        paged.devices("pg-1");
        for (int i = 0; i < 5; i++) {
            paged.operator().createSchedule(CreateScheduleRequest.newBuilder()
                    .setSchedule(peak("s" + i, "pg-1").setPriority(i).setEnabled(i % 2 == 0)).build());
        }
        List<String> names = new ArrayList<>();
        String token = "";
        do {
            var page = paged.viewer().listSchedules(ListSchedulesRequest.newBuilder().setPageSize(2).setPageToken(token).build());
            page.getSchedulesList().forEach(x -> names.add(x.getName()));
            token = page.getNextPageToken();
        } while (!token.isEmpty());
        assertThat(names).containsExactly("s0", "s1", "s2", "s3", "s4");
        assertThat(paged.viewer().listSchedules(ListSchedulesRequest.newBuilder().setEnabled(false).build())
                .getSchedulesList()).extracting(Schedule::getName).containsExactly("s1", "s3");
        String first = paged.viewer().listSchedules(ListSchedulesRequest.newBuilder().setPageSize(1).build()).getNextPageToken();
        var reused = ScheduleApi.failure(() -> paged.viewer().listSchedules(ListSchedulesRequest.newBuilder()
                .setEnabled(true).setPageToken(first).build()));
        assertThat(ScheduleApi.fields(reused)).containsExactly("page_token");
    }
}
