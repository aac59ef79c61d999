package fleet.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** 2 000 miners on 2 000 addresses in one process, each read once (addresses 127.78.0.1 - 127.78.7.208). */
class FleetScaleTest {

    private static final int MINERS = 2_000;
    private static final int PORT = 4028;

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void twoThousandMinersStartAnswerOnTheirOwnAddressAndStop() throws Exception {
        SettableClock clock = SettableClock.startingAt("2026-03-01T12:00:00Z");
        List<String> hosts = new ArrayList<>();
        double truthKw;
        try (FleetSimulator sim = FleetSimulator.start(SimulatorConfig.builder()
                .miners(MINERS)
                .firstAddress("127.78.0.1")
                .clock(clock)
                .build())) {
            assertThat(sim.host(MINERS - 1)).isEqualTo("127.78.7.208");
            truthKw = sim.truth().trueTotalKw();

            ExecutorService clients = Executors.newFixedThreadPool(8);
            List<Future<JsonNode>> replies = new ArrayList<>();
            for (int i = 0; i < MINERS; i++) {
                String host = sim.host(i);
                hosts.add(host);
                replies.add(clients.submit(() -> RawMinerClient.command(host, PORT, "summary+power")));
            }
            double reportedKw = 0;
            for (Future<JsonNode> reply : replies) {
                JsonNode json = reply.get(10, TimeUnit.SECONDS);
                assertThat(json.at("/summary/0/STATUS/0/STATUS").asText()).isEqualTo("S");
                reportedKw += json.at("/power/0/POWER/0/Watts").asDouble() / 1000;
            }
            clients.shutdown();

            assertThat(sim.connectionsAccepted()).isEqualTo(MINERS);
            assertThat(sim.commandsReceivedByAll("summary")).hasSize(MINERS);
            assertThat(sim.commandsReceived(hosts.get(1234), "power")).hasSize(1);
            assertThat(reportedKw).as("read noise averages out over the fleet").isCloseTo(truthKw,
                    org.assertj.core.api.Assertions.within(truthKw * 0.005));
            assertThat(truthKw).isBetween(MINERS * 3.0, MINERS * 3.9);
            assertThat(sim.internalErrors()).isZero();
        }
        assertThat(RawMinerClient.refused(hosts.get(0), PORT)).isTrue();
        assertThat(RawMinerClient.refused(hosts.get(MINERS - 1), PORT)).isTrue();
    }

    @Test
    void startFailsCleanlyWhenAnAddressIsTaken() throws Exception {
        try (java.net.ServerSocket squatter = new java.net.ServerSocket()) {
            squatter.bind(new java.net.InetSocketAddress("127.78.8.3", PORT));

            org.assertj.core.api.Assertions.assertThatThrownBy(() -> FleetSimulator.start(SimulatorConfig.builder()
                            .miners(5)
                            .firstAddress("127.78.8.1")
                            .build()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("127.78.8.3:4028");
        }
        // Nothing stays bound from the failed attempt.
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> RawMinerClient.refused("127.78.8.1", PORT));
    }
}
