package fleet.api.commands;

import static fleet.api.Errors.failure;
import static fleet.api.Errors.fields;
import static fleet.api.Errors.info;
import static fleet.api.TestFleet.devices;
import static fleet.api.TestFleet.identifier;
import static fleet.api.TestFleet.keyId;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.rpc.ErrorInfo;
import fleet.api.TestFleet;
import fleet.curtailment.v1.ActorType;
import fleet.curtailment.v1.CheckCommandCapabilitiesRequest;
import fleet.curtailment.v1.CommandBatch;
import fleet.curtailment.v1.CommandState;
import fleet.curtailment.v1.CommandType;
import fleet.curtailment.v1.CreateSiteRequest;
import fleet.curtailment.v1.DeviceCommandCapability;
import fleet.curtailment.v1.DeviceIdentifierList;
import fleet.curtailment.v1.DeviceSelector;
import fleet.curtailment.v1.GetCommandBatchRequest;
import fleet.curtailment.v1.IdList;
import fleet.curtailment.v1.RebootRequest;
import fleet.curtailment.v1.SetPowerTargetRequest;
import fleet.curtailment.v1.StartMiningRequest;
import fleet.curtailment.v1.StopMiningRequest;
import fleet.testsupport.PostgresTestResource;
import io.grpc.Status;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * MinerCommandService (SPEC §7.4) over real gRPC against real PostgreSQL: the curtailment preflight filter, the
 * durable queue exactly as the executor reads it, capability checks, validation and tenancy. Execution itself is
 * proven in the reconciler-service (fleet.reconciler.commands.CommandExecutorTest).
 */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL)
class MinerCommandApiTest {

    private static RebootRequest reboot(DeviceSelector selector) {
        return RebootRequest.newBuilder().setSelector(selector).setReason("firmware hang").build();
    }

    @Test
    void rebootOfADeviceInALiveEventFailsPreconditionWithItsIdentifierAndQueuesNothing() {
        TestFleet fleet = new TestFleet("cmd-blocked");
        fleet.addMiners("b", 3, "luxos");
        String event = fleet.curtail(fleet.org.operatorKey(), identifier("b", 0));
        long activityBefore = fleet.activityRows("command_blocked_by_curtailment");

        var e = failure(() -> fleet.operatorCommands().reboot(reboot(devices(identifier("b", 0), identifier("b", 1)))));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(e.getStatus().getDescription()).isEqualTo("1 of 2 devices are part of an active curtailment event");
        ErrorInfo info = info(e).orElseThrow();
        assertThat(info.getReason()).isEqualTo("DEVICES_IN_ACTIVE_CURTAILMENT");
        assertThat(info.getDomain()).isEqualTo("curtailment");
        assertThat(info.getMetadataMap()).containsEntry("blocked_identifiers", identifier("b", 0))
                .containsEntry("blocked_count", "1").containsEntry("device_count", "2")
                .containsEntry("event_ids", event).containsEntry("event." + event, identifier("b", 0));
        assertThat(fleet.commandRows()).isZero();
        // the refusal itself is audited, attributed to the caller, tied to the event and the device
        assertThat(fleet.activityRows("command_blocked_by_curtailment")).isEqualTo(activityBefore + 1);
        Map<String, Object> row = fleet.rows("SELECT actor_type, actor_id, event_id::text AS event, device_id,"
                + " metadata ->> 'stage' AS stage, metadata -> 'blocked_identifiers_by_event' ->> ? AS listed"
                + " FROM activity_log WHERE org_id = ? AND type = 'command_blocked_by_curtailment'", event, fleet.org.orgId()).get(0);
        assertThat(row.get("actor_type")).isEqualTo("api_key");
        assertThat(row.get("actor_id")).isEqualTo(keyId(fleet.org.operatorKey()));
        assertThat(row.get("event")).isEqualTo(event);
        assertThat(row.get("stage")).isEqualTo("accept");
        assertThat((String) row.get("listed")).contains(identifier("b", 0));
        assertThat(fleet.activityRows("operator_command_accepted")).isZero();

        // every operator command is filtered, not only Reboot
        var power = failure(() -> fleet.operatorCommands().setPowerTarget(SetPowerTargetRequest.newBuilder()
                .setSelector(devices(identifier("b", 0))).setPowerTargetW(3000).build()));
        assertThat(info(power).orElseThrow().getReason()).isEqualTo("DEVICES_IN_ACTIVE_CURTAILMENT");
        assertThat(fleet.commandRows()).isZero();
    }

