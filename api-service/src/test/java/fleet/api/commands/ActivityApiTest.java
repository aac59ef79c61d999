package fleet.api.commands;

import static fleet.api.Errors.failure;
import static fleet.api.Errors.fields;
import static fleet.api.TestFleet.devices;
import static fleet.api.TestFleet.identifier;
import static fleet.api.TestFleet.keyId;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import fleet.api.TestFleet;
import fleet.curtailment.v1.ActivityEntry;
import fleet.curtailment.v1.ActorType;
import fleet.curtailment.v1.AdminTerminateEventRequest;
import fleet.curtailment.v1.CurtailmentEventState;
import fleet.curtailment.v1.ForceReleaseRequest;
import fleet.curtailment.v1.ListActivityRequest;
import fleet.curtailment.v1.ListActivityResponse;
import fleet.curtailment.v1.RebootRequest;
import fleet.curtailment.v1.StopCurtailmentRequest;
import fleet.curtailment.v1.UpdateCurtailmentEventRequest;
import fleet.testsupport.PostgresTestResource;
import io.grpc.Status;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** ActivityService.ListActivity (SPEC §7.5) and the attribution of every mutation to its actor, over real gRPC. */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL)
class ActivityApiTest {

    private static ListActivityRequest.Builder list() {
        return ListActivityRequest.newBuilder();
    }

    private static ActivityEntry only(ListActivityResponse response) {
        assertThat(response.getEntriesList()).hasSize(1);
        return response.getEntries(0);
    }

    @Test
    void everyCurtailmentRpcLeavesOneActivityRowWithItsActorApiKeyOrUser() {
        TestFleet fleet = new TestFleet("act-actors");
        fleet.addMiners("m", 4, "luxos");
        String operatorKey = fleet.org.operatorKey();
        String operatorSession = fleet.operatorSessionToken();
        String adminSession = fleet.adminSessionToken();
        String sessionUser = fleet.org.viewerUserId().toString();
        String adminUser = fleet.org.adminUserId().toString();
        var activity = fleet.viewerActivity();

        // Start by an API key, then by a user session
        String byKey = fleet.curtail(operatorKey, identifier("m", 0));
        String bySession = fleet.curtail(operatorSession, identifier("m", 1));
        ActivityEntry keyStart = only(activity.listActivity(list().setEventId(byKey).addTypes("curtailment_started").build()));
        assertThat(keyStart.getActorType()).isEqualTo(ActorType.ACTOR_TYPE_API_KEY);
        assertThat(keyStart.getActorId()).isEqualTo(keyId(operatorKey));
        assertThat(keyStart.getMetadata().getFieldsMap().get("targets").getNumberValue()).isEqualTo(1.0);
        assertThat(keyStart.getMetadata().getFieldsMap().get("mode").getStringValue()).isEqualTo("FULL_FLEET");
        ActivityEntry sessionStart = only(activity.listActivity(list().setEventId(bySession)
                .addTypes("curtailment_started").build()));
        assertThat(sessionStart.getActorType()).isEqualTo(ActorType.ACTOR_TYPE_USER);
        assertThat(sessionStart.getActorId()).isEqualTo(sessionUser);

        // Update by the session, Stop by the key
        fleet.curtailment(operatorSession).updateCurtailmentEvent(UpdateCurtailmentEventRequest.newBuilder()
                .setEventId(byKey).setReason("grid event, extended").build());
        ActivityEntry update = only(activity.listActivity(list().setEventId(byKey).addTypes("curtailment_updated").build()));
        assertThat(update.getActorType()).isEqualTo(ActorType.ACTOR_TYPE_USER);
        assertThat(update.getActorId()).isEqualTo(sessionUser);
        fleet.curtailment(operatorKey).stopCurtailment(StopCurtailmentRequest.newBuilder().setEventId(byKey).build());
        ActivityEntry stop = only(activity.listActivity(list().setEventId(byKey).addTypes("curtailment_stopped").build()));
        assertThat(stop.getActorType()).isEqualTo(ActorType.ACTOR_TYPE_API_KEY);
        assertThat(stop.getActorId()).isEqualTo(keyId(operatorKey));

        // the admin recovery RPCs (sessions only) by the admin user
        fleet.curtailment(adminSession).adminTerminateEvent(AdminTerminateEventRequest.newBuilder().setEventId(byKey)
                .setTargetState(CurtailmentEventState.CURTAILMENT_EVENT_STATE_CANCELLED).setReason("site lost").build());
        ActivityEntry terminate = only(activity.listActivity(list().setEventId(byKey)
                .addTypes("curtailment_terminated").build()));
        assertThat(terminate.getActorType()).isEqualTo(ActorType.ACTOR_TYPE_USER);
        assertThat(terminate.getActorId()).isEqualTo(adminUser);
        fleet.curtailment(adminSession).forceRelease(ForceReleaseRequest.newBuilder().setEventId(bySession)
                .setReason("handed to the site crew").build());
        ActivityEntry release = only(activity.listActivity(list().setEventId(bySession)
                .addTypes("curtailment_force_released").build()));
        assertThat(release.getActorType()).isEqualTo(ActorType.ACTOR_TYPE_USER);
        assertThat(release.getActorId()).isEqualTo(adminUser);

        // exactly one row per mutation for each event, newest first
        assertThat(activity.listActivity(list().setEventId(byKey).build()).getEntriesList())
                .extracting(ActivityEntry::getType)
                .containsExactly("curtailment_terminated", "curtailment_stopped", "curtailment_updated", "curtailment_started");
        assertThat(activity.listActivity(list().setEventId(bySession).build()).getEntriesList())
                .extracting(ActivityEntry::getType)
                .containsExactly("curtailment_force_released", "curtailment_started");

        // operator commands are attributed the same way
        var batch = fleet.commands(operatorSession).reboot(RebootRequest.newBuilder()
                .setSelector(devices(identifier("m", 2))).build());
        ActivityEntry accepted = only(activity.listActivity(list().addTypes("operator_command_accepted").build()));
        assertThat(accepted.getActorType()).isEqualTo(ActorType.ACTOR_TYPE_USER);
        assertThat(accepted.getActorId()).isEqualTo(sessionUser);
        assertThat(accepted.getMetadata().getFieldsMap().get("batch_id").getStringValue()).isEqualTo(batch.getBatchId());
        assertThat(accepted.getDeviceId()).isEqualTo(batch.getCommands(0).getDeviceId());
    }

