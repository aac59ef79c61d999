package fleet.api.grpc;

import fleet.api.app.AdminRecovery;
import fleet.api.app.CurtailmentRequests;
import fleet.api.app.EventQueries;
import fleet.api.app.EventQueries.EventCursor;
import fleet.api.app.SelectionRunner;
import fleet.api.app.StartCurtailment;
import fleet.api.app.StopCurtailment;
import fleet.api.app.UpdateCurtailment;
import fleet.api.auth.Authenticator;
import fleet.api.auth.Caller;
import fleet.api.error.ApiErrors;
import fleet.api.error.Violations;
import fleet.api.watch.StreamTransport;
import fleet.api.watch.WatchHub;
import fleet.api.paging.PageTokens;
import fleet.auth.Role;
import fleet.curtailment.v1.AdminTerminateEventRequest;
import fleet.curtailment.v1.AdminTerminateEventResponse;
import fleet.curtailment.v1.CurtailmentEvent;
import fleet.curtailment.v1.CurtailmentEventState;
import fleet.curtailment.v1.CurtailmentTargetState;
import fleet.curtailment.v1.ForceReleaseRequest;
import fleet.curtailment.v1.ForceReleaseResponse;
import fleet.curtailment.v1.GetCurtailmentEventRequest;
import fleet.curtailment.v1.GetCurtailmentEventResponse;
import fleet.curtailment.v1.ListActiveCurtailmentsRequest;
import fleet.curtailment.v1.ListActiveCurtailmentsResponse;
import fleet.curtailment.v1.ListCurtailmentEventsRequest;
import fleet.curtailment.v1.ListCurtailmentEventsResponse;
import fleet.curtailment.v1.MutinyCurtailmentServiceGrpc;
import fleet.curtailment.v1.PlannedDevice;
import fleet.curtailment.v1.PreviewCurtailmentPlanRequest;
import fleet.curtailment.v1.PreviewCurtailmentPlanResponse;
import fleet.curtailment.v1.SkipReasonCount;
import fleet.curtailment.v1.SkippedDevice;
import fleet.curtailment.v1.StartCurtailmentRequest;
import fleet.curtailment.v1.StartCurtailmentResponse;
import fleet.curtailment.v1.StopCurtailmentRequest;
import fleet.curtailment.v1.StopCurtailmentResponse;
import fleet.curtailment.v1.UpdateCurtailmentEventRequest;
import fleet.curtailment.v1.UpdateCurtailmentEventResponse;
import fleet.curtailment.v1.WatchCurtailmentEventRequest;
import fleet.curtailment.v1.WatchCurtailmentEventResponse;
import fleet.domain.selection.Plan;
import fleet.domain.selection.SelectedDevice;
import fleet.domain.selection.SkipReason;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** CurtailmentService (SPEC §3): validate → use case (one transaction) → map; errors in the richer error model. */
@GrpcService
public class CurtailmentGrpcService extends MutinyCurtailmentServiceGrpc.CurtailmentServiceImplBase {

    /** PENDING, ACTIVE, RESTORING, as wire numbers (the filter of ListActiveCurtailments). */
    private static final List<Integer> LIVE_STATES = fleet.domain.state.EventState.LIVE.stream()
            .map(fleet.domain.state.EventState::wire).sorted().toList();

    @Inject
    Authenticator auth;

    @Inject
    Pool pool;

    @Inject
    StartCurtailment starter;

    @Inject
    StopCurtailment stopper;

    @Inject
    UpdateCurtailment updater;

    @Inject
    AdminRecovery recovery;

    @Inject
    WatchHub watchHub;

    @Override
    public Uni<PreviewCurtailmentPlanResponse> previewCurtailmentPlan(PreviewCurtailmentPlanRequest request) {
        return auth.require(Role.OPERATOR).chain(caller -> {
            var spec = CurtailmentRequests.preview(request, caller);
            return SelectionRunner.select(pool, caller.orgId(), spec.selection())
                    .map(selection -> {
                        StartCurtailment.requireSufficient(selection.plan());
                        return preview(selection.plan(), spec.maxListed());
                    });
        });
    }

