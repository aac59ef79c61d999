package fleet.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.Function;

/**
 * The out-of-band HTTP control surface: ground truth, scripted faults, behind-the-back actions and
 * the command log, as JSON. Endpoints are listed in the module README; each maps onto one
 * {@link FleetSimulator} method, so the HTTP and Java surfaces cannot drift apart. A vertx-web {@link Router}; bodies
 * above {@link #MAX_BODY_BYTES} are refused with 413 before they are read.
 */
final class ControlHttpServer {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int DEFAULT_LIST_LIMIT = 100;
    private static final int DEFAULT_COMMAND_LIMIT = 1000;
    /** Far above the largest selector (15 000 addresses, about 250 KB), far below anything that would hurt. */
    static final long MAX_BODY_BYTES = 1024 * 1024;

    private final FleetSimulator simulator;
    private final Vertx vertx;
    private HttpServer server;

    ControlHttpServer(FleetSimulator simulator, Vertx vertx) {
        this.simulator = simulator;
        this.vertx = vertx;
    }

    Future<Void> listen(String host, int port) {
        Router router = Router.router(vertx);
        router.route().handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
        router.get("/health").handler(reply(ctx -> ok(Map.of("status", "UP"))));
        router.get("/truth").handler(reply(ctx -> ok(truthJson(simulator.truth()))));
        router.get("/miners").handler(reply(ctx -> listMiners(ctx.request())));
        router.get("/miners/:miner").handler(reply(ctx -> ok(minerJson(simulator.miner(minerIndex(ctx.pathParam("miner")))))));
        router.post("/miners/:miner/:action").handler(reply(this::minerAction));
        router.post("/faults").handler(reply(ctx -> setFaults(parse(ctx.body().buffer()))));
        router.post("/faults/clear").handler(reply(ctx -> clearFaults(parse(ctx.body().buffer()))));
        router.get("/commands").handler(reply(ctx -> commands(ctx.request())));
        router.delete("/commands").handler(reply(ctx -> {
            simulator.clearCommandLog();
            return ok(Map.of("cleared", true));
        }));
        router.route().handler(ctx -> respond(ctx.request(), 404,
                Map.of("error", "no such endpoint: " + ctx.request().method() + " " + ctx.request().path())));
        router.route().failureHandler(this::onFailure);
        server = vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port)).requestHandler(router);
        return server.listen().mapEmpty();
    }

    int actualPort() {
        return server.actualPort();
    }

    private static Handler<RoutingContext> reply(Function<RoutingContext, Response> route) {
        return ctx -> {
            Response response = route.apply(ctx);
            respond(ctx.request(), response.status, response.body);
        };
    }

    /** Exceptions of the routes (bad selectors, unknown miners) and refusals of the body handler (413). */
    private void onFailure(RoutingContext ctx) {
        Throwable failure = ctx.failure();
        if (failure instanceof BadRequest || failure instanceof IllegalArgumentException
                || failure instanceof IndexOutOfBoundsException) {
            respond(ctx.request(), 400, Map.of("error", String.valueOf(failure.getMessage())));
        } else if (failure != null) {
            respond(ctx.request(), 500, Map.of("error", failure.toString()));
        } else {
            int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
            respond(ctx.request(), status, Map.of("error", HttpResponseStatus.valueOf(status).reasonPhrase()));
        }
    }

    private Response minerAction(RoutingContext ctx) {
        int index = minerIndex(ctx.pathParam("miner"));
        String action = ctx.pathParam("action");
        switch (action) {
            case "wake" -> simulator.wakeBehindTheSystemsBack(index);
            case "sleep" -> simulator.sleepBehindTheSystemsBack(index);
            case "stop" -> simulator.stopMining(index);
            case "start" -> simulator.startMining(index);
            case "reboot" -> simulator.rebootBehindTheSystemsBack(index);
            default -> {
                return new Response(404, Map.of("error", "unknown miner action '" + action + "'"));
            }
        }
        return ok(minerJson(simulator.miner(index)));
    }

    private Response listMiners(HttpServerRequest request) {
        String stateFilter = request.getParam("state");
        MinerState state = stateFilter == null ? null : MinerState.valueOf(stateFilter.toUpperCase(Locale.ROOT));
        int offset = intParam(request, "offset", 0);
        int limit = intParam(request, "limit", DEFAULT_LIST_LIMIT);
        List<Map<String, Object>> selected = new ArrayList<>();
        int matching = 0;
        for (MinerView view : simulator.miners()) {
            if (state != null && view.state() != state) {
                continue;
            }
            if (matching >= offset && selected.size() < limit) {
                selected.add(minerJson(view));
            }
            matching++;
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("matching", matching);
        result.put("offset", offset);
        result.put("miners", selected);
        return ok(result);
    }

    private Response setFaults(JsonNode body) {
        FaultType type = FaultType.fromWireName(requireText(body, "fault"));
        JsonNode parameter = body.get("parameter");
        Fault fault = Fault.of(type, parameter == null || parameter.isNull() ? Double.NaN : parameterValue(parameter));
        int applied = simulator.setFault(selection(body.get("miners")), fault);
        return ok(Map.of("fault", fault.toString(), "applied", applied));
    }

    private Response clearFaults(JsonNode body) {
        MinerSelection selection = selection(body.get("miners"));
        JsonNode fault = body.get("fault");
        int cleared = fault == null || fault.isNull()
                ? simulator.clearFaults(selection)
                : simulator.clearFault(selection, FaultType.fromWireName(fault.asText()));
        return ok(Map.of("cleared", cleared));
    }

    private Response commands(HttpServerRequest request) {
        String host = request.getParam("host");
        String command = request.getParam("command");
        int limit = intParam(request, "limit", DEFAULT_COMMAND_LIMIT);
        List<CommandRecord> records;
        if (host != null && command != null) {
            records = simulator.commandsReceived(host, command);
        } else if (host != null) {
            records = simulator.commandsReceived(host);
        } else if (command != null) {
            records = simulator.commandsReceivedByAll(command);
        } else {
            records = simulator.commandLog();
        }
        List<Map<String, Object>> newest = new ArrayList<>();
        for (CommandRecord record : records.subList(Math.max(0, records.size() - limit), records.size())) {
            newest.add(commandJson(record));
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("matching", records.size());
        result.put("commands", newest);
        return ok(result);
    }

    // ---------------------------------------------------------------- JSON shapes

    private static Map<String, Object> truthJson(FleetTruth truth) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("at", truth.at().toString());
        json.put("miners", truth.miners());
        json.put("trueTotalPowerW", Math.round(truth.trueTotalPowerW() * 10) / 10.0);
        json.put("trueTotalKw", Math.round(truth.trueTotalKw() * 1000) / 1000.0);
        json.put("trueTotalHashrateThs", Math.round(truth.trueTotalHashrateThs() * 100) / 100.0);
        Map<String, Integer> states = new LinkedHashMap<>();
        truth.countsByState().forEach((state, count) -> states.put(state.name(), count));
        json.put("states", states);
        json.put("sleepRequested", truth.sleepRequested());
        json.put("unreachable", truth.unreachable());
        return json;
    }

    private static Map<String, Object> minerJson(MinerView view) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("index", view.index());
        json.put("host", view.host());
        json.put("port", view.port());
        json.put("model", view.model().displayName());
        json.put("state", view.state().name());
        json.put("physicalState", view.physicalState().name());
        json.put("reachable", view.reachable());
        json.put("curtailMode", view.sleepRequested() ? "Sleep" : "None");
        json.put("truePowerW", Math.round(view.truePowerW() * 10) / 10.0);
        json.put("trueHashrateThs", Math.round(view.trueHashrateThs() * 100) / 100.0);
        json.put("operatingPowerW", Math.round(view.operatingPowerW()));
        json.put("operatingHashrateThs", Math.round(view.operatingHashrateThs() * 100) / 100.0);
        json.put("sessionHeld", view.sessionHeld());
        List<String> faults = new ArrayList<>();
        view.faults().forEach(type -> faults.add(type.wireName()));
        json.put("faults", faults);
        json.put("uptimeSeconds", view.uptimeSeconds());
        return json;
    }

    private static Map<String, Object> commandJson(CommandRecord record) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("sequence", record.sequence());
        json.put("requestId", record.requestId());
        json.put("at", record.at().toString());
        json.put("miner", record.minerIndex());
        json.put("host", record.host());
        json.put("command", record.command());
        json.put("parameter", record.parameter());
        json.put("outcome", record.outcome().name());
        json.put("status", record.status());
        json.put("code", record.code());
        json.put("message", record.message());
        return json;
    }

    // ---------------------------------------------------------------- request parsing

    /**
     * {@code "all"}, {@code {"index":3}}, {@code {"from":0,"to":99}} (inclusive),
     * {@code {"indices":[1,5]}}, {@code {"hosts":["127.1.0.4"]}} or {@code {"fraction":0.1,"seed":7}}.
     */
    private MinerSelection selection(JsonNode miners) {
        if (miners == null || miners.isNull()) {
            throw new BadRequest("'miners' is required: \"all\", {index}, {from,to}, {indices}, {hosts} or {fraction,seed}");
        }
        if (miners.isTextual() && miners.asText().equalsIgnoreCase("all")) {
            return MinerSelection.all();
        }
        if (miners.has("index")) {
            return MinerSelection.index(miners.get("index").asInt());
        }
        if (miners.has("from") && miners.has("to")) {
            return MinerSelection.range(miners.get("from").asInt(), miners.get("to").asInt());
        }
        if (miners.has("indices")) {
            int[] indices = new int[miners.get("indices").size()];
            for (int i = 0; i < indices.length; i++) {
                indices[i] = miners.get("indices").get(i).asInt();
            }
            return MinerSelection.indices(indices);
        }
        if (miners.has("hosts")) {
            int[] indices = new int[miners.get("hosts").size()];
            for (int i = 0; i < indices.length; i++) {
                indices[i] = minerIndex(miners.get("hosts").get(i).asText());
            }
            return MinerSelection.indices(indices);
        }
        if (miners.has("fraction")) {
            long seed = miners.has("seed") ? miners.get("seed").asLong() : simulator.config().seed();
            return MinerSelection.fraction(miners.get("fraction").asDouble(), seed);
        }
        throw new BadRequest("unrecognised 'miners' selector: " + miners);
    }

    /** A path segment naming a miner: its index, or its address. */
    private int minerIndex(String segment) {
        if (segment.contains(".")) {
            OptionalInt index = simulator.indexOf(segment);
            if (index.isEmpty()) {
                throw new BadRequest("no miner at " + segment);
            }
            return index.getAsInt();
        }
        try {
            return Integer.parseInt(segment);
        } catch (NumberFormatException e) {
            throw new BadRequest("not a miner index or address: " + segment);
        }
    }

    private static double parameterValue(JsonNode parameter) {
        if (parameter.isTextual() && parameter.asText().toLowerCase(Locale.ROOT).startsWith("forever")) {
            return Double.POSITIVE_INFINITY;
        }
        return parameter.asDouble();
    }

    private static JsonNode parse(Buffer body) {
        try {
            JsonNode node = JSON.readTree(body == null ? "" : body.toString());
            if (node == null || !node.isObject()) {
                throw new BadRequest("expected a JSON object body");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new BadRequest("invalid JSON body: " + e.getOriginalMessage());
        }
    }

    private static String requireText(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || !value.isTextual()) {
            throw new BadRequest("'" + field + "' is required");
        }
        return value.asText();
    }

    private static int intParam(HttpServerRequest request, String name, int fallback) {
        String value = request.getParam(name);
        try {
            return value == null ? fallback : Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new BadRequest("'" + name + "' must be an integer");
        }
    }

    private static Response ok(Object body) {
        return new Response(200, body);
    }

    private static void respond(HttpServerRequest request, int status, Object body) {
        String text;
        try {
            text = JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            status = 500;
            text = "{\"error\":\"response not serialisable\"}";
        }
        request.response().setStatusCode(status).putHeader("content-type", "application/json").end(text);
    }

    private record Response(int status, Object body) {
    }

    private static final class BadRequest extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadRequest(String message) {
            super(message);
        }
    }
}
