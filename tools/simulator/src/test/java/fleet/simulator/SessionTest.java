package fleet.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** LuxOS sessions: one holder, 60 s idle expiry refreshed on use, 402 when busy (addresses 127.77.2.x). */
class SessionTest {

    private static final int PORT = 4028;
    private final SettableClock clock = SettableClock.startingAt("2026-03-01T12:00:00Z");
    private FleetSimulator sim;

    @AfterEach
    void stopFleet() {
        if (sim != null) {
            sim.close();
        }
    }

    private void startFleet(double timeScale) {
        sim = FleetSimulator.start(SimulatorConfig.builder()
                .miners(2)
                .firstAddress("127.77.2.1")
                .clock(clock)
                .timeScale(timeScale)
                .build());
    }

    private String logon() {
        JsonNode reply = RawMinerClient.command(sim.host(0), PORT, "logon");
        assertThat(reply.at("/STATUS/0/Code").asInt()).as("logon: %s", reply).isEqualTo(316);
        return reply.at("/SESSION/0/SessionID").asText();
    }

    @Test
    void secondLogonWhileASessionIsHeldGets402AndNoSession() {
        startFleet(1);
        logon();

        JsonNode second = RawMinerClient.command(sim.host(0), PORT, "logon");

        assertThat(second.at("/STATUS/0/STATUS").asText()).isEqualTo("E");
        assertThat(second.at("/STATUS/0/Code").asInt()).isEqualTo(402);
        assertThat(second.at("/STATUS/0/Msg").asText()).isEqualTo("Another session is active");
        assertThat(second.has("SESSION")).isFalse();
    }

    @Test
    void sessionCommandShowsTheActiveIdOrBlank() {
        startFleet(1);
        assertThat(RawMinerClient.command(sim.host(0), PORT, "session").at("/SESSION/0/SessionID").asText()).isEmpty();

        String id = logon();

        JsonNode session = RawMinerClient.command(sim.host(0), PORT, "session");
        assertThat(session.at("/STATUS/0/Code").asInt()).isEqualTo(319);
        assertThat(session.at("/SESSION/0/SessionID").asText()).isEqualTo(id);
    }

    @Test
    void idleSessionExpiresAfterOneMinute() {
        startFleet(1);
        String first = logon();

        clock.advance(Duration.ofSeconds(59));
        assertThat(RawMinerClient.command(sim.host(0), PORT, "logon").at("/STATUS/0/Code").asInt()).isEqualTo(402);
        clock.advance(Duration.ofSeconds(2));
        String second = logon();

        assertThat(second).isNotEqualTo(first);
        JsonNode staleUse = RawMinerClient.command(sim.host(0), PORT, "curtail", first + ",sleep");
        assertThat(staleUse.at("/STATUS/0/Code").asInt()).isEqualTo(401);
    }

    @Test
    void usingTheSessionRefreshesItsIdleTimer() {
        startFleet(1);
        String id = logon();

        clock.advance(Duration.ofSeconds(45));
        assertThat(RawMinerClient.command(sim.host(0), PORT, "profileset", id + ",default").at("/STATUS/0/Code").asInt())
                .isEqualTo(321);
        clock.advance(Duration.ofSeconds(45));

        JsonNode curtail = RawMinerClient.command(sim.host(0), PORT, "curtail", id + ",sleep");
        assertThat(curtail.at("/STATUS/0/Code").asInt()).isEqualTo(335);
    }

    @Test
    void expiryRunsOnMinerTimeSoTheTimeScaleShortensIt() {
        startFleet(10);
        logon();

        clock.advance(Duration.ofMillis(6_100));

        assertThat(RawMinerClient.command(sim.host(0), PORT, "session").at("/SESSION/0/SessionID").asText()).isEmpty();
        logon();
    }

    @Test
    void logoffReleasesTheSessionForTheNextHolder() {
        startFleet(1);
        String id = logon();

        JsonNode logoff = RawMinerClient.command(sim.host(0), PORT, "logoff", id);

        assertThat(logoff.at("/STATUS/0/STATUS").asText()).isEqualTo("S");
        assertThat(sim.miner(0).sessionHeld()).isFalse();
        logon();
    }

    @Test
    void privilegedCommandWithWrongOrMissingSessionIsRefusedAndChangesNothing() {
        startFleet(1);
        logon();

        JsonNode wrong = RawMinerClient.command(sim.host(0), PORT, "curtail", "notmine1,sleep");
        JsonNode missing = RawMinerClient.command(sim.host(0), PORT, "curtail");
        JsonNode noSessionAtAll = RawMinerClient.command(sim.host(1), PORT, "curtail", "abcdefgh,sleep");

        for (JsonNode reply : new JsonNode[] {wrong, missing, noSessionAtAll}) {
            assertThat(reply.at("/STATUS/0/STATUS").asText()).isEqualTo("E");
            assertThat(reply.at("/STATUS/0/Code").asInt()).isEqualTo(401);
            assertThat(reply.at("/STATUS/0/Msg").asText()).isEqualTo("Invalid session id");
        }
        assertThat(sim.miner(0).sleepRequested()).isFalse();
        assertThat(sim.miner(1).physicalState()).isEqualTo(MinerState.MINING);
    }

    @Test
    void readCommandsNeedNoSession() {
        startFleet(1);
        logon();

        assertThat(RawMinerClient.command(sim.host(0), PORT, "summary").at("/STATUS/0/STATUS").asText()).isEqualTo("S");
        assertThat(RawMinerClient.command(sim.host(0), PORT, "power").at("/STATUS/0/STATUS").asText()).isEqualTo("S");
    }
}
