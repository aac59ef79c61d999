package fleet.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The cgminer/LuxOS wire format as a plain socket client sees it (addresses 127.77.1.x). */
class WireProtocolTest {

    private static final int PORT = 4028;
    private static FleetSimulator sim;

    @BeforeAll
    static void startFleet() {
        sim = FleetSimulator.start(SimulatorConfig.builder()
                .miners(8)
                .firstAddress("127.77.1.1")
                .clock(SettableClock.startingAt("2026-03-01T12:00:00Z"))
                .models(java.util.List.of(MinerModel.ANTMINER_S21))
                .build());
    }

    @AfterAll
    static void stopFleet() {
        sim.close();
    }

    @Test
    void summaryIsNulTerminatedJsonWithStatusEnvelopeAndHashrates() {
        RawMinerClient.Exchange exchange = RawMinerClient.exchange(sim.host(0), PORT, "{\"command\":\"summary\"}");

        assertThat(exchange.nulTerminated()).isTrue();
        JsonNode reply = exchange.json();
        JsonNode status = reply.get("STATUS").get(0);
        assertThat(status.get("STATUS").asText()).isEqualTo("S");
        assertThat(status.get("Code").asInt()).isEqualTo(11);
        assertThat(status.get("Msg").asText()).isEqualTo("Summary");
        assertThat(status.get("Description").asText()).startsWith("LUXminer 2025.");
        assertThat(status.get("When").asLong()).isEqualTo(Instant.parse("2026-03-01T12:00:00Z").getEpochSecond());
        assertThat(reply.get("id").asInt()).isEqualTo(1);
        JsonNode summary = reply.get("SUMMARY").get(0);
        assertThat(summary.get("GHS 5s").asDouble()).isBetween(180_000.0, 220_000.0);
        assertThat(summary.get("GHS 1m").asDouble()).isBetween(180_000.0, 220_000.0);
        assertThat(summary.get("GHS av").asDouble()).isBetween(180_000.0, 220_000.0);
        assertThat(summary.get("Elapsed").asLong()).isGreaterThan(86_400);
        assertThat(summary.has("Accepted")).isTrue();
        assertThat(summary.has("Rejected")).isTrue();
    }

    @Test
    void logonAnswersSessionCreatedWithASessionId() {
        RawMinerClient.Exchange exchange = RawMinerClient.exchange(sim.host(1), PORT, "{\"command\":\"logon\"}");

        assertThat(exchange.nulTerminated()).isTrue();
        JsonNode reply = exchange.json();
        assertThat(reply.at("/STATUS/0/STATUS").asText()).isEqualTo("S");
        assertThat(reply.at("/STATUS/0/Code").asInt()).isEqualTo(316);
        assertThat(reply.at("/STATUS/0/Msg").asText()).isEqualTo("Session created");
        assertThat(reply.at("/SESSION/0/SessionID").asText()).matches("[A-Za-z0-9]{8}");
        RawMinerClient.command(sim.host(1), PORT, "logoff", reply.at("/SESSION/0/SessionID").asText());
    }

    @Test
    void jsonKeysAreSortedLikeLuxminerEmitsThem() {
        String text = RawMinerClient.exchange(sim.host(0), PORT, "{\"command\":\"version\"}").text();

        assertThat(text).startsWith("{\"STATUS\":[{\"Code\":22,\"Description\":");
        assertThat(text).endsWith(",\"id\":1}");
    }

    @Test
    void requestEndsWhereBracesBalanceWhateverFollows() {
        String summary = "{\"command\":\"summary\"}";
        assertThat(RawMinerClient.exchange(sim.host(2), PORT, summary + "\n").json().at("/STATUS/0/Code").asInt())
                .isEqualTo(11);
        assertThat(RawMinerClient.exchange(sim.host(2), PORT,
                RawMinerClient.concat(RawMinerClient.bytes(summary), new byte[] {0}), 3000, false)
                .json().at("/STATUS/0/Code").asInt()).isEqualTo(11);
        assertThat(RawMinerClient.exchange(sim.host(2), PORT, "{\n  \"command\": \"summary\",\n  \"parameter\": \"{}\"\n}")
                .json().at("/STATUS/0/Code").asInt()).isEqualTo(11);
        assertThat(RawMinerClient.exchangeInPieces(sim.host(2), PORT, "{\"comm", "and\":\"sum", "mary\"}")
                .json().at("/STATUS/0/Code").asInt()).isEqualTo(11);
    }

    @Test
    void clientThatHalfClosesAfterSendingStillGetsItsReply() {
        RawMinerClient.Exchange exchange = RawMinerClient.exchange(sim.host(2), PORT,
                RawMinerClient.bytes("{\"command\":\"power\"}"), 3000, true);

        assertThat(exchange.nulTerminated()).isTrue();
        assertThat(exchange.json().at("/POWER/0/Watts").asInt()).isBetween(3000, 4000);
    }

    @Test
    void plainTextRequestGetsCgminerTextReply() {
        RawMinerClient.Exchange exchange = RawMinerClient.exchange(sim.host(3), PORT, "summary|");

        assertThat(exchange.nulTerminated()).isTrue();
        assertThat(exchange.text()).startsWith("STATUS=S,When=").contains("Code=11,Msg=Summary").contains("|SUMMARY,");
        assertThat(exchange.text()).contains("GHS 5s=").endsWith("|");
    }

