package fleet.simulator;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;

/**
 * The API port of one miner: a Vert.x {@link NetServer} on the miner's own loopback address, bound
 * or closed so that it matches {@link SimulatedMiner#shouldListen} (level-based: every call
 * re-reads the miner, so a missed call is repaired by the next one).
 *
 * <p>All binding and closing runs on the listener's event-loop context, one operation at a time;
 * a request arriving while one is in flight is remembered and re-evaluated when it finishes.
 */
final class MinerListener {

    private final SimulatedMiner miner;
    private final int port;
    private final Context context;
    private final FleetRuntime runtime;

    // Confined to `context`.
    private NetServer server;
    private boolean operationInFlight;
    private boolean recheckRequested;
    private volatile boolean listening;
    private volatile Throwable lastBindFailure;

    MinerListener(SimulatedMiner miner, int port, Context context, FleetRuntime runtime) {
        this.miner = miner;
        this.port = port;
        this.context = context;
        this.runtime = runtime;
    }

    /** Brings the port in line with the miner; the future completes when this attempt is done. */
    Future<Void> reconcile() {
        Promise<Void> done = Promise.promise();
        context.runOnContext(ignored -> reconcileOnContext(done));
        return done.future();
    }

    boolean isListening() {
        return listening;
    }

    /** Whether the supervisor should keep re-checking: the target moves over time or the last bind failed. */
    boolean needsWatching() {
        return lastBindFailure != null || miner.listeningChangesOverTime(runtime.time().now().miner());
    }

    int minerIndex() {
        return miner.index;
    }

    private void reconcileOnContext(Promise<Void> done) {
        if (operationInFlight) {
            recheckRequested = true;
            done.complete();
            return;
        }
        boolean wanted = miner.shouldListen(runtime.time().now().miner());
        if (wanted && server == null) {
            bind(done);
        } else if (!wanted && server != null) {
            unbind(done);
        } else {
            done.complete();
        }
    }

    private void bind(Promise<Void> done) {
        operationInFlight = true;
        NetServerOptions options = new NetServerOptions()
                .setHost(miner.host)
                .setPort(port)
                .setReuseAddress(true)
                .setTcpNoDelay(true);
        NetServer candidate = runtime.vertx().createNetServer(options)
                .connectHandler(socket -> MinerConnection.serve(socket, miner, runtime));
        candidate.listen().onComplete(result -> {
            operationInFlight = false;
            if (result.succeeded()) {
                server = candidate;
                listening = true;
                lastBindFailure = null;
                done.complete();
            } else {
                lastBindFailure = result.cause();
                done.fail(new IllegalStateException(
                        "cannot listen on " + miner.host + ":" + port + ": " + result.cause().getMessage(), result.cause()));
            }
            afterOperation();
        });
    }

    private void unbind(Promise<Void> done) {
        operationInFlight = true;
        NetServer closing = server;
        server = null;
        listening = false;
        closing.close().onComplete(result -> {
            operationInFlight = false;
            done.complete();
            afterOperation();
        });
    }

    private void afterOperation() {
        if (recheckRequested) {
            recheckRequested = false;
            reconcileOnContext(Promise.promise());
        }
    }
}
