package fleet.driver.transport;

import fleet.driver.CommandOutcome;
import fleet.driver.DriverSettings;
import fleet.driver.MinerCallException;
import fleet.driver.RawReply;
import io.netty.channel.ConnectTimeoutException;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;

/**
 * One request on one TCP connection (the cgminer API closes after every reply): connect, write the
 * request, read until the first NUL or EOF — whichever comes first — capped at
 * {@link DriverSettings#maxReplyBytes()}, close.
 *
 * <p>Outcomes, chosen so the caller knows whether the command can have reached the miner:
 * <ul>
 *   <li>connection refused, no route, connect timeout → {@code UNREACHABLE} (never delivered);</li>
 *   <li>connected, but no NUL/EOF within {@link DriverSettings#totalTimeout()} → {@code TIMEOUT}
 *       (maybe delivered);</li>
 *   <li>closed before any byte, reset after the write, or a reply above the cap → {@code PROTOCOL_ERROR}
 *       with the bytes received so far.</li>
 * </ul>
 * A reply cut short by EOF is returned as is: parsing decides whether it is usable.
 *
 * <p>Callbacks arrive on the connection's event loop and the timer's, so the few mutable fields are
 * guarded by {@code this}; the first terminal event wins and the rest are ignored.
 */
final class TcpExchange {

    private final Vertx vertx;
    private final NetClient client;
    private final DriverSettings settings;
    private final String host;
    private final int port;
    private final byte[] request;
    private final UniEmitter<? super byte[]> emitter;

    private Buffer received = Buffer.buffer(512);
    private NetSocket socket;
    private long timerId = -1;
    private boolean finished;

    private TcpExchange(Vertx vertx, NetClient client, DriverSettings settings, String host, int port,
                        byte[] request, UniEmitter<? super byte[]> emitter) {
        this.vertx = vertx;
        this.client = client;
        this.settings = settings;
        this.host = host;
        this.port = port;
        this.request = request;
        this.emitter = emitter;
    }

    /** The reply bytes without the NUL terminator, or a {@link MinerCallException}. */
    static Uni<byte[]> run(Vertx vertx, NetClient client, DriverSettings settings, String host, int port,
                           byte[] request) {
        return Uni.createFrom().emitter(emitter -> {
            TcpExchange exchange = new TcpExchange(vertx, client, settings, host, port, request, emitter);
            emitter.onTermination(exchange::abandon);
            exchange.start();
        });
    }

    private void start() {
        long timer = vertx.setTimer(settings.totalTimeout().toMillis(), id -> onTotalTimeout());
        synchronized (this) {
            if (finished) {
                vertx.cancelTimer(timer);
                return;
            }
            timerId = timer;
        }
        client.connect(port, host).onComplete(ar -> {
            if (ar.succeeded()) {
                onConnected(ar.result());
            } else {
                onConnectFailed(ar.cause());
            }
        });
    }

    private void onConnected(NetSocket s) {
        synchronized (this) {
            if (finished) {
                s.close();
                return;
            }
            socket = s;
        }
        s.handler(this::onData);
        s.endHandler(v -> onEnd());
        s.exceptionHandler(this::onSocketError);
        s.write(Buffer.buffer(request)).onFailure(this::onSocketError);
    }

    private void onConnectFailed(Throwable cause) {
        String why = cause instanceof ConnectTimeoutException
                ? "connect timed out after " + settings.connectTimeout().toMillis() + " ms"
                : "connect failed: " + message(cause);
        fail(CommandOutcome.unreachable(why));
    }

    private void onData(Buffer chunk) {
        byte[] reply = null;
        CommandOutcome failure = null;
        synchronized (this) {
            if (finished) {
                return;
            }
            int nul = indexOfNul(chunk);
            int take = nul >= 0 ? nul : chunk.length();
            int cap = settings.maxReplyBytes();
            if (received.length() + take > cap) {
                received.appendBuffer(chunk, 0, Math.max(0, cap - received.length()));
                failure = CommandOutcome.protocolError("reply exceeds " + cap + " bytes", raw());
            } else {
                received.appendBuffer(chunk, 0, take);
                if (nul >= 0) {
                    reply = received.getBytes();
                }
            }
        }
        if (failure != null) {
            fail(failure);
        } else if (reply != null) {
            succeed(reply);
        }
    }

    private void onEnd() {
        byte[] reply;
        synchronized (this) {
            if (finished) {
                return;
            }
            reply = received.getBytes();
        }
        if (reply.length == 0) {
            fail(CommandOutcome.protocolError("connection closed without a reply", RawReply.empty()));
        } else {
            succeed(reply);
        }
    }

    private void onSocketError(Throwable cause) {
        RawReply partial;
        synchronized (this) {
            if (finished) {
                return;
            }
            partial = raw();
        }
        fail(CommandOutcome.protocolError("connection failed after the request was sent: " + message(cause), partial));
    }

    private void onTotalTimeout() {
        boolean connected;
        RawReply partial;
        synchronized (this) {
            if (finished) {
                return;
            }
            connected = socket != null;
            partial = raw();
        }
        long ms = settings.totalTimeout().toMillis();
        fail(connected
                ? CommandOutcome.timeout(
                        "no complete reply within " + ms + " ms (" + partial.originalLength() + " bytes received)",
                        partial)
                : CommandOutcome.unreachable("connect did not complete within " + ms + " ms"));
    }

    private void succeed(byte[] reply) {
        if (finish()) {
            emitter.complete(reply);
        }
    }

    private void fail(CommandOutcome outcome) {
        if (finish()) {
            emitter.fail(new MinerCallException(outcome));
        }
    }

    /** Cancellation or completion from downstream: release the socket and the timer. */
    private void abandon() {
        finish();
    }

    /** Marks the exchange finished (once) and releases the socket and timer; false if already finished. */
    private boolean finish() {
        NetSocket s;
        long timer;
        synchronized (this) {
            if (finished) {
                return false;
            }
            finished = true;
            s = socket;
            timer = timerId;
            received = Buffer.buffer(0);
        }
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        if (s != null) {
            s.close();
        }
        return true;
    }

    /** The bytes received so far, bounded for diagnostics; call while holding {@code this}. */
    private RawReply raw() {
        int length = received.length();
        return RawReply.prefix(received.getBytes(0, Math.min(length, settings.rawReplyKeepBytes())), length);
    }

    private static int indexOfNul(Buffer chunk) {
        for (int i = 0; i < chunk.length(); i++) {
            if (chunk.getByte(i) == 0) {
                return i;
            }
        }
        return -1;
    }

    private static String message(Throwable t) {
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
