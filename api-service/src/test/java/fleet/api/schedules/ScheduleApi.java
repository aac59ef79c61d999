package fleet.api.schedules;

import com.google.rpc.ErrorInfo;
import fleet.api.GrpcClients;
import fleet.curtailment.v1.CronWindow;
import fleet.curtailment.v1.DailyWindow;
import fleet.curtailment.v1.DayOfWeek;
import fleet.curtailment.v1.DeviceIdentifierList;
import fleet.curtailment.v1.DeviceRegistration;
import fleet.curtailment.v1.DeviceSelector;
import fleet.curtailment.v1.InventoryServiceGrpc;
import fleet.curtailment.v1.RegisterDevicesRequest;
import fleet.curtailment.v1.Schedule;
import fleet.curtailment.v1.ScheduleAction;
import fleet.curtailment.v1.ScheduleServiceGrpc;
import fleet.curtailment.v1.ScheduleWindow;
import fleet.curtailment.v1.SetPowerTargetAction;
import fleet.testsupport.TestDatabase;
import io.grpc.StatusRuntimeException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** A test organization with devices, ScheduleService stubs per role, builders and error readers. */
final class ScheduleApi {

    final GrpcClients.TestOrg org;

    ScheduleApi(String name) {
        this.org = GrpcClients.newOrg(name);
    }

    ScheduleServiceGrpc.ScheduleServiceBlockingStub as(String token) {
        return ScheduleServiceGrpc.newBlockingStub(GrpcClients.channel()).withDeadlineAfter(Duration.ofSeconds(60))
                .withCallCredentials(GrpcClients.bearer(token));
    }

    ScheduleServiceGrpc.ScheduleServiceBlockingStub operator() {
        return as(org.operatorKey());
    }

    ScheduleServiceGrpc.ScheduleServiceBlockingStub viewer() {
        return as(org.viewerKey());
    }

    void devices(String... identifiers) {
        RegisterDevicesRequest.Builder reg = RegisterDevicesRequest.newBuilder();
        for (String id : identifiers) {
            reg.addDevices(DeviceRegistration.newBuilder().setIdentifier(id).setHost("127.0.0.1").setPort(4028)
                    .setDriver("luxos"));
        }
        InventoryServiceGrpc.newBlockingStub(GrpcClients.channel()).withDeadlineAfter(Duration.ofSeconds(60))
                .withCallCredentials(GrpcClients.bearer(org.adminKey())).registerDevices(reg.build());
    }

    static DeviceSelector devicesSelector(String... identifiers) {
        return DeviceSelector.newBuilder().setDeviceIdentifiers(DeviceIdentifierList.newBuilder()
                .addAllIdentifiers(List.of(identifiers))).build();
    }

    static ScheduleAction powerTarget(int watts) {
        return ScheduleAction.newBuilder().setSetPowerTarget(SetPowerTargetAction.newBuilder().setPowerTargetW(watts)).build();
    }

    static ScheduleWindow daily(String zone, String start, String end, DayOfWeek... days) {
        return ScheduleWindow.newBuilder().setTimeZone(zone)
                .setDaily(DailyWindow.newBuilder().setStartTime(start).setEndTime(end).addAllDays(List.of(days))).build();
    }

    static ScheduleWindow everyDay(String zone, String start, String end) {
        return daily(zone, start, end, DayOfWeek.DAY_OF_WEEK_MONDAY, DayOfWeek.DAY_OF_WEEK_TUESDAY,
                DayOfWeek.DAY_OF_WEEK_WEDNESDAY, DayOfWeek.DAY_OF_WEEK_THURSDAY, DayOfWeek.DAY_OF_WEEK_FRIDAY,
                DayOfWeek.DAY_OF_WEEK_SATURDAY, DayOfWeek.DAY_OF_WEEK_SUNDAY);
    }

    static ScheduleWindow cron(String zone, String expression, int seconds) {
        return ScheduleWindow.newBuilder().setTimeZone(zone)
                .setCron(CronWindow.newBuilder().setStartCron(expression).setDurationSeconds(seconds)).build();
    }

    /** Peak shaving in Chicago 14:00–19:00 every day: 2 800 W, back to 3 200 W. */
    static Schedule.Builder peak(String name, String... identifiers) {
        return Schedule.newBuilder().setName(name).setSelector(devicesSelector(identifiers))
                .setAction(powerTarget(2800)).setRevert(powerTarget(3200))
                .setWindow(everyDay("America/Chicago", "14:00", "19:00")).setPriority(10);
    }

    long count(String sql) {
        try (Connection c = TestDatabase.get().connect(); var ps = c.prepareStatement(sql)) {
            ps.setObject(1, org.orgId());
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    long schedules() {
        return count("SELECT count(*) FROM schedule WHERE org_id = ?");
    }

    long activity() {
        return count("SELECT count(*) FROM activity_log WHERE org_id = ?");
    }

    static StatusRuntimeException failure(Runnable call) {
        return fleet.api.Errors.failure(call);
    }

    static List<String> fields(StatusRuntimeException e) {
        return fleet.api.Errors.fields(e);
    }

    static Optional<ErrorInfo> info(StatusRuntimeException e) {
        return fleet.api.Errors.info(e);
    }
}
