package fleet.driver.transport;

import com.fasterxml.jackson.databind.JsonNode;
import fleet.driver.CommandOutcome;
import fleet.driver.DeviceEndpoint;
import fleet.driver.DriverSettings;
import fleet.driver.MinerCallException;
import fleet.driver.RawReply;
import fleet.driver.guard.ConcurrencyLimiter;
import fleet.driver.guard.MinerCircuitBreaker;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The cgminer-compatible TCP API client shared by all drivers (notes §1): one request per connection,
 * lenient parsing, multi-command with fallback, behind the per-miner circuit breaker and the global
 * in-flight bound.
 *
 * <p>Every call fails only with {@link MinerCallException}. A reply with an error {@code STATUS} is not a
 * failure here: it is returned, and the driver decides what it means.
 */
public final class CgminerClient implements AutoCloseable {

    /** Forget which miners reject multi-commands past this many, rather than grow without bound. */
    private static final int MULTI_UNSUPPORTED_LIMIT = 200_000;

    private final Vertx vertx;
    private final DriverSettings settings;
    private final NetClient netClient;
    private final ConcurrencyLimiter limiter;
    private final MinerCircuitBreaker breaker;
    private final Set<String> multiUnsupported = ConcurrentHashMap.newKeySet();

    public CgminerClient(Vertx vertx, Clock clock, DriverSettings settings) {
        this(vertx, settings, new ConcurrencyLimiter(settings.maxInFlight()),
                new MinerCircuitBreaker(clock, settings.breakerFailureThreshold(), settings.breakerCoolOff()));
    }

