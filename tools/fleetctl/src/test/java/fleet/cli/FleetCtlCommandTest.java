package fleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.util.JsonFormat;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import fleet.curtailment.v1.CurtailmentEvent;
import fleet.curtailment.v1.CurtailmentEventState;
import fleet.curtailment.v1.CurtailmentMode;
import fleet.curtailment.v1.CurtailmentPriority;
import fleet.curtailment.v1.CurtailmentTargetState;
import fleet.curtailment.v1.FixedKwParams;
import fleet.curtailment.v1.GetCurtailmentEventResponse;
import fleet.curtailment.v1.RegisterDevicesRequest;
import fleet.curtailment.v1.StartCurtailmentRequest;
import fleet.curtailment.v1.StartCurtailmentResponse;
import fleet.curtailment.v1.StopCurtailmentRequest;
import fleet.curtailment.v1.StopCurtailmentResponse;
import fleet.curtailment.v1.TargetRollup;
import fleet.curtailment.v1.TargetStateCount;
import fleet.curtailment.v1.AdminTerminateEventRequest;
import fleet.curtailment.v1.UpdateCurtailmentEventRequest;
import fleet.curtailment.v1.UpdateCurtailmentEventResponse;
import fleet.curtailment.v1.WatchCurtailmentEventResponse;
import io.grpc.protobuf.StatusProto;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * fleetctl end to end against a scripted gRPC server: the requests each command sends, what it prints, and its exit
 * codes (0 ok, 1 the server said no, 2 usage). The run against the real api-service is the demo's.
 */
class FleetCtlCommandTest {

    private static final String EVENT = "6f1c1b8e-3c1a-4a53-9d7e-2b9b0a1e4c11";

    private FakeApi api;

    record Run(int exitCode, String out, String err) {
    }

    @BeforeEach
    void start() throws Exception {
        api = new FakeApi();
        Secrets.environment = name -> "FLEET_TOKEN".equals(name) ? "fk_test_token" : null;
    }

    @AfterEach
    void stop() {
        api.close();
        Secrets.environment = System::getenv;
    }

