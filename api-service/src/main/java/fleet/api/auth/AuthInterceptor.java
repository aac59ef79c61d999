package fleet.api.auth;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Refuses every call without a bearer credential (UNAUTHENTICATED) before any service code runs, and hands the
 * token to the call's context. Verifying the token needs the database for API keys, so it happens
 * asynchronously in {@link Authenticator#require}, which every RPC calls first. Reflection and health are public.
 */
@GlobalInterceptor
@ApplicationScoped
public class AuthInterceptor implements ServerInterceptor {

    static final Context.Key<String> TOKEN = Context.key("fleet-bearer-token");
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        String service = call.getMethodDescriptor().getServiceName();
        if (service != null && (service.startsWith("grpc.reflection.") || service.startsWith("grpc.health."))) {
            return next.startCall(call, headers);
        }
        String header = headers.get(AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
            call.close(Status.UNAUTHENTICATED.withDescription("missing bearer credentials"), new Metadata());
            return new ServerCall.Listener<>() {
            };
        }
        Context ctx = Context.current().withValue(TOKEN, header.substring(7).trim());
        return Contexts.interceptCall(ctx, call, headers, next);
    }
}
