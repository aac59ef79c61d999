package fleet.driver.transport;

import static fleet.driver.testsupport.ScriptedMinerServer.delayed;
import static fleet.driver.testsupport.ScriptedMinerServer.fixture;
import static fleet.driver.testsupport.ScriptedMinerServer.noAnswer;
import static fleet.driver.testsupport.ScriptedMinerServer.partialThenClose;
import static fleet.driver.testsupport.ScriptedMinerServer.reply;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fleet.driver.CommandOutcome.Kind;
import com.fasterxml.jackson.databind.JsonNode;
import fleet.driver.CommandOutcome;
import fleet.driver.DeviceEndpoint;
import fleet.driver.DriverSettings;
import fleet.driver.MinerCallException;
import fleet.driver.testsupport.Fixtures;
import fleet.driver.testsupport.MutableClock;
import fleet.driver.testsupport.ScriptedMinerServer;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CgminerClientTest {

    private static final String HOST = "127.88.1.1";
    private static final Duration AWAIT = Duration.ofSeconds(5);
    private static Vertx vertx;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T10:00:00Z"));
    private ScriptedMinerServer server;
    private CgminerClient client;

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopVertx() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @AfterEach
    void tearDown() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private DeviceEndpoint serve(DriverSettings settings, Function<JsonNode, ScriptedMinerServer.Reply> script) {
        server = ScriptedMinerServer.start(vertx, HOST, script);
        client = new CgminerClient(vertx, clock, settings);
        return server.endpoint("luxos");
    }

    private static MinerCallException failureOf(Uni<?> uni) {
        try {
            uni.await().atMost(AWAIT);
        } catch (MinerCallException e) {
            return e;
        }
        throw new AssertionError("expected a MinerCallException");
    }

    @Test
    void sendsBareJsonAndParsesAReplyEndedByNul() {
        DeviceEndpoint miner = serve(DriverSettings.defaults(), r -> fixture("luxos/summary_mining.json"));
        CgminerReply reply = client.send(miner, new CgminerRequest("summary", null)).await().atMost(AWAIT);
        assertThat(reply.ok()).isTrue();
        assertThat(HashrateFields.shortWindowHs(reply.first("SUMMARY"))).isEqualTo(110512.37e9);
        assertThat(server.requests()).hasSize(1);
        assertThat(server.requests().get(0).toString()).isEqualTo("{\"command\":\"summary\"}");
    }

    @Test
    void aReplyEndedByEofWithoutNulIsAcceptedToo() {
        byte[] withNul = Fixtures.bytes("luxos/power_psu.json");
        byte[] withoutNul = Arrays.copyOf(withNul, withNul.length - 1);
        DeviceEndpoint miner = serve(DriverSettings.defaults(), r -> reply(withoutNul));
        CgminerReply reply = client.send(miner, new CgminerRequest("power", null)).await().atMost(AWAIT);
        assertThat(reply.first("POWER").path("Watts").intValue()).isEqualTo(3242);
    }

    @Test
    void aMinerThatAcceptsAndNeverAnswersTimesOutWithinTheConfiguredBound() {
        DriverSettings settings = DriverSettings.builder().totalTimeout(Duration.ofMillis(300)).build();
        DeviceEndpoint miner = serve(settings, r -> noAnswer());
        long start = System.nanoTime();
        MinerCallException e = failureOf(client.send(miner, CgminerRequest.of("summary")));
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(elapsedMs).isBetween(250L, 2_000L);
    }

    @Test
    void closingMidReplyIsAProtocolErrorThatKeepsTheBytesReceived() {
        byte[] full = Fixtures.bytes("luxos/summary_mining.json");
        DeviceEndpoint miner = serve(DriverSettings.defaults(), r -> partialThenClose(full, 40));
        MinerCallException e = failureOf(client.send(miner, CgminerRequest.of("summary")));
        assertThat(e.kind()).isEqualTo(Kind.PROTOCOL_ERROR);
        assertThat(e.outcome().rawReply().bytes()).isEqualTo(Arrays.copyOf(full, 40));
    }

    @Test
    void aReplyLargerThanTheCapIsCutOffAsAProtocolError() {
        DriverSettings settings = DriverSettings.builder().maxReplyBytes(1024).rawReplyKeepBytes(64).build();
        byte[] huge = ("{\"STATUS\":[{\"STATUS\":\"S\"}],\"X\":\"" + "x".repeat(20_000) + "\"}\0")
                .getBytes(StandardCharsets.US_ASCII);
        DeviceEndpoint miner = serve(settings, r -> reply(huge));
        MinerCallException e = failureOf(client.send(miner, CgminerRequest.of("stats")));
        assertThat(e.kind()).isEqualTo(Kind.PROTOCOL_ERROR);
        assertThat(e.outcome().detail()).contains("exceeds 1024 bytes");
        assertThat(e.outcome().rawReply().bytes()).hasSize(64);
    }

    @Test
    void aConnectionClosedWithoutAnyReplyIsAProtocolError() {
        DeviceEndpoint miner = serve(DriverSettings.defaults(), r -> reply(new byte[0]));
        assertThat(failureOf(client.send(miner, CgminerRequest.of("summary"))).kind()).isEqualTo(Kind.PROTOCOL_ERROR);
    }

    @Test
    void malformedJsonIsAProtocolErrorWithTheRawReply() {
        byte[] garbage = Fixtures.bytes("quirks/not_json.txt");
        DeviceEndpoint miner = serve(DriverSettings.defaults(), r -> reply(garbage));
        MinerCallException e = failureOf(client.send(miner, CgminerRequest.of("summary")));
        assertThat(e.kind()).isEqualTo(Kind.PROTOCOL_ERROR);
        assertThat(e.outcome().rawReply().bytes()).isEqualTo(garbage);
        assertThat(e.outcome().describe()).contains("502 Bad Gateway");
    }

    @Test
    void aRefusedConnectionIsUnreachable() {
        client = new CgminerClient(vertx, clock, DriverSettings.defaults());
        DeviceEndpoint nobody = new DeviceEndpoint(UUID.randomUUID(), "nobody", "127.88.1.254", 4028, "luxos");
        assertThat(failureOf(client.send(nobody, CgminerRequest.of("summary"))).kind()).isEqualTo(Kind.UNREACHABLE);
    }

    @Test
    void repeatedTimeoutsOpenTheMinersCircuitSoLaterCallsFailFastWithoutConnecting() {
        DriverSettings settings = DriverSettings.builder().totalTimeout(Duration.ofMillis(150))
                .breakerFailureThreshold(2).breakerCoolOff(Duration.ofSeconds(30)).build();
        DeviceEndpoint miner = serve(settings, r -> noAnswer());
        assertThat(failureOf(client.send(miner, CgminerRequest.of("summary"))).kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(failureOf(client.send(miner, CgminerRequest.of("summary"))).kind()).isEqualTo(Kind.TIMEOUT);

        MinerCallException fast = failureOf(client.send(miner, CgminerRequest.of("summary")));
        assertThat(fast.kind()).isEqualTo(Kind.UNREACHABLE);
        assertThat(fast.outcome().detail()).contains("circuit open");
        assertThat(server.requests()).hasSize(2);

        clock.advance(Duration.ofSeconds(30));
        server.script(r -> fixture("luxos/summary_mining.json"));
        assertThat(client.send(miner, CgminerRequest.of("summary")).await().atMost(AWAIT).ok())
                .as("the half-open probe succeeds and closes the circuit").isTrue();
        assertThat(client.breaker().trackedMiners()).isZero();
    }

    @Test
    void multiCommandRepliesAreSplitPerCommand() {
        DeviceEndpoint miner = serve(DriverSettings.defaults(),
                r -> fixture("luxos/multi_summary_power_config_pools.json"));
        Map<String, CgminerReply> replies = client.sendMulti(miner, List.of("summary", "power", "config", "pools"))
                .await().atMost(AWAIT);
        assertThat(replies).containsOnlyKeys("summary", "power", "config", "pools");
        assertThat(replies.get("power").first("POWER").path("PSU").booleanValue()).isTrue();
        assertThat(server.commands()).containsExactly("summary+power+config+pools");
    }

    @Test
    void firmwareThatRejectsMultiCommandsGetsOneConnectionPerCommandAndIsRemembered() {
        DeviceEndpoint miner = serve(DriverSettings.defaults(), r -> switch (r.path("command").asText()) {
            case "summary" -> fixture("cgminer/summary_bmminer.json");
            case "pools" -> fixture("cgminer/pools_alive.json");
            default -> fixture("cgminer/multi_rejected.json");
        });
        Map<String, CgminerReply> first = client.sendMulti(miner, List.of("summary", "pools")).await().atMost(AWAIT);
        assertThat(first).containsOnlyKeys("summary", "pools");
        client.sendMulti(miner, List.of("summary", "pools")).await().atMost(AWAIT);
        assertThat(server.commands()).containsExactly("summary+pools", "summary", "pools", "summary", "pools");
    }

    @Test
    void openConnectionsStayWithinTheGlobalBoundAndExcessCallsQueue() {
        DriverSettings settings = DriverSettings.builder().maxInFlight(2).build();
        DeviceEndpoint miner = serve(settings, r -> delayed(fixture("luxos/power_psu.json"), 100));
        List<Uni<CgminerReply>> calls = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            calls.add(client.send(miner, CgminerRequest.of("power")));
        }
        List<CgminerReply> replies = Uni.join().all(calls).andFailFast().await().atMost(AWAIT);
        assertThat(replies).hasSize(6).allMatch(CgminerReply::ok);
        assertThat(server.maxConcurrentConnections()).isBetween(1, 2);
        assertThat(client.limiter().inFlight()).isZero();
    }

    @Test
    void anErrorStatusIsAReplyNotAFailure() {
        DeviceEndpoint miner = serve(DriverSettings.defaults(), r -> fixture("luxos/access_denied_45.json"));
        CgminerReply reply = client.send(miner, new CgminerRequest("curtail", "sid,sleep")).await().atMost(AWAIT);
        assertThat(StatusOutcomes.of(reply).kind()).isEqualTo(CommandOutcome.Kind.REFUSED);
        assertThat(server.requests().get(0).path("parameter").asText()).isEqualTo("sid,sleep");
        assertThatThrownBy(() -> new CgminerRequest(" ", null)).isInstanceOf(IllegalArgumentException.class);
    }
}
