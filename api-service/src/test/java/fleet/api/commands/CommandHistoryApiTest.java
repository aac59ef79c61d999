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
import fleet.curtailment.v1.CommandHistoryEntry;
import fleet.curtailment.v1.CommandSource;
import fleet.curtailment.v1.ListActivityRequest;
import fleet.curtailment.v1.ListCommandHistoryRequest;
import fleet.curtailment.v1.ListCommandHistoryResponse;
import fleet.curtailment.v1.RebootRequest;
import fleet.testsupport.PostgresTestResource;
import io.grpc.Status;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * ActivityService.ListCommandHistory (D37): the reconciler's CURTAIL / RESTORE commands merged with operator commands,
 * per device and per event, newest first, paged, org-scoped, over real gRPC. The reconciler's rows are written as it
 * writes them ({@link TestFleet#logCommand}).
 */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL)
class CommandHistoryApiTest {

    private static ListCommandHistoryRequest.Builder history() {
        return ListCommandHistoryRequest.newBuilder();
    }

    /** One event over h-0 and h-1: h-0 timed out once, then slept, then was woken; h-1 refused; then a reboot of h-0. */
    private record Story(TestFleet fleet, String event, String operatorKey) {
    }

    private static Story story(String name) {
        TestFleet fleet = new TestFleet(name);
        fleet.addMiners("h", 3, "luxos");
        String key = fleet.org.operatorKey();
        String event = fleet.curtail(key, identifier("h", 0), identifier("h", 1));
        String h0 = identifier("h", 0);
        String h1 = identifier("h", 1);
        fleet.logCommand(event, h0, "CURTAIL", 1, "TIMEOUT", null, null, "read timed out after 5000 ms", 600);
        fleet.logCommand(event, h1, "CURTAIL", 1, "REFUSED", "ACCESS_DENIED", 45,
                "STATUS E Code 45: Access denied to 'logon' command", 599);
        fleet.logCommand(event, h0, "CURTAIL", 2, "ACCEPTED", null, 335,
                "STATUS S Code 335: Curtailment command sent (sleep mode)", 598);
        fleet.logCommand(event, h0, "RESTORE", 1, "ACCEPTED", null, 335,
                "STATUS S Code 335: Curtailment command sent (wake up)", 300);
        fleet.complete(event);
        // an operator reboots h-0 once the curtailment is over
        fleet.operatorCommands().reboot(RebootRequest.newBuilder().setSelector(devices(h0)).setReason("fan noise").build());
        return new Story(fleet, event, key);
    }

    @Test
    void aDevicesHistoryMergesCurtailmentAndOperatorCommandsNewestFirstWithWhoAndWhy() {
        Story s = story("hist-device");
        var activity = s.fleet().viewerActivity();
        List<CommandHistoryEntry> h0 = activity.listCommandHistory(history().setDeviceIdentifier(identifier("h", 0)).build())
                .getEntriesList();
        assertThat(h0).extracting(CommandHistoryEntry::getAction).containsExactly("REBOOT", "RESTORE", "CURTAIL", "CURTAIL");
        assertThat(h0).extracting(CommandHistoryEntry::getSource).containsExactly(CommandSource.COMMAND_SOURCE_OPERATOR,
                CommandSource.COMMAND_SOURCE_CURTAILMENT, CommandSource.COMMAND_SOURCE_CURTAILMENT,
                CommandSource.COMMAND_SOURCE_CURTAILMENT);
        assertThat(h0).isSortedAccordingTo((a, b) -> Long.compare(nanos(b.getOccurredAt()), nanos(a.getOccurredAt())));
        String deviceId = h0.get(0).getDeviceId();
        assertThat(h0).allSatisfy(e -> {
            assertThat(e.getDeviceIdentifier()).isEqualTo(identifier("h", 0));
            assertThat(e.getDeviceId()).isEqualTo(deviceId);
        });

        CommandHistoryEntry reboot = h0.get(0);
        assertThat(reboot.getActorType()).isEqualTo(ActorType.ACTOR_TYPE_API_KEY);
        assertThat(reboot.getActorId()).isEqualTo(keyId(s.operatorKey()));
        assertThat(reboot.getReason()).isEqualTo("fan noise");
        assertThat(reboot.getOutcome()).isEqualTo("QUEUED");
        assertThat(reboot.getEventId()).isEmpty();
        assertThat(reboot.hasReplyCode()).isFalse();

        CommandHistoryEntry restore = h0.get(1);
        assertThat(restore.getActorType()).isEqualTo(ActorType.ACTOR_TYPE_CURTAILMENT);
        assertThat(restore.getActorId()).isEqualTo(s.event());
        assertThat(restore.getEventId()).isEqualTo(s.event());
        assertThat(restore.getEventReason()).isNotEmpty()
                .isEqualTo(s.fleet().scalar("SELECT reason FROM curtailment_event WHERE id = ?::uuid", s.event()));
        assertThat(restore.getEventCreatorType()).isEqualTo(ActorType.ACTOR_TYPE_API_KEY);
        assertThat(restore.getEventCreatorId()).isEqualTo(keyId(s.operatorKey()));
        assertThat(restore.getEventCreatedByUserId()).isEqualTo(s.fleet().scalar(
                "SELECT created_by_user_id::text FROM curtailment_event WHERE id = ?::uuid", s.event()));
        assertThat(restore.getAttempt()).isEqualTo(1);
        assertThat(restore.getOutcome()).isEqualTo("ACCEPTED");
        assertThat(restore.getReplyCode()).isEqualTo(335);
        assertThat(restore.getDetail()).contains("wake up");
        assertThat(restore.getReplica()).isEqualTo("reconciler-a");
        assertThat(nanos(restore.getFinishedAt()) - nanos(restore.getSentAt())).isEqualTo(50_000_000L);

        assertThat(h0.get(2).getAttempt()).isEqualTo(2);
        assertThat(h0.get(3).getAttempt()).isEqualTo(1);
        assertThat(h0.get(3).getOutcome()).isEqualTo("TIMEOUT");
        assertThat(h0.get(3).hasReplyCode()).isFalse();

        // the same by device id; a device with no command has an empty history
        assertThat(activity.listCommandHistory(history().setDeviceId(deviceId).build()).getEntriesList()).isEqualTo(h0);
        assertThat(activity.listCommandHistory(history().setDeviceIdentifier(identifier("h", 2)).build()).getEntriesList())
                .isEmpty();
        // a time window on occurred_at: [from, to)
        assertThat(activity.listCommandHistory(history().setDeviceIdentifier(identifier("h", 0))
                .setFrom(h0.get(2).getOccurredAt()).setTo(h0.get(0).getOccurredAt()).build()).getEntriesList())
                .extracting(CommandHistoryEntry::getEntryId).containsExactly(h0.get(1).getEntryId(), h0.get(2).getEntryId());
    }

    @Test
    void anEventsHistoryListsItsOwnCommandsOfEveryDevice() {
        Story s = story("hist-event");
        var activity = s.fleet().viewerActivity();
        List<CommandHistoryEntry> all = activity.listCommandHistory(history().setEventId(s.event()).build()).getEntriesList();
        assertThat(all).extracting(e -> e.getDeviceIdentifier() + " " + e.getAction() + " " + e.getAttempt() + " "
                + e.getOutcome()).containsExactly(
                identifier("h", 0) + " RESTORE 1 ACCEPTED",
                identifier("h", 0) + " CURTAIL 2 ACCEPTED",
                identifier("h", 1) + " CURTAIL 1 REFUSED",
                identifier("h", 0) + " CURTAIL 1 TIMEOUT");
        CommandHistoryEntry refused = all.get(2);
        assertThat(refused.getRefusalReason()).isEqualTo("ACCESS_DENIED");
        assertThat(refused.getReplyCode()).isEqualTo(45);
        // an event and a device together: that device's commands of the event only (no operator command)
        assertThat(activity.listCommandHistory(history().setEventId(s.event()).setDeviceIdentifier(identifier("h", 1))
                .build()).getEntriesList()).extracting(CommandHistoryEntry::getEntryId).containsExactly(refused.getEntryId());
    }

    @Test
    void pagesWalkTheMergedHistoryOnceWithTokensBoundToTheFilters() {
        Story s = story("hist-pages");
        var activity = s.fleet().viewerActivity();
        ListCommandHistoryRequest.Builder request = history().setDeviceIdentifier(identifier("h", 0));
        // an operator command queued in the very microsecond of a curtailment command: the key breaks the tie
        s.fleet().update("UPDATE operator_command SET created_at = (SELECT sent_at FROM curtailment_command_log"
                + " WHERE event_id = ?::uuid AND action = 'RESTORE') WHERE org_id = ?", s.event(), s.fleet().org.orgId());
        List<CommandHistoryEntry> expected = activity.listCommandHistory(request.build()).getEntriesList();
        assertThat(expected).hasSize(4);
        for (int size : new int[] {1, 3}) {
            List<CommandHistoryEntry> walked = new ArrayList<>();
            String token = "";
            int pages = 0;
            do {
                ListCommandHistoryResponse page = activity.listCommandHistory(request.clone().setPageSize(size)
                        .setPageToken(token).build());
                assertThat(page.getEntriesCount()).isLessThanOrEqualTo(size);
                walked.addAll(page.getEntriesList());
                token = page.getNextPageToken();
                pages++;
            } while (!token.isEmpty());
            assertThat(pages).as("page size %d", size).isEqualTo((4 + size - 1) / size);
            assertThat(walked).as("page size %d", size).isEqualTo(expected);
        }
        String token = activity.listCommandHistory(request.clone().setPageSize(1).build()).getNextPageToken();
        var rebound = failure(() -> activity.listCommandHistory(history().setDeviceIdentifier(identifier("h", 1))
                .setPageSize(1).setPageToken(token).build()));
        assertThat(rebound.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(fields(rebound)).containsExactly("page_token");
        // page_size above the maximum is coerced to it (AIP-158)
        assertThat(activity.listCommandHistory(request.clone().setPageSize(100_000).build()).getEntriesList()).hasSize(4);
    }

    @Test
    void anotherOrganizationsDeviceOrEventIsNotFoundAndSeesNothing() {
        Story s = story("hist-org");
        String deviceId = (String) s.fleet().scalar("SELECT id::text FROM device WHERE org_id = ? AND identifier = ?",
                s.fleet().org.orgId(), identifier("h", 0));
        TestFleet stranger = new TestFleet("hist-org-other");
        stranger.addMiners("x", 1, "luxos");
        var theirs = stranger.viewerActivity();
        var byId = failure(() -> theirs.listCommandHistory(history().setDeviceId(deviceId).build()));
        assertThat(byId.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        var byEvent = failure(() -> theirs.listCommandHistory(history().setEventId(s.event()).build()));
        assertThat(byEvent.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        // the same identifier in the stranger's organization is another device, with no history
        var unknown = failure(() -> theirs.listCommandHistory(history().setDeviceIdentifier(identifier("h", 0)).build()));
        assertThat(unknown.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(theirs.listCommandHistory(history().setDeviceIdentifier(identifier("x", 0)).build()).getEntriesList())
                .isEmpty();
        // VIEWER is enough in the owner's organization; an unknown event there is NOT_FOUND too
        assertThat(s.fleet().viewerActivity().listCommandHistory(history().setDeviceId(deviceId).build())
                .getEntriesCount()).isEqualTo(4);
        assertThat(failure(() -> s.fleet().viewerActivity().listCommandHistory(history()
                .setEventId(UUID.randomUUID().toString()).build())).getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    }

    @Test
    void badFiltersAreInvalidArgumentNamingTheFieldAndAnUnauthenticatedCallerIsRefused() {
        TestFleet fleet = new TestFleet("hist-invalid");
        var activity = fleet.viewerActivity();
        assertThat(fields(failure(() -> activity.listCommandHistory(history().build())))).containsExactly("device_identifier");
        assertThat(fields(failure(() -> activity.listCommandHistory(history().setDeviceIdentifier("a")
                .setDeviceId(UUID.randomUUID().toString()).build())))).containsExactly("device_id");
        assertThat(fields(failure(() -> activity.listCommandHistory(history().setDeviceId("nope").build()))))
                .containsExactly("device_id");
        assertThat(fields(failure(() -> activity.listCommandHistory(history().setEventId("nope").build()))))
                .containsExactly("event_id");
        assertThat(fields(failure(() -> activity.listCommandHistory(history().setDeviceIdentifier("d".repeat(129))
                .build())))).containsExactly("device_identifier");
        Timestamp now = Timestamp.newBuilder().setSeconds(Instant.now().getEpochSecond()).build();
        assertThat(fields(failure(() -> activity.listCommandHistory(history().setDeviceIdentifier("a").setFrom(now)
                .setTo(now).build())))).containsExactly("to");
        assertThat(fields(failure(() -> activity.listCommandHistory(history().setDeviceIdentifier("a").setPageSize(-1)
                .build())))).containsExactly("page_size");
        assertThat(fields(failure(() -> activity.listCommandHistory(history().setDeviceIdentifier("a")
                .setPageToken("garbage!").build())))).containsExactly("page_token");
        var unknown = failure(() -> activity.listCommandHistory(history().setDeviceIdentifier("no-such-device").build()));
        assertThat(unknown.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(unknown.getStatus().getDescription()).contains("no-such-device");
        var unauthenticated = failure(() -> fleet.activity("fk_nonexistentkey1_" + "a".repeat(40))
                .listCommandHistory(history().setDeviceIdentifier("a").build()));
        assertThat(unauthenticated.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    }

    @Test
    void listActivityByDeviceAlsoShowsTheEventsThatCommandedIt() {
        Story s = story("hist-activity");
        var activity = s.fleet().viewerActivity();
        List<ActivityEntry> h0 = activity.listActivity(ListActivityRequest.newBuilder()
                .setDeviceIdentifier(identifier("h", 0)).build()).getEntriesList();
        assertThat(h0).extracting(ActivityEntry::getType).containsExactly("operator_command_accepted", "curtailment_started");
        assertThat(h0.get(1).getEventId()).isEqualTo(s.event());
        // h-2 was never commanded by the event
        assertThat(activity.listActivity(ListActivityRequest.newBuilder().setDeviceIdentifier(identifier("h", 2)).build())
                .getEntriesList()).isEmpty();
    }

    private static long nanos(Timestamp t) {
        return t.getSeconds() * 1_000_000_000L + t.getNanos();
    }
}
