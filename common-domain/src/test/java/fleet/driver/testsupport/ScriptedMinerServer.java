package fleet.driver.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import fleet.driver.DeviceEndpoint;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.io.IOException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A tiny in-test miner: a Vert.x NetServer on a loopback address that reads one brace-matched JSON request
 * per connection (as real firmware does: clients send no terminator) and answers as scripted.
 */
public final class ScriptedMinerServer implements AutoCloseable {

    /** What the server does with one request. */
    public sealed interface Reply permits Bytes, NoAnswer, PartialThenClose, Delayed {
    }

    /** Writes the bytes (fixtures carry their own NUL), then closes the connection if {@code close}. */
    public record Bytes(byte[] bytes, boolean close) implements Reply {
    }

    /** Accepts and never answers (the timeout fault). */
    public record NoAnswer() implements Reply {
    }

    /** Writes the first {@code n} bytes, then closes (the close-mid-reply fault). */
    public record PartialThenClose(byte[] bytes, int n) implements Reply {
    }

    /** Sends {@code reply} after {@code millis} (a slow miner). */
    public record Delayed(Reply reply, long millis) implements Reply {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Vertx vertx;
    private final NetServer server;
    private final String host;
    private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger maxOpen = new AtomicInteger();
    private volatile Function<JsonNode, Reply> script;

    private ScriptedMinerServer(Vertx vertx, String host, Function<JsonNode, Reply> script) {
        this.vertx = vertx;
        this.host = host;
        this.script = script;
        this.server = vertx.createNetServer(new NetServerOptions().setHost(host).setPort(0));
        server.connectHandler(this::onConnection);
    }

    /** Starts a server on {@code host} (e.g. 127.88.0.1) on a free port. */
    public static ScriptedMinerServer start(Vertx vertx, String host, Function<JsonNode, Reply> script) {
        ScriptedMinerServer s = new ScriptedMinerServer(vertx, host, script);
        try {
            s.server.listen().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot listen on " + host, e);
        }
        return s;
    }

    public static Reply reply(byte[] bytes) {
        return new Bytes(bytes, true);
    }

    public static Reply fixture(String name) {
        return new Bytes(Fixtures.bytes(name), true);
    }

    public static Reply noAnswer() {
        return new NoAnswer();
    }

    public static Reply partialThenClose(byte[] bytes, int n) {
        return new PartialThenClose(bytes, n);
    }

    public static Reply delayed(Reply reply, long millis) {
        return new Delayed(reply, millis);
    }

    /** Replaces the script. */
    public void script(Function<JsonNode, Reply> newScript) {
        this.script = newScript;
    }

    /** An endpoint for this server with the given driver name. */
    public DeviceEndpoint endpoint(String driverName) {
        return new DeviceEndpoint(UUID.randomUUID(), "test-" + host, host, server.actualPort(), driverName);
    }

    /** Every request received, in order. */
    public List<JsonNode> requests() {
        return requests;
    }

    /** The commands received, in order ({@code "logon"}, {@code "curtail"} …). */
    public List<String> commands() {
        return requests.stream().map(r -> r.path("command").asText()).toList();
    }

    /** Most connections ever open at the same time. */
    public int maxConcurrentConnections() {
        return maxOpen.get();
    }

    public int port() {
        return server.actualPort();
    }

    @Override
    public void close() {
        try {
            server.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void onConnection(NetSocket socket) {
        maxOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
        socket.closeHandler(v -> open.decrementAndGet());
        RequestFramer framer = new RequestFramer();
        socket.handler(chunk -> {
            byte[] request = framer.feed(chunk);
            if (request == null) {
                return;
            }
            JsonNode node;
            try {
                node = JSON.readTree(request);
            } catch (IOException e) {
                socket.write(Buffer.buffer("{\"STATUS\":[{\"STATUS\":\"E\",\"Code\":23,\"Msg\":\"Invalid JSON\"}],\"id\":1}\0"))
                        .onComplete(ar -> socket.close());
                return;
            }
            requests.add(node);
            respond(socket, script.apply(node));
        });
    }

    private void respond(NetSocket socket, Reply reply) {
        if (reply instanceof Bytes b) {
            socket.write(Buffer.buffer(b.bytes())).onComplete(ar -> {
                if (b.close()) {
                    socket.close();
                }
            });
        } else if (reply instanceof PartialThenClose p) {
            socket.write(Buffer.buffer(p.bytes()).getBuffer(0, p.n())).onComplete(ar -> socket.close());
        } else if (reply instanceof Delayed d) {
            vertx.setTimer(d.millis(), id -> respond(socket, d.reply()));
        }
        // NoAnswer: hold the connection open; the client's timeout must end it
    }

    /** Ends a request by brace matching outside strings, as the simulator and real firmware do. */
    private static final class RequestFramer {
        private final Buffer buffer = Buffer.buffer();
        private int depth;
        private boolean started;
        private boolean inString;
        private boolean escaped;
        private int scanned;

        byte[] feed(Buffer chunk) {
            buffer.appendBuffer(chunk);
            for (; scanned < buffer.length(); scanned++) {
                byte c = buffer.getByte(scanned);
                if (inString) {
                    if (escaped) {
                        escaped = false;
                    } else if (c == '\\') {
                        escaped = true;
                    } else if (c == '"') {
                        inString = false;
                    }
                } else if (c == '"') {
                    inString = true;
                } else if (c == '{') {
                    depth++;
                    started = true;
                } else if (c == '}') {
                    depth--;
                    if (started && depth == 0) {
                        return buffer.getBytes(0, scanned + 1);
                    }
                }
            }
            return null;
        }
    }
}