    @Test
    void rebootOfTheSameDeviceAfterTheEventCompletedIsQueuedOnceAsTheExecutorReadsIt() {
        TestFleet fleet = new TestFleet("cmd-after");
        fleet.addMiners("a", 2, "luxos");
        String event = fleet.curtail(fleet.org.operatorKey(), identifier("a", 0));
        fleet.complete(event);

        CommandBatch batch = fleet.operatorCommands().reboot(reboot(devices(identifier("a", 0))));

        assertThat(batch.getType()).isEqualTo(CommandType.COMMAND_TYPE_REBOOT);
        assertThat(batch.getActorType()).isEqualTo(ActorType.ACTOR_TYPE_API_KEY);
        assertThat(batch.getActorId()).isEqualTo(keyId(fleet.org.operatorKey()));
        assertThat(batch.getCommandsList()).singleElement().satisfies(c -> {
            assertThat(c.getDeviceIdentifier()).isEqualTo(identifier("a", 0));
            assertThat(c.getState()).isEqualTo(CommandState.COMMAND_STATE_QUEUED);
            assertThat(c.getAttempts()).isZero();
            assertThat(c.hasFinishedAt()).isFalse();
        });
        List<Map<String, Object>> rows = fleet.rows("SELECT batch_id::text AS batch, command_type, state, actor_type,"
                + " actor_id, reason, attempts, max_attempts, params::text AS params, finished_at FROM operator_command"
                + " WHERE org_id = ?", fleet.org.orgId());
        assertThat(rows).singleElement().satisfies(r -> {
            assertThat(r.get("batch")).isEqualTo(batch.getBatchId());
            assertThat(r.get("command_type")).isEqualTo("REBOOT");
            assertThat(r.get("state")).isEqualTo("QUEUED");
            assertThat(r.get("actor_type")).isEqualTo("api_key");
            assertThat(r.get("reason")).isEqualTo("firmware hang");
            assertThat(r.get("attempts")).isEqualTo(0);
            assertThat(r.get("max_attempts")).isEqualTo(5);
            assertThat(r.get("params")).isEqualTo("{}");
            assertThat(r.get("finished_at")).isNull();
        });
        assertThat(fleet.activityRows("operator_command_accepted")).isEqualTo(1);
        assertThat(fleet.activityRows("command_blocked_by_curtailment")).isZero();
        // readable back, by a viewer too
        CommandBatch read = fleet.commands(fleet.org.viewerKey()).getCommandBatch(
                GetCommandBatchRequest.newBuilder().setBatchId(batch.getBatchId()).build());
        assertThat(read).isEqualTo(batch);
    }

    @Test
    void setPowerTargetStoresItsWattsAndASessionCallerIsTheUser() {
        TestFleet fleet = new TestFleet("cmd-power");
        fleet.addMiners("p", 3, "luxos");
        CommandBatch batch = fleet.commands(fleet.operatorSessionToken()).setPowerTarget(SetPowerTargetRequest.newBuilder()
                .setSelector(devices(identifier("p", 2), identifier("p", 0), identifier("p", 2)))
                .setPowerTargetW(2800).build());
        assertThat(batch.getActorType()).isEqualTo(ActorType.ACTOR_TYPE_USER);
        assertThat(batch.getActorId()).isEqualTo(fleet.org.viewerUserId().toString());
        assertThat(batch.getCommandsList()).extracting(c -> c.getDeviceIdentifier())
                .containsExactly(identifier("p", 0), identifier("p", 2));
        assertThat(fleet.rows("SELECT DISTINCT params ->> 'power_target_w' AS w, actor_type FROM operator_command"
                + " WHERE org_id = ?", fleet.org.orgId())).singleElement().satisfies(r -> {
                    assertThat(r.get("w")).isEqualTo("2800");
                    assertThat(r.get("actor_type")).isEqualTo("user");
                });
        // one accepted row for the whole batch, no device (two devices), with the batch id
        assertThat(fleet.rows("SELECT device_id, metadata ->> 'batch_id' AS b, (metadata ->> 'queued')::int AS q"
                + " FROM activity_log WHERE org_id = ? AND type = 'operator_command_accepted'", fleet.org.orgId()))
                .singleElement().satisfies(r -> {
                    assertThat(r.get("device_id")).isNull();
                    assertThat(r.get("b")).isEqualTo(batch.getBatchId());
                    assertThat(r.get("q")).isEqualTo(2);
                });
    }

