package fleet.api.grpc;

import fleet.curtailment.v1.MutinyCurtailmentServiceGrpc;
import io.quarkus.grpc.GrpcService;

/** CurtailmentService (SPEC §3). RPCs not implemented yet answer UNIMPLEMENTED through the base class. */
@GrpcService
public class CurtailmentGrpcService extends MutinyCurtailmentServiceGrpc.CurtailmentServiceImplBase {
}
