package fleet.api.grpc;

import com.google.protobuf.Empty;
import fleet.api.app.schedules.ScheduleProtos;
import fleet.api.app.schedules.ScheduleSpec;
import fleet.api.app.schedules.Schedules;
import fleet.api.auth.Authenticator;
import fleet.api.error.Violations;
import fleet.auth.Role;
import fleet.curtailment.v1.CreateScheduleRequest;
import fleet.curtailment.v1.DeleteScheduleRequest;
import fleet.curtailment.v1.GetScheduleRequest;
import fleet.curtailment.v1.ListSchedulesRequest;
import fleet.curtailment.v1.ListSchedulesResponse;
import fleet.curtailment.v1.MutinyScheduleServiceGrpc;
import fleet.curtailment.v1.Schedule;
import fleet.curtailment.v1.UpdateScheduleRequest;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * ScheduleService (SPEC §7.6, issue 9): recurring operator commands. Mutations need OPERATOR, reads VIEWER. The
 * schedule processor in the reconciler-service runs the windows; this service never queues a command itself.
 */
@GrpcService
public class ScheduleGrpcService extends MutinyScheduleServiceGrpc.ScheduleServiceImplBase {

    @Inject
    Authenticator auth;

    @Inject
    Schedules schedules;

    @Override
    public Uni<Schedule> createSchedule(CreateScheduleRequest request) {
        return auth.require(Role.OPERATOR).chain(caller -> {
            Instant now = schedules.now();
            Violations v = new Violations();
            ScheduleSpec spec = ScheduleProtos.spec(v, "schedule", request.getSchedule(), request.hasSchedule(), now);
            v.throwIfAny();
            return schedules.create(caller, spec).map(view -> ScheduleProtos.toProto(view, schedules.now()));
        });
    }

    @Override
    public Uni<Schedule> getSchedule(GetScheduleRequest request) {
        return auth.require(Role.VIEWER).chain(caller -> {
            UUID id = scheduleId("schedule_id", request.getScheduleId());
            return schedules.get(caller, id).map(view -> ScheduleProtos.toProto(view, schedules.now()));
        });
    }

    @Override
    public Uni<ListSchedulesResponse> listSchedules(ListSchedulesRequest request) {
        return auth.require(Role.VIEWER).chain(caller -> {
            Violations v = new Violations();
            int size = v.int32("page_size", request.getPageSize());
            v.throwIfAny();
            Boolean enabled = request.hasEnabled() ? request.getEnabled() : null;
            return schedules.list(caller, enabled, size, request.getPageToken()).map(page -> {
                Instant now = schedules.now();
                ListSchedulesResponse.Builder out = ListSchedulesResponse.newBuilder()
                        .setNextPageToken(page.nextPageToken());
                page.schedules().forEach(s -> out.addSchedules(ScheduleProtos.toProto(s, now)));
                return out.build();
            });
        });
    }

    @Override
    public Uni<Schedule> updateSchedule(UpdateScheduleRequest request) {
        return auth.require(Role.OPERATOR).chain(caller -> {
            Violations v = new Violations();
            UUID id = request.hasSchedule() ? v.uuid("schedule.schedule_id", request.getSchedule().getScheduleId(), true)
                    : null;
            if (!request.hasSchedule()) {
                v.add("schedule", "is required (with schedule_id and the fields named in update_mask)");
            }
            List<String> paths = Schedules.maskPaths(v, request.getUpdateMask(), request.hasUpdateMask());
            v.throwIfAny();
            return schedules.update(caller, id, request.getSchedule(), paths)
                    .map(view -> ScheduleProtos.toProto(view, schedules.now()));
        });
    }

    @Override
    public Uni<Empty> deleteSchedule(DeleteScheduleRequest request) {
        return auth.require(Role.OPERATOR).chain(caller -> {
            UUID id = scheduleId("schedule_id", request.getScheduleId());
            return schedules.delete(caller, id).replaceWith(Empty.getDefaultInstance());
        });
    }

    private static UUID scheduleId(String field, String value) {
        Violations v = new Violations();
        UUID id = v.uuid(field, value, true);
        v.throwIfAny();
        return id;
    }
}