    public CgminerClient(Vertx vertx, DriverSettings settings, ConcurrencyLimiter limiter,
                         MinerCircuitBreaker breaker) {
        this.vertx = vertx;
        this.settings = settings;
        this.limiter = limiter;
        this.breaker = breaker;
        this.netClient = vertx.createNetClient(new NetClientOptions()
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, settings.connectTimeout().toMillis()))
                .setTcpNoDelay(true)
                .setReconnectAttempts(0));
    }

    /** Sends one request and parses the reply. */
    public Uni<CgminerReply> send(DeviceEndpoint device, CgminerRequest request) {
        return Uni.createFrom().deferred(() -> {
            String key = device.minerKey();
            MinerCircuitBreaker.Decision decision = breaker.acquire(key);
            if (decision == MinerCircuitBreaker.Decision.REJECT) {
                return Uni.createFrom().failure(new MinerCallException(CommandOutcome.unreachable(
                        "circuit open until " + breaker.openUntil(key) + " after repeated connection failures")));
            }
            byte[] bytes = request.toBytes();
            return limiter.submit(() -> TcpExchange.run(vertx, netClient, settings, device.host(), device.port(), bytes))
                    .onItemOrFailure().transformToUni((reply, failure) -> {
                        recordForBreaker(key, failure);
                        if (failure != null) {
                            return Uni.createFrom().failure(failure);
                        }
                        return Uni.createFrom().item(parse(reply));
                    });
        });
    }

    /**
     * Sends report commands as one {@code a+b+c} request and splits the reply per command; firmware that
     * rejects multi-commands (or omits a member) gets one connection per missing command instead, and is
     * remembered so later calls skip the failed attempt. A member whose own {@code STATUS} is an error is
     * returned as is.
     *
     * @return the replies keyed by command, in the order given
     */
    public Uni<Map<String, CgminerReply>> sendMulti(DeviceEndpoint device, List<String> commands) {
        if (commands.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        if (commands.size() == 1 || multiUnsupported.contains(device.minerKey())) {
            return sendEach(device, commands);
        }
        return send(device, CgminerRequest.multi(commands)).flatMap(reply -> {
            Map<String, CgminerReply> members = splitMulti(reply, commands);
            if (members.isEmpty()) {
                rememberMultiUnsupported(device.minerKey());
                return sendEach(device, commands);
            }
            List<String> missing = new ArrayList<>();
            for (String command : commands) {
                if (!members.containsKey(command)) {
                    missing.add(command);
                }
            }
            if (missing.isEmpty()) {
                return Uni.createFrom().item(members);
            }
            return sendEach(device, missing).map(rest -> ordered(commands, members, rest));
        });
    }

    /** The global in-flight bound (for metrics). */
    public ConcurrencyLimiter limiter() {
        return limiter;
    }

    /** The per-miner circuit breaker (for metrics). */
    public MinerCircuitBreaker breaker() {
        return breaker;
    }

    /** The settings in force. */
    public DriverSettings settings() {
        return settings;
    }

    /** The Vert.x instance timers run on. */
    public Vertx vertx() {
        return vertx;
    }

    @Override
    public void close() {
        netClient.close();
    }

    private void recordForBreaker(String key, Throwable failure) {
        if (failure == null) {
            breaker.onSuccess(key);
        } else if (failure instanceof MinerCallException call) {
            switch (call.kind()) {
                case UNREACHABLE, TIMEOUT -> breaker.onFailure(key);
                default -> breaker.onSuccess(key); // it answered something: the host is alive
            }
        }
    }

    private CgminerReply parse(byte[] reply) {
        try {
            return CgminerReply.of(LenientJson.parse(reply), reply, settings.rawReplyKeepBytes());
        } catch (IOException e) {
            throw new MinerCallException(CommandOutcome.protocolError(
                    "unparseable reply: " + e.getMessage(), RawReply.of(reply, settings.rawReplyKeepBytes())));
        }
    }

    private Uni<Map<String, CgminerReply>> sendEach(DeviceEndpoint device, List<String> commands) {
        return Multi.createFrom().iterable(commands)
                .onItem().transformToUniAndConcatenate(command ->
                        send(device, CgminerRequest.of(command)).map(reply -> Map.entry(command, reply)))
                .collect().asList()
                .map(entries -> {
                    Map<String, CgminerReply> result = new LinkedHashMap<>();
                    entries.forEach(e -> result.put(e.getKey(), e.getValue()));
                    return result;
                });
    }

    /**
     * Members of {@code {"summary":[{STATUS…,SUMMARY…}],"power":[{…}],"id":1}}; empty when the reply is a
     * plain error envelope (the firmware rejected the multi-command as a whole).
     */
    private Map<String, CgminerReply> splitMulti(CgminerReply reply, List<String> commands) {
        Map<String, CgminerReply> members = new LinkedHashMap<>();
        JsonNode root = reply.root();
        for (String command : commands) {
            JsonNode member = fieldIgnoringCase(root, command);
            // a member is a whole reply with its own envelope; a plain SUMMARY section of a single
            // reply (firmware that ignored the '+') has none and does not count
            if (member != null && member.isArray() && !member.isEmpty() && member.get(0).has("STATUS")) {
                members.put(command, CgminerReply.member(member.get(0), settings.rawReplyKeepBytes()));
            }
        }
        return members;
    }

    private static JsonNode fieldIgnoringCase(JsonNode root, String name) {
        JsonNode exact = root.get(name);
        if (exact != null) {
            return exact;
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (field.equalsIgnoreCase(name)) {
                return root.get(field);
            }
        }
        return null;
    }

    private void rememberMultiUnsupported(String key) {
        if (multiUnsupported.size() >= MULTI_UNSUPPORTED_LIMIT) {
            multiUnsupported.clear();
        }
        multiUnsupported.add(key);
    }

    private static Map<String, CgminerReply> ordered(List<String> commands, Map<String, CgminerReply> a,
                                                     Map<String, CgminerReply> b) {
        Map<String, CgminerReply> result = new LinkedHashMap<>();
        for (String command : commands) {
            CgminerReply r = a.containsKey(command) ? a.get(command) : b.get(command);
            if (r != null) {
                result.put(command, r);
            }
        }
        return result;
    }
}