    @Test
    void multiCommandNestsOneCompleteReplyPerMember() {
        JsonNode reply = RawMinerClient.command(sim.host(3), PORT, "summary+power");

        assertThat(reply.at("/summary/0/STATUS/0/Code").asInt()).isEqualTo(11);
        assertThat(reply.at("/summary/0/SUMMARY/0/GHS 5s").asDouble()).isPositive();
        assertThat(reply.at("/power/0/STATUS/0/Code").asInt()).isEqualTo(311);
        assertThat(reply.at("/power/0/POWER/0/Watts").asInt()).isBetween(3000, 4000);
        assertThat(reply.at("/power/0/POWER/0/PSU").isBoolean()).isTrue();
        assertThat(reply.get("id").asInt()).isEqualTo(1);
    }

    @Test
    void multiCommandRefusesNonReportMembersSeparately() {
        JsonNode reply = RawMinerClient.command(sim.host(3), PORT, "summary+logon+nonsense");

        assertThat(reply.at("/summary/0/STATUS/0/STATUS").asText()).isEqualTo("S");
        assertThat(reply.at("/logon/0/STATUS/0/Code").asInt()).isEqualTo(45);
        assertThat(reply.at("/nonsense/0/STATUS/0/Code").asInt()).isEqualTo(14);
        assertThat(sim.miner(3).sessionHeld()).isFalse();
    }

    @Test
    void unknownCommandIsStatusErrorCode14() {
        JsonNode reply = RawMinerClient.command(sim.host(4), PORT, "fly");

        assertThat(reply.at("/STATUS/0/STATUS").asText()).isEqualTo("E");
        assertThat(reply.at("/STATUS/0/Code").asInt()).isEqualTo(14);
        assertThat(reply.at("/STATUS/0/Msg").asText()).isEqualTo("Invalid command");
    }

    @Test
    void brokenJsonAndMissingCommandGetCgminerErrors() {
        JsonNode invalid = RawMinerClient.exchange(sim.host(4), PORT, "{\"command\":summary}").json();
        JsonNode missing = RawMinerClient.exchange(sim.host(4), PORT, "{\"parameter\":\"x\"}").json();

        assertThat(invalid.at("/STATUS/0/Code").asInt()).isEqualTo(23);
        assertThat(missing.at("/STATUS/0/Code").asInt()).isEqualTo(24);
    }

    @Test
    void versionIdentifiesLuxminerAndTheModel() {
        JsonNode version = RawMinerClient.command(sim.host(5), PORT, "version").at("/VERSION/0");

        assertThat(version.get("LUXminer").asText()).isEqualTo("2025.4.8.220305-7b2c1f0");
        assertThat(version.get("API").asText()).isEqualTo("3.7");
        assertThat(version.get("Type").asText()).isEqualTo("Antminer S21");
    }

    @Test
    void configReportsModelNameplateAndAwakeCurtailMode() {
        JsonNode config = RawMinerClient.command(sim.host(5), PORT, "config").at("/CONFIG/0");

        assertThat(config.get("Model").asText()).isEqualTo("Antminer S21");
        assertThat(config.get("NameplateTHS").asDouble()).isEqualTo(200.0);
        assertThat(config.get("Profile").asText()).isEqualTo("default");
        assertThat(config.get("CurtailMode").asText()).isEqualTo("None");
        assertThat(config.get("IsPowerSupplyOn").asBoolean()).isTrue();
        assertThat(config.get("SystemStatus").asText()).isEqualTo("Normal");
    }

    @Test
    void devsPoolsAndStatsDescribeBoardsPoolAndChains() {
        JsonNode devs = RawMinerClient.command(sim.host(6), PORT, "devs");
        JsonNode pools = RawMinerClient.command(sim.host(6), PORT, "pools");
        JsonNode stats = RawMinerClient.command(sim.host(6), PORT, "stats");

        assertThat(devs.get("DEVS")).hasSize(3);
        assertThat(devs.at("/DEVS/0/MHS 5s").asDouble()).isPositive();
        assertThat(pools.at("/POOLS/0/Status").asText()).isEqualTo("Alive");
        assertThat(pools.at("/POOLS/0/Stratum Active").asBoolean()).isTrue();
        assertThat(pools.at("/POOLS/0/URL").asText()).startsWith("stratum+tcp://");
        assertThat(stats.at("/STATS/1/GHS 5s").asDouble()).isPositive();
        assertThat(stats.at("/STATS/1/chain_rate1").asDouble()).isPositive();
    }

    @Test
    void everyCommandIsLoggedWithTheSimulatorClockAndItsOutcome() {
        RawMinerClient.command(sim.host(7), PORT, "summary");
        RawMinerClient.command(sim.host(7), PORT, "fly");

        assertThat(sim.commandsReceived(sim.host(7)))
                .extracting(CommandRecord::command, CommandRecord::status, CommandRecord::code, CommandRecord::outcome)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("summary", "S", 11, CommandOutcome.REPLIED),
                        org.assertj.core.groups.Tuple.tuple("fly", "E", 14, CommandOutcome.REPLIED));
        assertThat(sim.commandsReceived(sim.host(7), "summary").get(0).at())
                .isEqualTo(Instant.parse("2026-03-01T12:00:00Z"));
    }
}
