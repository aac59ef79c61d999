package fleet.api.watch;

import java.util.function.BooleanSupplier;

/**
 * Whether one watch stream's transport takes another message now (gRPC's {@code ServerCall.isReady()}: the HTTP/2
 * window and the write queue have room), and a hook for the moment it does again ({@code onReady}). Handed from
 * {@link WatchFlowInterceptor} to the stream through the call's gRPC context.
 */
public final class StreamTransport {

    /** A transport that always takes messages (no flow information: in-process callers, tests of the hub). */
    public static final StreamTransport ALWAYS_READY = new StreamTransport(() -> true);

    private final BooleanSupplier ready;
    private volatile Runnable onReady = () -> { };

    StreamTransport(BooleanSupplier ready) {
        this.ready = ready;
    }

    /** The transport of the current WatchCurtailmentEvent call; read synchronously at the start of the RPC. */
    public static StreamTransport current() {
        StreamTransport t = WatchFlowInterceptor.TRANSPORT.get();
        return t == null ? ALWAYS_READY : t;
    }

    boolean isReady() {
        return ready.getAsBoolean();
    }

    void onReady(Runnable action) {
        onReady = action;
    }

    void fireReady() {
        onReady.run();
    }
}
