package fleet.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP control surface (miners on 127.77.6.1-4, control on 127.77.6.250, any port). */
class ControlHttpServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PORT = 4028;
    private final SettableClock clock = SettableClock.startingAt("2026-03-01T12:00:00Z");
    private final HttpClient http = HttpClient.newHttpClient();
    private FleetSimulator sim;
    private String base;

    @BeforeEach
    void startFleet() {
        sim = FleetSimulator.start(SimulatorConfig.builder()
                .miners(4)
                .firstAddress("127.77.6.1")
                .clock(clock)
                .models(List.of(MinerModel.ANTMINER_T21))
                .controlSurface("127.77.6.250", 0)
                .build());
        base = "http://127.77.6.250:" + sim.controlPort().orElseThrow();
    }

    @AfterEach
    void stopFleet() {
        sim.close();
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(base + path))
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void truthReportsTotalKilowattsAndCountsPerState() throws Exception {
        JsonNode truth = get("/truth");

        assertThat(truth.get("miners").asInt()).isEqualTo(4);
        assertThat(truth.get("trueTotalKw").asDouble()).isCloseTo(sim.truth().trueTotalKw(),
                org.assertj.core.api.Assertions.within(0.001));
        assertThat(truth.at("/states/MINING").asInt()).isEqualTo(4);
        assertThat(truth.at("/states/SLEEPING").asInt()).isZero();
    }

    @Test
    void minerEndpointAcceptsIndexOrAddress() throws Exception {
        JsonNode byIndex = get("/miners/2");
        JsonNode byAddress = get("/miners/127.77.6.3");

        assertThat(byIndex.get("host").asText()).isEqualTo("127.77.6.3");
        assertThat(byAddress.get("index").asInt()).isEqualTo(2);
        assertThat(byIndex.get("model").asText()).isEqualTo("Antminer T21");
        assertThat(byIndex.get("state").asText()).isEqualTo("MINING");
        assertThat(get("/miners?limit=2").get("miners")).hasSize(2);
    }

    @Test
    void faultsCanBeSetBySelectorAndCleared() throws Exception {
        HttpResponse<String> set = post("/faults", "{\"fault\":\"offline\",\"miners\":{\"from\":1,\"to\":2}}");
        assertThat(set.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(set.body()).get("applied").asInt()).isEqualTo(2);
        await().atMost(Duration.ofSeconds(5)).until(() -> RawMinerClient.refused(sim.host(2), PORT));
        assertThat(RawMinerClient.refused(sim.host(0), PORT)).isFalse();
        assertThat(get("/truth").get("unreachable").asInt()).isEqualTo(2);

        HttpResponse<String> flaky = post("/faults",
                "{\"fault\":\"flaky_telemetry\",\"parameter\":0.25,\"miners\":{\"fraction\":0.5,\"seed\":3}}");
        assertThat(JSON.readTree(flaky.body()).get("fault").asText()).isEqualTo("flaky_telemetry(0.25)");

        HttpResponse<String> cleared = post("/faults/clear", "{\"fault\":\"offline\",\"miners\":\"all\"}");
        assertThat(JSON.readTree(cleared.body()).get("cleared").asInt()).isEqualTo(2);
        await().atMost(Duration.ofSeconds(5)).until(() -> !RawMinerClient.refused(sim.host(2), PORT));
    }

    @Test
    void badFaultRequestsAreRejectedWith400() throws Exception {
        assertThat(post("/faults", "{\"fault\":\"gremlins\",\"miners\":\"all\"}").statusCode()).isEqualTo(400);
        assertThat(post("/faults", "{\"fault\":\"offline\"}").statusCode()).isEqualTo(400);
        assertThat(post("/faults", "not json").statusCode()).isEqualTo(400);
        assertThat(post("/faults", "{\"fault\":\"offline\",\"miners\":{\"index\":99}}").statusCode()).isEqualTo(400);
    }

    @Test
    void wakeEndpointWakesASleepingMinerBehindTheSystemsBack() throws Exception {
        sim.sleepBehindTheSystemsBack(0);
        clock.advance(Duration.ofSeconds(10));
        assertThat(get("/miners/0").get("state").asText()).isEqualTo("SLEEPING");

        assertThat(post("/miners/0/wake", "").statusCode()).isEqualTo(200);
        clock.advance(Duration.ofSeconds(11));

        assertThat(get("/miners/0").get("state").asText()).isEqualTo("MINING");
        assertThat(get("/miners/0").get("curtailMode").asText()).isEqualTo("None");
    }

    @Test
    void commandsEndpointListsWhatAMinerReceived() throws Exception {
        RawMinerClient.command(sim.host(1), PORT, "summary");
        String id = RawMinerClient.command(sim.host(1), PORT, "logon").at("/SESSION/0/SessionID").asText();
        RawMinerClient.command(sim.host(1), PORT, "curtail", id + ",sleep");

        JsonNode all = get("/commands?host=127.77.6.2");
        JsonNode curtails = get("/commands?host=127.77.6.2&command=curtail");

        assertThat(all.get("matching").asInt()).isEqualTo(3);
        assertThat(curtails.get("commands")).hasSize(1);
        JsonNode curtail = curtails.at("/commands/0");
        assertThat(curtail.get("parameter").asText()).isEqualTo(id + ",sleep");
        assertThat(curtail.get("code").asInt()).isEqualTo(335);
        assertThat(curtail.get("at").asText()).isEqualTo("2026-03-01T12:00:00Z");
        assertThat(curtail.get("outcome").asText()).isEqualTo("REPLIED");

        http.send(HttpRequest.newBuilder(URI.create(base + "/commands")).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(get("/commands").get("matching").asInt()).isZero();
    }

    @Test
    void bodiesAboveTheLimitAreRefusedWith413() throws Exception {
        String selector = "{\"miners\":\"all\"}";
        String atTheLimit = selector + " ".repeat((int) ControlHttpServer.MAX_BODY_BYTES - selector.length());

        HttpResponse<String> accepted = post("/faults/clear", atTheLimit);
        HttpResponse<String> refused = post("/faults/clear", atTheLimit + " ");

        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
        assertThat(refused.statusCode()).isEqualTo(413);
        assertThat(refused.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(JSON.readTree(refused.body()).get("error").asText()).isEqualTo("Request Entity Too Large");
        assertThat(get("/health").get("status").asText()).isEqualTo("UP");
    }

    @Test
    void aChunkedBodyWithoutALengthIsCutOffAt413Too() throws Exception {
        // no Content-Length: the limit is enforced while the body streams in, not from a declared size
        byte[] tooLarge = new byte[(int) ControlHttpServer.MAX_BODY_BYTES * 3];
        java.util.Arrays.fill(tooLarge, (byte) ' ');
        HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create(base + "/faults"))
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(tooLarge)))
                        .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(refused.statusCode()).isEqualTo(413);
        assertThat(get("/health").get("status").asText()).isEqualTo("UP");
    }

    @Test
    void unknownEndpointsMethodsAndActionsAnswer404() throws Exception {
        HttpResponse<String> noRoute = send("GET", "/nowhere");
        HttpResponse<String> wrongMethod = send("PUT", "/truth");
        HttpResponse<String> unknownAction = post("/miners/0/dance", "");

        assertThat(noRoute.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(noRoute.body()).get("error").asText()).isEqualTo("no such endpoint: GET /nowhere");
        assertThat(wrongMethod.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(wrongMethod.body()).get("error").asText()).isEqualTo("no such endpoint: PUT /truth");
        assertThat(unknownAction.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(unknownAction.body()).get("error").asText()).isEqualTo("unknown miner action 'dance'");
        assertThat(send("GET", "/miners/nope").statusCode()).isEqualTo(400);
    }

    private HttpResponse<String> send(String method, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(base + path))
                        .method(method, HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