    @Test
    void devicesLackingTheCapabilityAreRecordedUnsupportedAndTheRestQueued() {
        TestFleet fleet = new TestFleet("cmd-caps");
        fleet.addMiners("lux", 2, "luxos");
        fleet.addMiners("cg", 1, "cgminer");
        CommandBatch batch = fleet.operatorCommands().reboot(reboot(devices(identifier("lux", 0), identifier("cg", 0),
                identifier("lux", 1))));
        Map<String, CommandState> states = batch.getCommandsList().stream().collect(Collectors.toMap(
                c -> c.getDeviceIdentifier(), c -> c.getState()));
        assertThat(states).containsEntry(identifier("lux", 0), CommandState.COMMAND_STATE_QUEUED)
                .containsEntry(identifier("lux", 1), CommandState.COMMAND_STATE_QUEUED)
                .containsEntry(identifier("cg", 0), CommandState.COMMAND_STATE_UNSUPPORTED);
        assertThat(batch.getCommandsList()).filteredOn(c -> c.getState() == CommandState.COMMAND_STATE_UNSUPPORTED)
                .singleElement().satisfies(c -> {
                    assertThat(c.getLastError()).isEqualTo("driver cgminer lacks reboot");
                    assertThat(c.hasFinishedAt()).isTrue();
                });

        // nothing at all supports it: refused as a whole, nothing written
        long rows = fleet.commandRows();
        var e = failure(() -> fleet.operatorCommands().startMining(StartMiningRequest.newBuilder()
                .setSelector(devices(identifier("lux", 0), identifier("cg", 0))).build()));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(info(e).orElseThrow().getReason()).isEqualTo("COMMAND_UNSUPPORTED");
        assertThat(info(e).orElseThrow().getMetadataMap()).containsEntry("unsupported_count", "2");
        assertThat(e.getStatus().getDescription()).contains("driver luxos lacks mining_start_stop")
                .contains("driver cgminer lacks mining_start_stop");
        var stop = failure(() -> fleet.operatorCommands().stopMining(StopMiningRequest.newBuilder()
                .setSelector(devices(identifier("cg", 0))).build()));
        assertThat(info(stop).orElseThrow().getReason()).isEqualTo("COMMAND_UNSUPPORTED");
        assertThat(fleet.commandRows()).isEqualTo(rows);
    }