    @Override
    public Uni<StartCurtailmentResponse> startCurtailment(StartCurtailmentRequest request) {
        return auth.require(Role.OPERATOR).chain(caller -> {
            var spec = CurtailmentRequests.start(request, caller);
            return starter.start(caller, spec).chain(started -> EventQueries.get(pool, caller.orgId(), started.eventId())
                    .chain(view -> EventQueries.targets(pool, started.eventId(), List.of(), spec.targetPageSize(), "")
                            .map(page -> {
                                StartCurtailmentResponse.Builder out = StartCurtailmentResponse.newBuilder()
                                        .setEvent(EventMapping.event(view, true))
                                        .setReplayed(started.replayed())
                                        .setNextTargetPageToken(page.nextPageToken());
                                page.targets().forEach(t -> out.addTargets(EventMapping.target(t)));
                                return out.build();
                            })));
        });
    }

    @Override
    public Uni<GetCurtailmentEventResponse> getCurtailmentEvent(GetCurtailmentEventRequest request) {
        return auth.require(Role.VIEWER).chain(caller -> {
            Violations v = new Violations();
            UUID eventId = v.uuid("event_id", request.getEventId(), true);
            int pageSize = PageTokens.pageSize(v.int32("target_page_size", request.getTargetPageSize()));
            List<Integer> states = new ArrayList<>();
            for (int i = 0; i < request.getTargetStatesCount(); i++) {
                CurtailmentTargetState s = request.getTargetStates(i);
                if (s == CurtailmentTargetState.CURTAILMENT_TARGET_STATE_UNSPECIFIED || s == CurtailmentTargetState.UNRECOGNIZED) {
                    v.add("target_states[" + i + "]", "must be a target state");
                } else {
                    states.add(s.getNumber());
                }
            }
            v.throwIfAny();
            List<Integer> filter = states.stream().distinct().sorted().toList();
            return EventQueries.get(pool, caller.orgId(), eventId)
                    .chain(view -> EventQueries.targets(pool, eventId, filter, pageSize, request.getTargetPageToken())
                            .map(page -> {
                                GetCurtailmentEventResponse.Builder out = GetCurtailmentEventResponse.newBuilder()
                                        .setEvent(EventMapping.event(view, true))
                                        .setNextTargetPageToken(page.nextPageToken());
                                page.targets().forEach(t -> out.addTargets(EventMapping.target(t)));
                                return out.build();
                            }));
        });
    }

    @Override
    public Uni<ListCurtailmentEventsResponse> listCurtailmentEvents(ListCurtailmentEventsRequest request) {
        return auth.require(Role.VIEWER).chain(caller -> {
            Violations v = new Violations();
            List<Integer> states = new ArrayList<>();
            for (int i = 0; i < request.getStatesCount(); i++) {
                CurtailmentEventState s = request.getStates(i);
                if (s == CurtailmentEventState.CURTAILMENT_EVENT_STATE_UNSPECIFIED || s == CurtailmentEventState.UNRECOGNIZED) {
                    v.add("states[" + i + "]", "must be an event state");
                } else {
                    states.add(s.getNumber());
                }
            }
            int pageSize = PageTokens.pageSize(v.int32("page_size", request.getPageSize()));
            v.throwIfAny();
            List<Integer> filter = states.stream().distinct().sorted().toList();
            return eventPage(caller.orgId(), filter, "events|" + filter, request.getPageToken(), pageSize)
                    .map(page -> ListCurtailmentEventsResponse.newBuilder().addAllEvents(page.events())
                            .setNextPageToken(page.nextPageToken()).build());
        });
    }