    @Test
    void listActivityFiltersByTypeEventDeviceAndTimeNewestFirst() {
        TestFleet fleet = new TestFleet("act-filters");
        fleet.addMiners("f", 3, "luxos");
        String key = fleet.org.operatorKey();
        String e1 = fleet.curtail(key, identifier("f", 0));
        fleet.complete(e1);
        fleet.operatorCommands().reboot(RebootRequest.newBuilder().setSelector(devices(identifier("f", 0))).build());
        fleet.operatorCommands().reboot(RebootRequest.newBuilder().setSelector(devices(identifier("f", 1), identifier("f", 2)))
                .build());
        String e2 = fleet.curtail(key, identifier("f", 1));
        failure(() -> fleet.operatorCommands().reboot(RebootRequest.newBuilder()
                .setSelector(devices(identifier("f", 1))).build()));
        var activity = fleet.viewerActivity();

        List<ActivityEntry> all = activity.listActivity(list().build()).getEntriesList();
        assertThat(all).extracting(ActivityEntry::getType).containsExactly("command_blocked_by_curtailment",
                "curtailment_started", "operator_command_accepted", "operator_command_accepted", "curtailment_started",
                "devices_registered", "organization_bootstrapped");
        assertThat(all).isSortedAccordingTo((a, b) -> {
            int t = Long.compare(b.getOccurredAt().getSeconds() * 1_000_000_000L + b.getOccurredAt().getNanos(),
                    a.getOccurredAt().getSeconds() * 1_000_000_000L + a.getOccurredAt().getNanos());
            return t != 0 ? t : Long.compare(Long.parseLong(b.getActivityId()), Long.parseLong(a.getActivityId()));
        });

        assertThat(activity.listActivity(list().addTypes("curtailment_started").addTypes("command_blocked_by_curtailment")
                .build()).getEntriesList()).extracting(ActivityEntry::getType)
                .containsExactly("command_blocked_by_curtailment", "curtailment_started", "curtailment_started");
        // event filter: the start and the command it blocked
        assertThat(activity.listActivity(list().setEventId(e2).build()).getEntriesList()).extracting(ActivityEntry::getType)
                .containsExactly("command_blocked_by_curtailment", "curtailment_started");
        // device filter: rows about that one device (a single-device command is tied to its device)
        ActivityEntry device = only(activity.listActivity(list().setDeviceIdentifier(identifier("f", 0)).build()));
        assertThat(device.getType()).isEqualTo("operator_command_accepted");
        assertThat(activity.listActivity(list().setDeviceIdentifier("no-such-device").build()).getEntriesList()).isEmpty();
        // time range: [from, to)
        Timestamp pivot = all.get(1).getOccurredAt();
        assertThat(activity.listActivity(list().setFrom(pivot).build()).getEntriesList()).extracting(ActivityEntry::getActivityId)
                .contains(all.get(0).getActivityId(), all.get(1).getActivityId())
                .doesNotContain(all.get(all.size() - 1).getActivityId());
        assertThat(activity.listActivity(list().setTo(pivot).build()).getEntriesList()).extracting(ActivityEntry::getActivityId)
                .doesNotContain(all.get(0).getActivityId(), all.get(1).getActivityId())
                .contains(all.get(all.size() - 1).getActivityId());
        // other organizations see none of it
        TestFleet stranger = new TestFleet("act-filters-other");
        assertThat(stranger.viewerActivity().listActivity(list().setEventId(e2).build()).getEntriesList()).isEmpty();
    }