    /** The token comes from FLEET_TOKEN, as it should (a --token flag would add a warning to stderr). */
    private Run run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--server", api.address()));
        return runExactly(all.toArray(String[]::new));
    }

    private static Run runExactly(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = FleetCtl.configure(new CommandLine(new FleetCtl()));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private static CurtailmentEvent event(CurtailmentEventState state, double confirmedKw, TargetStateCount... counts) {
        TargetRollup.Builder rollup = TargetRollup.newBuilder().setConfirmedReductionKw(confirmedKw);
        int total = 0;
        for (TargetStateCount c : counts) {
            rollup.addByState(c);
            total += c.getCount();
        }
        return CurtailmentEvent.newBuilder().setEventId(EVENT).setState(state)
                .setMode(CurtailmentMode.CURTAILMENT_MODE_FIXED_KW)
                .setFixedKw(FixedKwParams.newBuilder().setTargetKw(100)).setReason("grid event")
                .setRollup(rollup.setTotal(total)).build();
    }

    private static TargetStateCount count(CurtailmentTargetState state, int n) {
        return TargetStateCount.newBuilder().setState(state).setCount(n).build();
    }

    @Test
    void stopSendsForceAndReasonWithTheBearerTokenAndPrintsTheEvent() {
        api.stopResponse = StopCurtailmentResponse.newBuilder().setEvent(event(
                CurtailmentEventState.CURTAILMENT_EVENT_STATE_RESTORING, 0,
                count(CurtailmentTargetState.CURTAILMENT_TARGET_STATE_PENDING, 3))).build();

        Run r = run("curtail", "stop", EVENT, "--force", "--reason", "breaker trip");

        assertThat(r.exitCode()).isZero();
        assertThat(api.requests(StopCurtailmentRequest.class)).containsExactly(StopCurtailmentRequest.newBuilder()
                .setEventId(EVENT).setForce(true).setReason("breaker trip").build());
        assertThat(api.authorizations).containsExactly("Bearer fk_test_token");
        assertThat(r.out()).contains("RESTORING", "3 (PENDING 3)");
    }

    @Test
    void updateSendsOnlyTheGivenFieldsAndPrintsWhatChanged() {
        CurtailmentEvent restoring = event(CurtailmentEventState.CURTAILMENT_EVENT_STATE_RESTORING, 0,
                count(CurtailmentTargetState.CURTAILMENT_TARGET_STATE_PENDING, 3));
        api.updateResponse = UpdateCurtailmentEventResponse.newBuilder().setEvent(restoring)
                .addChangedFields("restore_batch_size").build();

        Run r = run("curtail", "update", EVENT, "--restore-batch-size", "50", "--restore-interval", "30");

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(api.requests(UpdateCurtailmentEventRequest.class)).containsExactly(UpdateCurtailmentEventRequest
                .newBuilder().setEventId(EVENT).setRestoreBatchIntervalSec(30).setRestoreBatchSize(50).build());
        assertThat(r.out()).contains("RESTORING", "changed: restore_batch_size");

        api.updateResponse = UpdateCurtailmentEventResponse.newBuilder().setEvent(restoring).build();
        assertThat(run("curtail", "update", EVENT, "--restore-batch-size", "50").out())
                .contains("nothing changed: every value was already in effect");
    }

    @Test
    void listActivePagesAndPrintsTheNextToken() {
        api.activeResponse = fleet.curtailment.v1.ListActiveCurtailmentsResponse.newBuilder()
                .addEvents(event(CurtailmentEventState.CURTAILMENT_EVENT_STATE_ACTIVE, 42,
                        count(CurtailmentTargetState.CURTAILMENT_TARGET_STATE_CONFIRMED, 2)))
                .setNextPageToken("next-page").build();

        Run r = run("curtail", "list", "--active", "--page-size", "1", "--page-token", "this-page");

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(api.requests(fleet.curtailment.v1.ListActiveCurtailmentsRequest.class)).containsExactly(
                fleet.curtailment.v1.ListActiveCurtailmentsRequest.newBuilder().setPageSize(1).setPageToken("this-page")
                        .build());
        assertThat(r.out()).contains(EVENT, "ACTIVE", "more: --page-token next-page");
    }

    @Test
    void aRefusalIsOneLineWithCodeReasonAndMetadataAndExitsOne() {
        api.failWith = StatusProto.toStatusRuntimeException(com.google.rpc.Status.newBuilder()
                .setCode(Code.FAILED_PRECONDITION_VALUE).setMessage("the event must stay curtailed 540 s more")
                .addDetails(Any.pack(ErrorInfo.newBuilder().setReason("MIN_CURTAILED_DURATION_NOT_ELAPSED")
                        .setDomain("curtailment").putMetadata("remaining_sec", "540").build())).build());

        Run r = run("curtail", "stop", EVENT);

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err().strip()).doesNotContain("\n").isEqualTo("error: FAILED_PRECONDITION: the event must stay"
                + " curtailed 540 s more [reason MIN_CURTAILED_DURATION_NOT_ELAPSED remaining_sec=540]");
    }

    @Test
    void fieldViolationsAreNamedOnTheErrorLine() {
        api.failWith = StatusProto.toStatusRuntimeException(com.google.rpc.Status.newBuilder()
                .setCode(Code.INVALID_ARGUMENT_VALUE).setMessage("reason: is required")
                .addDetails(Any.pack(BadRequest.newBuilder().addFieldViolations(BadRequest.FieldViolation.newBuilder()
                        .setField("reason").setDescription("is required and must not be blank")).build())).build());

        Run r = run("curtail", "terminate", EVENT, "--state", "FAILED", "--reason", " ");

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("error: INVALID_ARGUMENT", "[fields: reason is required and must not be blank]");
        assertThat(api.requests(AdminTerminateEventRequest.class).get(0).getTargetState())
                .isEqualTo(CurtailmentEventState.CURTAILMENT_EVENT_STATE_FAILED);
    }

    @Test
    void usageErrorsExitTwoWithoutCallingTheServer() {
        assertThat(run("curtail", "start", "--whole-org", "--mode", "full-fleet").exitCode()).as("no --reason").isEqualTo(2);
        assertThat(run("curtail", "start", "--whole-org", "--mode", "fixed-kw", "--reason", "x").exitCode())
                .as("fixed-kw without --target-kw").isEqualTo(2);
        assertThat(run("curtail", "start", "--whole-org", "--racks", "r1", "--mode", "full-fleet", "--reason", "x")
                .exitCode()).as("two scopes").isEqualTo(2);
        assertThat(run("curtail", "update", EVENT).exitCode()).as("nothing to update").isEqualTo(2);
        assertThat(run("devices", "register").exitCode()).as("no source").isEqualTo(2);
        assertThat(runExactly("curtail", "get", EVENT, "--server", api.address(), "--token", " ").exitCode())
                .as("blank token").isEqualTo(2);
        assertThat(api.requests).isEmpty();
    }

    @Test
    void startBuildsTheRequestFromItsOptions() {
        api.startResponse = StartCurtailmentResponse.newBuilder().setEvent(event(
                CurtailmentEventState.CURTAILMENT_EVENT_STATE_PENDING, 0,
                count(CurtailmentTargetState.CURTAILMENT_TARGET_STATE_PENDING, 2))).build();

        Run r = run("curtail", "start", "--devices", "sim-00001,sim-00002", "--mode", "fixed-kw", "--target-kw", "6.5",
                "--tolerance-kw", "0.5", "--reason", "price spike", "--priority", "EMERGENCY", "--restore-batch-size", "2",
                "--restore-interval", "30", "--idempotency-key", "k1");

        assertThat(r.exitCode()).as(r.err()).isZero();
        StartCurtailmentRequest sent = api.requests(StartCurtailmentRequest.class).get(0);
        assertThat(sent.getScope().getDeviceIdentifiers().getIdentifiersList()).containsExactly("sim-00001", "sim-00002");
        assertThat(sent.getMode()).isEqualTo(CurtailmentMode.CURTAILMENT_MODE_FIXED_KW);
        assertThat(sent.getFixedKw()).isEqualTo(FixedKwParams.newBuilder().setTargetKw(6.5).setToleranceKw(0.5).build());
        assertThat(sent.getPriority()).isEqualTo(CurtailmentPriority.CURTAILMENT_PRIORITY_EMERGENCY);
        assertThat(sent.getRestoreBatchSize()).isEqualTo(2);
        assertThat(sent.getRestoreBatchIntervalSec()).isEqualTo(30);
        assertThat(sent.getIdempotencyKey()).isEqualTo("k1");
        assertThat(r.out()).contains(EVENT, "PENDING");
    }

    @Test
    void jsonOutputIsTheResponseInProtobufJson() throws Exception {
        api.getResponse = GetCurtailmentEventResponse.newBuilder().setEvent(event(
                CurtailmentEventState.CURTAILMENT_EVENT_STATE_ACTIVE, 6.8,
                count(CurtailmentTargetState.CURTAILMENT_TARGET_STATE_CONFIRMED, 2))).setNextTargetPageToken("t").build();

        Run r = run("curtail", "get", EVENT, "-o", "json");

        assertThat(r.exitCode()).isZero();
        GetCurtailmentEventResponse.Builder parsed = GetCurtailmentEventResponse.newBuilder();
        JsonFormat.parser().merge(r.out(), parsed);
        assertThat(parsed.build()).isEqualTo(api.getResponse);
        assertThat(r.out()).contains("\"confirmed_reduction_kw\": 6.8");
    }

    @Test
    void watchDrawsProgressAndExitsZeroAfterTheTerminalState() {
        api.watchMessages = List.of(
                WatchCurtailmentEventResponse.newBuilder().setSnapshot(true).setSequence(1).setEvent(event(
                        CurtailmentEventState.CURTAILMENT_EVENT_STATE_PENDING, 0,
                        count(CurtailmentTargetState.CURTAILMENT_TARGET_STATE_DISPATCHED, 2))).build(),
                WatchCurtailmentEventResponse.newBuilder().setSequence(2).setEvent(event(
                        CurtailmentEventState.CURTAILMENT_EVENT_STATE_ACTIVE, 50,
                        count(CurtailmentTargetState.CURTAILMENT_TARGET_STATE_CONFIRMED, 2))).build(),
                WatchCurtailmentEventResponse.newBuilder().setSequence(3).setEvent(event(
                        CurtailmentEventState.CURTAILMENT_EVENT_STATE_COMPLETED, 0,
                        count(CurtailmentTargetState.CURTAILMENT_TARGET_STATE_RESOLVED, 2))).build());

        Run r = run("curtail", "watch", EVENT);

        assertThat(r.exitCode()).isZero();
        assertThat(r.out().lines().toList()).containsExactly(
                "PENDING                 [------------------------]   0% 0.0/100.0 kW confirmed  DISPATCHED 2",
                "ACTIVE                  [############------------]  50% 50.0/100.0 kW confirmed  CONFIRMED 2",
                "COMPLETED               [########################] 100% 2/2 restored  RESOLVED 2",
                "event " + EVENT + " ended COMPLETED");
    }

    @Test
    void registerGeneratesASimulatorFleetInBatchesOfTenThousand() {
        Run r = run("devices", "register", "--count", "10001", "--first-address", "127.1.0.254");

        assertThat(r.exitCode()).as(r.err()).isZero();
        List<RegisterDevicesRequest> sent = api.requests(RegisterDevicesRequest.class);
        assertThat(sent).extracting(RegisterDevicesRequest::getDevicesCount).containsExactly(10_000, 1);
        var first = sent.get(0).getDevicesList();
        assertThat(first.subList(0, 3)).extracting(d -> d.getIdentifier() + "@" + d.getHost() + ":" + d.getPort() + "/"
                + d.getDriver()).containsExactly("sim-00001@127.1.0.254:4028/luxos", "sim-00002@127.1.0.255:4028/luxos",
                "sim-00003@127.1.1.0:4028/luxos");
        assertThat(sent.get(1).getDevices(0).getIdentifier()).isEqualTo("sim-10001");
        assertThat(r.out()).contains("registered 10001 devices: 10001 created, 0 updated");
    }

    private static fleet.curtailment.v1.CommandHistoryEntry.Builder sleep(int attempt, String outcome, Integer code) {
        var e = fleet.curtailment.v1.CommandHistoryEntry.newBuilder()
                .setSource(fleet.curtailment.v1.CommandSource.COMMAND_SOURCE_CURTAILMENT)
                .setOccurredAt(com.google.protobuf.Timestamp.newBuilder().setSeconds(1_796_267_520L))
                .setSentAt(com.google.protobuf.Timestamp.newBuilder().setSeconds(1_796_267_520L))
                .setDeviceIdentifier("sim-00007").setAction("CURTAIL").setAttempt(attempt).setOutcome(outcome)
                .setActorType(fleet.curtailment.v1.ActorType.ACTOR_TYPE_CURTAILMENT).setActorId(EVENT).setEventId(EVENT)
                .setEventReason("ERCOT 4CP peak").setEventCreatorType(fleet.curtailment.v1.ActorType.ACTOR_TYPE_API_KEY)
                .setEventCreatorId("k1a2b3c4d5e6");
        if (code != null) {
            e.setReplyCode(code);
        }
        return e;
    }

    @Test
    void devicesHistoryFollowsEveryPageAndPrintsWhoWhyAndTheFirmwaresReply() {
        var reboot = fleet.curtailment.v1.CommandHistoryEntry.newBuilder()
                .setSource(fleet.curtailment.v1.CommandSource.COMMAND_SOURCE_OPERATOR)
                .setOccurredAt(com.google.protobuf.Timestamp.newBuilder().setSeconds(1_796_270_000L))
                .setDeviceIdentifier("sim-00007").setAction("REBOOT").setAttempt(1).setOutcome("SUCCEEDED")
                .setActorType(fleet.curtailment.v1.ActorType.ACTOR_TYPE_USER).setActorId("7c9e6679").setReason("fan noise");
        api.historyPages = List.of(
                fleet.curtailment.v1.ListCommandHistoryResponse.newBuilder().addEntries(reboot)
                        .addEntries(sleep(2, "ACCEPTED", 335).setAction("RESTORE")).setNextPageToken("p2").build(),
                fleet.curtailment.v1.ListCommandHistoryResponse.newBuilder().addEntries(sleep(2, "ACCEPTED", 335))
                        .addEntries(sleep(1, "TIMEOUT", null)).build());

        Run r = run("devices", "history", "sim-00007", "--event", EVENT, "--since", "2026-12-03T03:00:00Z",
                "--until", "2026-12-03T04:00:00Z", "--page-size", "2", "--all");

        assertThat(r.exitCode()).as(r.err()).isZero();
        var sent = api.requests(fleet.curtailment.v1.ListCommandHistoryRequest.class);
        assertThat(sent).hasSize(2);
        assertThat(sent.get(0).getDeviceIdentifier()).isEqualTo("sim-00007");
        assertThat(sent.get(0).getEventId()).isEqualTo(EVENT);
        assertThat(sent.get(0).getPageSize()).isEqualTo(2);
        assertThat(sent.get(0).getFrom().getSeconds()).isEqualTo(java.time.Instant.parse("2026-12-03T03:00:00Z").getEpochSecond());
        assertThat(sent.get(0).getTo().getSeconds()).isEqualTo(java.time.Instant.parse("2026-12-03T04:00:00Z").getEpochSecond());
        assertThat(sent.get(0).getPageToken()).isEmpty();
        assertThat(sent.get(1).getPageToken()).isEqualTo("p2");
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(5);
        assertThat(lines.get(0)).startsWith("TIME").contains("ACTION", "OUTCOME", "ATTEMPT", "BY", "EVENT", "REASON");
        assertThat(lines.get(1)).contains("REBOOT", "SUCCEEDED", "user 7c9e6679", "fan noise");
        assertThat(lines.get(2)).contains("RESTORE", "ACCEPTED (335)", "api_key k1a2b3c4d5e6", EVENT, "ERCOT 4CP peak");
        assertThat(lines.get(3)).contains("CURTAIL", "ACCEPTED (335)", "  2  ");
        assertThat(lines.get(4)).contains("CURTAIL", "TIMEOUT", "api_key k1a2b3c4d5e6").doesNotContain("(");
    }

    @Test
    void devicesHistoryTakesAnAgeForSinceAndNeedsADeviceOrAnEvent() throws Exception {
        long before = java.time.Instant.now().minus(java.time.Duration.ofHours(24)).getEpochSecond();
        Run r = run("devices", "history", "sim-00007", "--since", "24h", "-o", "json");
        long after = java.time.Instant.now().minus(java.time.Duration.ofHours(24)).getEpochSecond();
        assertThat(r.exitCode()).as(r.err()).isZero();
        var sent = api.requests(fleet.curtailment.v1.ListCommandHistoryRequest.class);
        assertThat(sent.get(0).getFrom().getSeconds()).isBetween(before, after);
        assertThat(sent.get(0).hasTo()).isFalse();
        var parsed = fleet.curtailment.v1.ListCommandHistoryResponse.newBuilder();
        JsonFormat.parser().merge(r.out(), parsed);
        assertThat(parsed.getEntriesCount()).isZero();

        Run neither = run("devices", "history");
        assertThat(neither.exitCode()).isEqualTo(2);
        assertThat(neither.err()).contains("IDENTIFIER");
        assertThat(api.requests(fleet.curtailment.v1.ListCommandHistoryRequest.class)).hasSize(1);
    }
}
