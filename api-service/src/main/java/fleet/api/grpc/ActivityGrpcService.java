package fleet.api.grpc;

import fleet.curtailment.v1.MutinyActivityServiceGrpc;
import io.quarkus.grpc.GrpcService;

/** ActivityService (SPEC §7.5). RPCs not implemented yet answer UNIMPLEMENTED through the base class. */
@GrpcService
public class ActivityGrpcService extends MutinyActivityServiceGrpc.ActivityServiceImplBase {
}
