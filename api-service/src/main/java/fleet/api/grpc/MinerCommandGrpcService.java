package fleet.api.grpc;

import fleet.api.app.ScopeProtos;
import fleet.api.app.commands.AcceptCommand;
import fleet.api.app.commands.CommandBatchView;
import fleet.api.app.commands.CommandKind;
import fleet.api.app.commands.CommandQueries;
import fleet.api.app.commands.CommandQueries.BatchCursor;
import fleet.api.app.commands.CommandRequest;
import fleet.api.app.commands.CommandView;
import fleet.api.auth.Authenticator;
import fleet.api.error.Violations;
import fleet.api.paging.PageTokens;
import fleet.auth.Role;
import fleet.curtailment.v1.CheckCommandCapabilitiesRequest;
import fleet.curtailment.v1.CheckCommandCapabilitiesResponse;
import fleet.curtailment.v1.CommandBatch;
import fleet.curtailment.v1.CommandState;
import fleet.curtailment.v1.DeviceCommandCapability;
import fleet.curtailment.v1.DeviceSelector;
import fleet.curtailment.v1.GetCommandBatchRequest;
import fleet.curtailment.v1.MutinyMinerCommandServiceGrpc;
import fleet.curtailment.v1.OperatorCommand;
import fleet.curtailment.v1.RebootRequest;
import fleet.curtailment.v1.SetPowerTargetRequest;
import fleet.curtailment.v1.StartMiningRequest;
import fleet.curtailment.v1.StopMiningRequest;
import fleet.domain.scope.DeviceScope;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.util.UUID;

/**
 * MinerCommandService (SPEC §7.4): the four operator commands (OPERATOR), queued durably by {@link AcceptCommand} and
 * executed by the reconciler-service; capability checks and batch reads (VIEWER).
 */
@GrpcService
public class MinerCommandGrpcService extends MutinyMinerCommandServiceGrpc.MinerCommandServiceImplBase {

    public static final int MIN_POWER_TARGET_W = 100;
    public static final int MAX_POWER_TARGET_W = 20_000;
    private static final int MAX_REASON = 256;

    @Inject
    Authenticator auth;

    @Inject
    Pool pool;

    @Inject
    AcceptCommand accepter;

    @Override
    public Uni<CommandBatch> reboot(RebootRequest request) {
        return auth.require(Role.OPERATOR).chain(caller -> accepter.accept(caller,
                        command(CommandKind.REBOOT, request.getSelector(), request.hasSelector(), request.getReason(), null)))
                .map(MinerCommandGrpcService::batch);
    }

    @Override
    public Uni<CommandBatch> setPowerTarget(SetPowerTargetRequest request) {
        return auth.require(Role.OPERATOR).chain(caller -> accepter.accept(caller,
                        command(CommandKind.SET_POWER_TARGET, request.getSelector(), request.hasSelector(),
                                request.getReason(), request.getPowerTargetW())))
                .map(MinerCommandGrpcService::batch);
    }

    @Override
    public Uni<CommandBatch> startMining(StartMiningRequest request) {
        return auth.require(Role.OPERATOR).chain(caller -> accepter.accept(caller,
                        command(CommandKind.START_MINING, request.getSelector(), request.hasSelector(), request.getReason(),
                                null)))
                .map(MinerCommandGrpcService::batch);
    }

    @Override
    public Uni<CommandBatch> stopMining(StopMiningRequest request) {
        return auth.require(Role.OPERATOR).chain(caller -> accepter.accept(caller,
                        command(CommandKind.STOP_MINING, request.getSelector(), request.hasSelector(), request.getReason(),
                                null)))
                .map(MinerCommandGrpcService::batch);
    }

    @Override
    public Uni<CheckCommandCapabilitiesResponse> checkCommandCapabilities(CheckCommandCapabilitiesRequest request) {
        return auth.require(Role.VIEWER).chain(caller -> {
            Violations v = new Violations();
            DeviceScope scope = ScopeProtos.selector(v, "selector", request.getSelector(), request.hasSelector());
            CommandKind kind = CommandKind.fromWire(request.getCommand()).orElse(null);
            if (kind == null) {
                v.add("command", "must be a command type (REBOOT, SET_POWER_TARGET, START_MINING, STOP_MINING, CURTAIL"
                        + " or UNCURTAIL)");
            }
            v.throwIfAny();
            return CommandQueries.capabilities(pool, caller.orgId(), scope, kind).map(devices -> {
                CheckCommandCapabilitiesResponse.Builder out = CheckCommandCapabilitiesResponse.newBuilder();
                devices.forEach(d -> out.addDevices(DeviceCommandCapability.newBuilder()
                        .setDeviceId(d.deviceId().toString()).setDeviceIdentifier(d.identifier())
                        .setSupported(d.supported()).setReason(d.reason())));
                return out.build();
            });
        });
    }