    @Test
    void pagesWalkEveryRowOnceNewestFirstWithTokensBoundToTheFilters() {
        TestFleet fleet = new TestFleet("act-pages");
        fleet.addMiners("g", 7, "luxos");
        for (int i = 0; i < 7; i++) {
            fleet.operatorCommands().reboot(RebootRequest.newBuilder().setSelector(devices(identifier("g", i))).build());
        }
        // two rows in the same instant: the id breaks the tie
        fleet.update("UPDATE activity_log SET occurred_at = (SELECT max(occurred_at) FROM activity_log WHERE org_id = ?)"
                + " WHERE org_id = ? AND id = (SELECT min(id) FROM activity_log WHERE org_id = ?"
                + " AND type = 'operator_command_accepted')", fleet.org.orgId(), fleet.org.orgId(), fleet.org.orgId());
        var activity = fleet.viewerActivity();
        List<ActivityEntry> expected = activity.listActivity(list().addTypes("operator_command_accepted").build())
                .getEntriesList();
        assertThat(expected).hasSize(7);

        for (int size : new int[] {3, 1}) {
            List<ActivityEntry> walked = new ArrayList<>();
            String token = "";
            int pages = 0;
            do {
                ListActivityResponse page = activity.listActivity(list().addTypes("operator_command_accepted")
                        .setPageSize(size).setPageToken(token).build());
                assertThat(page.getEntriesCount()).isLessThanOrEqualTo(size);
                walked.addAll(page.getEntriesList());
                token = page.getNextPageToken();
                pages++;
            } while (!token.isEmpty());
            assertThat(pages).as("page size %d", size).isEqualTo((7 + size - 1) / size);
            assertThat(walked).as("page size %d", size).isEqualTo(expected);
            Set<String> ids = new HashSet<>();
            walked.forEach(e -> ids.add(e.getActivityId()));
            assertThat(ids).hasSize(7);
        }

        String first = activity.listActivity(list().addTypes("operator_command_accepted").setPageSize(3).build())
                .getNextPageToken();
        var rebound = failure(() -> activity.listActivity(list().addTypes("curtailment_started").setPageSize(3)
                .setPageToken(first).build()));
        assertThat(rebound.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(fields(rebound)).containsExactly("page_token");
        assertThat(fields(failure(() -> activity.listActivity(list().setPageToken("garbage!").build()))))
                .containsExactly("page_token");
    }

    @Test
    void invalidFiltersAreInvalidArgumentNamingTheField() {
        TestFleet fleet = new TestFleet("act-invalid");
        var activity = fleet.viewerActivity();
        assertThat(fields(failure(() -> activity.listActivity(list().setEventId("nope").build()))))
                .containsExactly("event_id");
        assertThat(fields(failure(() -> activity.listActivity(list().addTypes("Bad Type").build()))))
                .containsExactly("types[0]");
        assertThat(fields(failure(() -> activity.listActivity(list()
                .addAllTypes(Collections.nCopies(33, "curtailment_started")).build())))).containsExactly("types");
        Timestamp now = Timestamp.newBuilder().setSeconds(Instant.now().getEpochSecond()).build();
        assertThat(fields(failure(() -> activity.listActivity(list().setFrom(now).setTo(now).build()))))
                .containsExactly("to");
        assertThat(fields(failure(() -> activity.listActivity(list().setPageSize(-1).build()))))
                .containsExactly("page_size");
        assertThat(fields(failure(() -> activity.listActivity(list().setDeviceIdentifier("d".repeat(129)).build()))))
                .containsExactly("device_identifier");
        var unauthenticated = failure(() -> fleet.activity("fk_nonexistentkey1_" + "a".repeat(40))
                .listActivity(list().build()));
        assertThat(unauthenticated.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    }
}
