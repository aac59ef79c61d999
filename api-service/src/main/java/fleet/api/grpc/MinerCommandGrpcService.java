package fleet.api.grpc;

import fleet.curtailment.v1.MutinyMinerCommandServiceGrpc;
import io.quarkus.grpc.GrpcService;

/** MinerCommandService (SPEC §7.4). RPCs not implemented yet answer UNIMPLEMENTED through the base class. */
@GrpcService
public class MinerCommandGrpcService extends MutinyMinerCommandServiceGrpc.MinerCommandServiceImplBase {
}