    @Override
    public Uni<CommandBatch> getCommandBatch(GetCommandBatchRequest request) {
        return auth.require(Role.VIEWER).chain(caller -> {
            Violations v = new Violations();
            UUID batchId = v.uuid("batch_id", request.getBatchId(), true);
            int pageSize = PageTokens.pageSize(v.int32("page_size", request.getPageSize()), CommandQueries.DEFAULT_PAGE,
                    CommandQueries.MAX_PAGE);
            v.throwIfAny();
            String filters = "command_batch|" + batchId;
            BatchCursor after = PageTokens.decode("page_token", request.getPageToken(), filters, BatchCursor.KEY);
            return CommandQueries.batch(pool, caller.orgId(), batchId, pageSize, after).map(page -> {
                CommandBatch.Builder out = batch(page.batch()).toBuilder().setTotalCommands((int) page.total());
                if (page.next() != null) {
                    out.setNextPageToken(PageTokens.encode(filters, BatchCursor.KEY, page.next()));
                }
                return out.build();
            });
        });
    }

    /** Validates the fields every command shares; {@code powerTargetW} only for SetPowerTarget (wire uint32). */
    private static CommandRequest command(CommandKind kind, DeviceSelector selector, boolean hasSelector, String reason,
            Integer powerTargetW) {
        Violations v = new Violations();
        DeviceScope scope = ScopeProtos.selector(v, "selector", selector, hasSelector);
        String text = v.text("reason", reason, MAX_REASON);
        JsonObject params = new JsonObject();
        if (powerTargetW != null) {
            params.put("power_target_w", v.bounded("power_target_w", powerTargetW, MIN_POWER_TARGET_W, MAX_POWER_TARGET_W));
        }
        v.throwIfAny();
        return new CommandRequest(kind, scope, params, text);
    }

    static CommandBatch batch(CommandBatchView view) {
        CommandBatch.Builder out = CommandBatch.newBuilder().setBatchId(view.batchId().toString())
                .setType(view.kind().wire()).setActorType(EventMapping.actor(view.actorType()))
                .setActorId(view.actorId());
        if (view.createdAt() != null) {
            out.setCreatedAt(ProtoTime.of(view.createdAt()));
        }
        view.commands().forEach(c -> out.addCommands(command(c)));
        return out.setTotalCommands(view.commands().size()).build();
    }

    private static OperatorCommand command(CommandView c) {
        OperatorCommand.Builder out = OperatorCommand.newBuilder().setCommandId(c.id().toString())
                .setDeviceId(c.deviceId().toString()).setDeviceIdentifier(c.deviceIdentifier())
                .setType(c.kind().wire()).setState(state(c.state())).setAttempts(c.attempts())
                .setCreatedAt(ProtoTime.of(c.createdAt()));
        if (c.lastError() != null) {
            out.setLastError(c.lastError());
        }
        if (c.finishedAt() != null) {
            out.setFinishedAt(ProtoTime.of(c.finishedAt()));
        }
        return out.build();
    }

    static CommandState state(String db) {
        return switch (db) {
            case "QUEUED" -> CommandState.COMMAND_STATE_QUEUED;
            case "RUNNING" -> CommandState.COMMAND_STATE_RUNNING;
            case "SUCCEEDED" -> CommandState.COMMAND_STATE_SUCCEEDED;
            case "FAILED" -> CommandState.COMMAND_STATE_FAILED;
            case "BLOCKED_BY_CURTAILMENT" -> CommandState.COMMAND_STATE_BLOCKED_BY_CURTAILMENT;
            case "UNSUPPORTED" -> CommandState.COMMAND_STATE_UNSUPPORTED;
            case "RETRY_WAIT" -> CommandState.COMMAND_STATE_RETRY_WAIT;
            default -> CommandState.COMMAND_STATE_UNSPECIFIED;
        };
    }
}