    /** Pages like ListCurtailmentEvents over the live states; a client that does not page gets the first page. */
    @Override
    public Uni<ListActiveCurtailmentsResponse> listActiveCurtailments(ListActiveCurtailmentsRequest request) {
        return auth.require(Role.VIEWER).chain(caller -> {
            Violations v = new Violations();
            int pageSize = PageTokens.pageSize(v.int32("page_size", request.getPageSize()));
            v.throwIfAny();
            return eventPage(caller.orgId(), LIVE_STATES, "active_events", request.getPageToken(), pageSize)
                    .map(page -> ListActiveCurtailmentsResponse.newBuilder().addAllEvents(page.events())
                            .setNextPageToken(page.nextPageToken()).build());
        });
    }

    private record EventPage(List<CurtailmentEvent> events, String nextPageToken) {
    }

    private Uni<EventPage> eventPage(UUID org, List<Integer> states, String filters, String token, int pageSize) {
        EventCursor after = PageTokens.decode("page_token", token, filters, EventCursor.KEY);
        return EventQueries.list(pool, org, states, pageSize + 1, after).map(views -> {
            List<CurtailmentEvent> events = new ArrayList<>(Math.min(views.size(), pageSize));
            for (int i = 0; i < views.size() && i < pageSize; i++) {
                events.add(EventMapping.event(views.get(i), false));
            }
            String next = views.size() > pageSize
                    ? PageTokens.encode(filters, EventCursor.KEY, EventCursor.of(views.get(pageSize - 1).row()))
                    : "";
            return new EventPage(events, next);
        });
    }

    @Override
    public Uni<StopCurtailmentResponse> stopCurtailment(StopCurtailmentRequest request) {
        return auth.require(Role.OPERATOR).chain(caller -> {
            Violations v = new Violations();
            UUID eventId = v.uuid("event_id", request.getEventId(), true);
            String reason = optionalReason(v, request.getReason());
            v.throwIfAny();
            if (request.getForce() && !caller.isAdmin()) {
                throw ApiErrors.adminOnlyField("force");
            }
            return stopper.stop(caller, new StopCurtailment.StopSpec(eventId, request.getForce(), reason))
                    .chain(id -> event(caller, id))
                    .map(event -> StopCurtailmentResponse.newBuilder().setEvent(event).build());
        });
    }

    @Override
    public Uni<UpdateCurtailmentEventResponse> updateCurtailmentEvent(UpdateCurtailmentEventRequest request) {
        return auth.require(Role.OPERATOR).chain(caller -> updater.update(caller, UpdateCurtailment.validate(request))
                .chain(updated -> event(caller, updated.eventId()).map(event -> UpdateCurtailmentEventResponse.newBuilder()
                        .setEvent(event).addAllChangedFields(updated.changedFields()).build())));
    }

    @Override
    public Multi<WatchCurtailmentEventResponse> watchCurtailmentEvent(WatchCurtailmentEventRequest request) {
        StreamTransport transport = StreamTransport.current(); // from the call's context: read before going async
        return auth.require(Role.VIEWER).onItem().transformToMulti(caller -> {
            Violations v = new Violations();
            UUID eventId = v.uuid("event_id", request.getEventId(), true);
            v.throwIfAny();
            return watchHub.watch(caller.orgId(), eventId, transport);
        });
    }

    @Override
    public Uni<AdminTerminateEventResponse> adminTerminateEvent(AdminTerminateEventRequest request) {
        return auth.requireAdminSession().chain(caller -> {
            Violations v = new Violations();
            UUID eventId = v.uuid("event_id", request.getEventId(), true);
            AdminRecovery.Ending ending = switch (request.getTargetState()) {
                case CURTAILMENT_EVENT_STATE_CANCELLED -> AdminRecovery.Ending.CANCELLED;
                case CURTAILMENT_EVENT_STATE_FAILED -> AdminRecovery.Ending.FAILED;
                default -> {
                    v.add("target_state", "must be CURTAILMENT_EVENT_STATE_CANCELLED or CURTAILMENT_EVENT_STATE_FAILED");
                    yield null;
                }
            };
            String reason = CurtailmentRequests.reason(v, "reason", request.getReason());
            v.throwIfAny();
            return recovery.terminate(caller, eventId, ending, reason)
                    .chain(id -> event(caller, id))
                    .map(event -> AdminTerminateEventResponse.newBuilder().setEvent(event).build());
        });
    }