    @Test
    void checkCommandCapabilitiesReportsATelemetryOnlyDriverAsUnableToCurtail() {
        TestFleet fleet = new TestFleet("cmd-check");
        fleet.addMiners("lux", 2, "luxos");
        fleet.addMiners("cg", 1, "cgminer");
        fleet.addMiners("eff", 1, "luxos");
        fleet.update("UPDATE device SET capabilities = '{curtail_efficiency,power_reported}' WHERE org_id = ? AND identifier = ?",
                fleet.org.orgId(), identifier("eff", 0));
        String event = fleet.curtail(fleet.org.operatorKey(), identifier("lux", 1));
        DeviceSelector all = devices(identifier("lux", 0), identifier("lux", 1), identifier("cg", 0), identifier("eff", 0));
        var viewer = fleet.commands(fleet.org.viewerKey());

        Map<String, DeviceCommandCapability> curtail = check(viewer, all, CommandType.COMMAND_TYPE_CURTAIL);
        assertThat(curtail.get(identifier("cg", 0)).getSupported()).isFalse();
        assertThat(curtail.get(identifier("cg", 0)).getReason()).isEqualTo("driver cgminer lacks curtail_full");
        assertThat(curtail.get(identifier("eff", 0)).getSupported()).isFalse();
        assertThat(curtail.get(identifier("lux", 0)).getSupported()).isTrue();
        assertThat(curtail.get(identifier("lux", 0)).getReason()).isEmpty();
        // the reconciler's own commands bypass the curtailment filter
        assertThat(curtail.get(identifier("lux", 1)).getSupported()).isTrue();

        Map<String, DeviceCommandCapability> uncurtail = check(viewer, all, CommandType.COMMAND_TYPE_UNCURTAIL);
        assertThat(uncurtail.get(identifier("eff", 0)).getSupported()).isTrue();
        assertThat(uncurtail.get(identifier("cg", 0)).getReason())
                .isEqualTo("driver cgminer lacks curtail_full or curtail_efficiency");

        Map<String, DeviceCommandCapability> reboot = check(viewer, all, CommandType.COMMAND_TYPE_REBOOT);
        assertThat(reboot.get(identifier("lux", 0)).getSupported()).isTrue();
        assertThat(reboot.get(identifier("lux", 1)).getSupported()).isFalse();
        assertThat(reboot.get(identifier("lux", 1)).getReason()).isEqualTo("part of active curtailment event " + event);
        assertThat(reboot.get(identifier("cg", 0)).getReason()).isEqualTo("driver cgminer lacks reboot");
        assertThat(check(viewer, all, CommandType.COMMAND_TYPE_SET_POWER_TARGET).get(identifier("lux", 0)).getSupported())
                .isTrue();

        var e = failure(() -> viewer.checkCommandCapabilities(CheckCommandCapabilitiesRequest.newBuilder()
                .setSelector(all).build()));
        assertThat(fields(e)).containsExactly("command");
    }

    private static Map<String, DeviceCommandCapability> check(
            fleet.curtailment.v1.MinerCommandServiceGrpc.MinerCommandServiceBlockingStub stub, DeviceSelector selector,
            CommandType type) {
        return stub.checkCommandCapabilities(CheckCommandCapabilitiesRequest.newBuilder().setSelector(selector)
                        .setCommand(type).build())
                .getDevicesList().stream().collect(Collectors.toMap(DeviceCommandCapability::getDeviceIdentifier, d -> d));
    }

