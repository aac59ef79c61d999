package fleet.api.watch;

import fleet.curtailment.v1.CurtailmentServiceGrpc;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Gives each WatchCurtailmentEvent stream its transport's flow state ({@link StreamTransport}): the Mutiny service
 * method returns a {@code Multi} whose every item Quarkus writes at once, so without this a client that stops reading
 * would make the server buffer without bound. Other methods pass through untouched.
 */
@GlobalInterceptor
@ApplicationScoped
public class WatchFlowInterceptor implements ServerInterceptor {

    static final Context.Key<StreamTransport> TRANSPORT = Context.key("fleet-watch-transport");
    private static final String WATCH = CurtailmentServiceGrpc.getWatchCurtailmentEventMethod().getFullMethodName();

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        if (!WATCH.equals(call.getMethodDescriptor().getFullMethodName())) {
            return next.startCall(call, headers);
        }
        StreamTransport transport = new StreamTransport(call::isReady);
        ServerCall.Listener<Q> listener = Contexts.interceptCall(Context.current().withValue(TRANSPORT, transport), call,
                headers, next);
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onReady() {
                super.onReady();
                transport.fireReady();
            }
        };
    }
}
