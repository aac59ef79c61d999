package fleet.api.error;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.ExceptionHandler;
import io.quarkus.grpc.ExceptionHandlerProvider;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Maps what escapes an RPC to a gRPC status: our own {@code StatusRuntimeException}s (with their rich details) pass
 * through; anything else is a bug or an outage, logged with a reference and answered INTERNAL without internals.
 */
@ApplicationScoped
public class GrpcErrorMapping implements ExceptionHandlerProvider {

    private static final Logger LOG = Logger.getLogger(GrpcErrorMapping.class);

    @Override
    public <Q, R> ExceptionHandler<Q, R> createHandler(ServerCall.Listener<Q> listener, ServerCall<Q, R> call,
            Metadata metadata) {
        return new ExceptionHandler<>(listener, call, metadata) {
            @Override
            protected void handleException(Throwable failure, ServerCall<Q, R> serverCall, Metadata headers) {
                Throwable mapped = transform(failure);
                Metadata trailers = ExceptionHandlerProvider.toTrailers(mapped).orElse(new Metadata());
                serverCall.close(ExceptionHandlerProvider.toStatus(mapped), trailers);
            }
        };
    }

    @Override
    public Throwable transform(Throwable failure) {
        Throwable t = failure;
        while (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof StatusRuntimeException || t instanceof StatusException) {
            return t;
        }
        String reference = UUID.randomUUID().toString().substring(0, 8);
        LOG.errorf(t, "unexpected failure in an RPC (ref %s)", reference);
        return Status.INTERNAL.withDescription("internal error (ref " + reference + ")").asRuntimeException();
    }
}