    @Test
    void aTopologyScopeSelectsItsDevicesAndUnknownIdsAreNotFound() {
        TestFleet fleet = new TestFleet("cmd-topo");
        String site = fleet.inventory().createSite(CreateSiteRequest.newBuilder().setName("north").build()).getSiteId();
        fleet.addMiners("s", 3, "luxos", site);
        fleet.addMiners("other", 2, "luxos");
        CommandBatch batch = fleet.operatorCommands().reboot(reboot(DeviceSelector.newBuilder()
                .setSiteIds(IdList.newBuilder().addIds(site)).build()));
        assertThat(batch.getCommandsList()).extracting(c -> c.getDeviceIdentifier())
                .containsExactly(identifier("s", 0), identifier("s", 1), identifier("s", 2));

        String missing = UUID.randomUUID().toString();
        var unknownSite = failure(() -> fleet.operatorCommands().reboot(reboot(DeviceSelector.newBuilder()
                .setSiteIds(IdList.newBuilder().addIds(site).addIds(missing)).build())));
        assertThat(unknownSite.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(info(unknownSite).orElseThrow().getMetadataMap()).containsEntry("missing", missing);

        var unknownDevice = failure(() -> fleet.operatorCommands().reboot(reboot(devices(identifier("s", 0), "nope-1",
                "nope-2"))));
        assertThat(unknownDevice.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(info(unknownDevice).orElseThrow().getMetadataMap()).containsEntry("missing", "nope-1,nope-2");

        // another organization's devices and batches are indistinguishable from missing ones
        TestFleet stranger = new TestFleet("cmd-topo-other");
        var foreign = failure(() -> stranger.operatorCommands().reboot(reboot(devices(identifier("s", 0)))));
        assertThat(foreign.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        var foreignBatch = failure(() -> stranger.commands(stranger.org.viewerKey()).getCommandBatch(
                GetCommandBatchRequest.newBuilder().setBatchId(batch.getBatchId()).build()));
        assertThat(foreignBatch.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);

        // an empty site of the organization resolves to nothing: refused, nothing written
        long rows = fleet.commandRows();
        String empty = fleet.inventory().createSite(CreateSiteRequest.newBuilder().setName("empty").build()).getSiteId();
        var none = failure(() -> fleet.operatorCommands().reboot(reboot(DeviceSelector.newBuilder()
                .setSiteIds(IdList.newBuilder().addIds(empty)).build())));
        assertThat(info(none).orElseThrow().getReason()).isEqualTo("NO_DEVICES_IN_SCOPE");
        assertThat(fleet.commandRows()).isEqualTo(rows);
    }

    @Test
    void everyFieldIsValidatedStrictlyAndNamedInTheError() {
        TestFleet fleet = new TestFleet("cmd-validate");
        fleet.addMiners("v", 1, "luxos");
        var ops = fleet.operatorCommands();
        DeviceSelector one = devices(identifier("v", 0));

        assertThat(fields(failure(() -> ops.setPowerTarget(SetPowerTargetRequest.newBuilder().setSelector(one)
                .setPowerTargetW(99).build())))).containsExactly("power_target_w");
        assertThat(fields(failure(() -> ops.setPowerTarget(SetPowerTargetRequest.newBuilder().setSelector(one)
                .setPowerTargetW(20_001).build())))).containsExactly("power_target_w");
        var overflow = failure(() -> ops.setPowerTarget(SetPowerTargetRequest.newBuilder().setSelector(one)
                .setPowerTargetW(-1).build())); // uint32 4 294 967 295 on the wire
        assertThat(overflow.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(fields(overflow)).containsExactly("power_target_w");
        assertThat(overflow.getStatus().getDescription()).contains("4294967295");
        assertThat(ops.setPowerTarget(SetPowerTargetRequest.newBuilder().setSelector(one).setPowerTargetW(20_000).build())
                .getCommandsCount()).isEqualTo(1);

        assertThat(fields(failure(() -> ops.reboot(RebootRequest.newBuilder().setReason("x").build()))))
                .containsExactly("selector");
        assertThat(fields(failure(() -> ops.reboot(RebootRequest.newBuilder().setSelector(one).setReason("r".repeat(257))
                .build())))).containsExactly("reason");
        assertThat(fields(failure(() -> ops.reboot(reboot(DeviceSelector.newBuilder()
                .setRackIds(IdList.newBuilder().addIds("not-a-uuid")).build())))))
                .containsExactly("selector.rack_ids.ids[0]");
        List<String> tooMany = new ArrayList<>();
        for (int i = 0; i <= 10_000; i++) {
            tooMany.add("d-" + i);
        }
        assertThat(fields(failure(() -> ops.reboot(reboot(DeviceSelector.newBuilder().setDeviceIdentifiers(
                DeviceIdentifierList.newBuilder().addAllIdentifiers(tooMany)).build())))))
                .containsExactly("selector.device_identifiers.identifiers");
        assertThat(fields(failure(() -> fleet.commands(fleet.org.viewerKey()).getCommandBatch(
                GetCommandBatchRequest.newBuilder().setBatchId("x").build())))).containsExactly("batch_id");
    }

    @Test
    void aViewerMayCheckAndReadButNotCommand() {
        TestFleet fleet = new TestFleet("cmd-roles");
        fleet.addMiners("r", 1, "luxos");
        var viewer = fleet.commands(fleet.org.viewerKey());
        var e = failure(() -> viewer.reboot(reboot(devices(identifier("r", 0)))));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(fleet.commandRows()).isZero();
        assertThat(viewer.checkCommandCapabilities(CheckCommandCapabilitiesRequest.newBuilder()
                .setSelector(devices(identifier("r", 0))).setCommand(CommandType.COMMAND_TYPE_REBOOT).build())
                .getDevices(0).getSupported()).isTrue();
    }
}