    @Override
    public Uni<ForceReleaseResponse> forceRelease(ForceReleaseRequest request) {
        return auth.requireAdminSession().chain(caller -> {
            Violations v = new Violations();
            UUID eventId = v.uuid("event_id", request.getEventId(), true);
            String reason = CurtailmentRequests.reason(v, "reason", request.getReason());
            v.throwIfAny();
            return recovery.forceRelease(caller, eventId, reason)
                    .chain(id -> event(caller, id))
                    .map(event -> ForceReleaseResponse.newBuilder().setEvent(event).build());
        });
    }

    /** The event as Get returns it (with its rollup and idempotency handles), read after the mutation committed. */
    private Uni<CurtailmentEvent> event(Caller caller, UUID eventId) {
        return EventQueries.get(pool, caller.orgId(), eventId).map(view -> EventMapping.event(view, true));
    }

    /** Optional reason: at most 256 characters (code points); empty = none. */
    private static String optionalReason(Violations v, String raw) {
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        if (raw.codePointCount(0, raw.length()) > 256) {
            v.add("reason", "must be at most 256 characters");
            return null;
        }
        return raw.isBlank() ? null : raw;
    }

    static PreviewCurtailmentPlanResponse preview(Plan plan, int maxListed) {
        PreviewCurtailmentPlanResponse.Builder out = PreviewCurtailmentPlanResponse.newBuilder()
                .setSelectedTotal(plan.selected().size())
                .setSkippedTotal(plan.skipped().size())
                .setDevicesInScope(plan.devicesInScope())
                .setEstimatedReductionKw(plan.estimatedReductionKw())
                .setScopePowerKw(plan.scopePowerKw())
                .setRemainingPowerKw(plan.remainingPowerKw())
                .setCandidateMinPowerW(plan.candidateMinPowerW())
                .setListingTruncated(plan.selected().size() > maxListed || plan.skipped().size() > maxListed);
        for (int i = 0; i < plan.selected().size() && i < maxListed; i++) {
            SelectedDevice d = plan.selected().get(i);
            PlannedDevice.Builder p = PlannedDevice.newBuilder()
                    .setDeviceId(d.deviceId().toString())
                    .setDeviceIdentifier(d.identifier())
                    .setRank(d.rank())
                    .setEfficiencyKnown(d.efficiencyJPerTh() != null);
            if (d.powerW() != null) {
                p.setPowerW(d.powerW());
            }
            if (d.candidate().hashrateThs() != null) {
                p.setHashrateThs(d.candidate().hashrateThs());
            }
            if (d.efficiencyJPerTh() != null) {
                p.setEfficiencyJPerTh(d.efficiencyJPerTh());
            }
            if (d.baselinePowerW() != null) {
                p.setBaselinePowerW(d.baselinePowerW());
            }
            out.addSelected(p);
        }
        for (int i = 0; i < plan.skipped().size() && i < maxListed; i++) {
            var s = plan.skipped().get(i);
            out.addSkipped(SkippedDevice.newBuilder().setDeviceId(s.deviceId().toString())
                    .setDeviceIdentifier(s.identifier())
                    .setReason(fleet.curtailment.v1.SkipReason.forNumber(s.reason().wire())));
        }
        for (SkipReason reason : SkipReason.values()) {
            int n = plan.skipCount(reason);
            if (n > 0) {
                out.addSkippedByReason(SkipReasonCount.newBuilder()
                        .setReason(fleet.curtailment.v1.SkipReason.forNumber(reason.wire())).setCount(n));
            }
        }
        return out.build();
    }
}
