package fleet.simulator;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.util.Arrays;
import java.util.List;

/**
 * One TCP connection to one miner: read one request, answer once, close — cgminer's "one request
 * per connection". Wire-level faults are applied here, after the request is complete:
 * <ul>
 *   <li>timeout: nothing is executed or answered; the socket stays open until the client gives up
 *       (or {@link #HUNG_CONNECTION_LIMIT_MILLIS} passes, so abandoned sockets do not pile up);</li>
 *   <li>flaky telemetry: a telemetry request is dropped by closing without a byte;</li>
 *   <li>close mid reply / malformed JSON: the command <em>is</em> executed (the miner acted, the
 *       answer got lost), then half the reply, or a truncated one, is sent.</li>
 * </ul>
 */
final class MinerConnection {

    static final long HUNG_CONNECTION_LIMIT_MILLIS = 5 * 60 * 1000;

    private final NetSocket socket;
    private final SimulatedMiner miner;
    private final FleetRuntime runtime;
    private final RequestFramer framer = new RequestFramer();
    private boolean answered;
    private Runnable afterClose = () -> { };

    private MinerConnection(NetSocket socket, SimulatedMiner miner, FleetRuntime runtime) {
        this.socket = socket;
        this.miner = miner;
        this.runtime = runtime;
    }

    static void serve(NetSocket socket, SimulatedMiner miner, FleetRuntime runtime) {
        if (!runtime.admitConnection()) {
            socket.close();
            return;
        }
        MinerConnection connection = new MinerConnection(socket, miner, runtime);
        socket.closeHandler(ignored -> connection.onClosed());
        socket.handler(connection::onData);
        socket.endHandler(ignored -> connection.onEndOfStream());
        socket.exceptionHandler(ignored -> socket.close());
    }

    private void onData(Buffer chunk) {
        if (answered) {
            return;
        }
        switch (framer.offer(chunk)) {
            case COMPLETE -> respond(ApiRequest.parse(framer.request(), framer.isJson()));
            case TOO_LARGE -> respond(ApiRequest.tooLarge());
            case INCOMPLETE -> {
                // wait for the rest of the request
            }
        }
    }

    private void onClosed() {
        runtime.connectionClosed();
        afterClose.run();
    }

    private void onEndOfStream() {
        if (!answered && framer.endOfStream() == RequestFramer.Status.COMPLETE) {
            respond(ApiRequest.parse(framer.request(), framer.isJson()));
        }
    }

    private void respond(ApiRequest request) {
        answered = true;
        try {
            answer(request);
        } catch (RuntimeException unexpected) {
            // A simulator bug must not take the event loop with it; the client sees a dropped connection.
            runtime.reportError("miner " + miner.host + " failed on '" + request.command() + "'", unexpected);
            socket.close();
        }
    }

    private void answer(ApiRequest request) {
        SimulationTime.Moment now = runtime.time().now();
        long requestNumber = miner.nextRequestNumber();
        long requestId = runtime.commandLog().newRequestId();

        if (miner.strikes(FaultType.TIMEOUT, requestNumber)) {
            logUnexecuted(request, requestId, now, CommandOutcome.NO_REPLY);
            hang();
            return;
        }
        if (LuxosDialect.isTelemetry(request) && miner.strikes(FaultType.FLAKY_TELEMETRY, requestNumber)) {
            logUnexecuted(request, requestId, now, CommandOutcome.DROPPED);
            socket.close();
            return;
        }

        ApiReply reply = runtime.dialect().handle(miner, request, now);
        byte[] bytes = reply.encode(request.json());
        CommandOutcome outcome;
        if (miner.strikes(FaultType.CLOSE_MID_REPLY, requestNumber)) {
            outcome = CommandOutcome.CLOSED_MID_REPLY;
            socket.write(Buffer.buffer(Arrays.copyOf(bytes, bytes.length / 2)))
                    .onComplete(written -> socket.close());
        } else if (miner.strikes(FaultType.MALFORMED_JSON, requestNumber)) {
            outcome = CommandOutcome.MALFORMED_REPLY;
            socket.end(Buffer.buffer(truncated(bytes)));
        } else {
            outcome = CommandOutcome.REPLIED;
            socket.end(Buffer.buffer(bytes));
        }
        for (ApiReply.Executed executed : reply.executed()) {
            runtime.commandLog().append(requestId, now.instant(), miner, executed.command(), executed.parameter(),
                    outcome, executed.status());
        }
        if (!LuxosDialect.isTelemetry(request)) {
            // A reboot closes the port, and only after this reply has left; the listener acts on its own loop.
            afterClose = () -> runtime.reachabilityMayHaveChanged(miner.index);
        }
    }

    private void logUnexecuted(ApiRequest request, long requestId, SimulationTime.Moment now, CommandOutcome outcome) {
        List<String> members = request.command().isEmpty() || !request.json()
                ? List.of(request.command())
                : Arrays.asList(request.command().split("\\+"));
        for (String member : members) {
            runtime.commandLog().append(requestId, now.instant(), miner, member,
                    members.size() == 1 ? request.parameter() : null, outcome, null);
        }
    }

    private void hang() {
        Vertx vertx = runtime.vertx();
        long timer = vertx.setTimer(HUNG_CONNECTION_LIMIT_MILLIS, id -> socket.close());
        afterClose = () -> vertx.cancelTimer(timer);
    }

    /** Two thirds of the JSON and the NUL: what a firmware buffer overflow looks like on the wire. */
    private static byte[] truncated(byte[] reply) {
        int keep = Math.max(1, (reply.length - 1) * 2 / 3);
        byte[] cut = Arrays.copyOf(reply, keep + 1);
        cut[keep] = 0;
        return cut;
    }
}
