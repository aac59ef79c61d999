package fleet.reconciler.archfixture;

import io.grpc.BindableService;
import io.grpc.ServerServiceDefinition;
import io.quarkus.grpc.GrpcService;

/**
 * Deliberately wrong: a class in {@code fleet.reconciler} that would serve gRPC. Not a bean (no scope; the reconciler
 * has no gRPC extension); only {@link fleet.reconciler.ReconcilerLayeringTest} reads it.
 */
@GrpcService
public class ReconcilerServesGrpc implements BindableService {

    @Override
    public ServerServiceDefinition bindService() {
        throw new UnsupportedOperationException("a fixture");
    }
}
