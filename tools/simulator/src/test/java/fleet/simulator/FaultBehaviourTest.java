package fleet.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Each fault type as a client sees it, and what the ground truth says meanwhile (addresses 127.77.4.x). */
class FaultBehaviourTest {

    private static final int PORT = 4028;
    private final SettableClock clock = SettableClock.startingAt("2026-03-01T12:00:00Z");
    private FleetSimulator sim;

    @AfterEach
    void stopFleet() {
        if (sim != null) {
            sim.close();
        }
    }

    private void startFleet(long seed, FaultAssignment... faults) {
        SimulatorConfig.Builder builder = SimulatorConfig.builder()
                .miners(4)
                .firstAddress("127.77.4.1")
                .clock(clock)
                .seed(seed)
                .models(List.of(MinerModel.ANTMINER_S19_PRO))
                .physics(PhysicsSettings.defaults().withoutReadNoise());
        for (FaultAssignment fault : faults) {
            builder.fault(fault);
        }
        sim = FleetSimulator.start(builder.build());
    }

    private void startFleet() {
        startFleet(42);
    }

    private String host() {
        return sim.host(0);
    }

    private JsonNode command(String command, String parameter) {
        return RawMinerClient.command(host(), PORT, command, parameter);
    }

    private String logon() {
        JsonNode reply = command("logon", null);
        assertThat(reply.at("/STATUS/0/Code").asInt()).as("logon: %s", reply).isEqualTo(316);
        return reply.at("/SESSION/0/SessionID").asText();
    }

    private JsonNode curtail(String action) {
        String id = logon();
        JsonNode reply = command("curtail", id + "," + action);
        command("logoff", id);
        return reply;
    }

    private static int code(JsonNode reply) {
        return reply.at("/STATUS/0/Code").asInt();
    }

    @Test
    void refuseAnswersAccessDeniedToPrivilegedCommandsOnly() {
        startFleet();
        String id = logon();
        sim.setFault(0, Fault.of(FaultType.REFUSE));

        assertThat(code(command("logon", null))).isEqualTo(45);
        JsonNode curtail = command("curtail", id + ",sleep");
        assertThat(curtail.at("/STATUS/0/STATUS").asText()).isEqualTo("E");
        assertThat(code(curtail)).isEqualTo(45);
        assertThat(code(command("summary", null))).isEqualTo(11);
        assertThat(sim.miner(0).physicalState()).isEqualTo(MinerState.MINING);
    }

    @Test
    void busyAnswers402ToEveryLogon() {
        startFleet();
        sim.setFault(0, Fault.of(FaultType.BUSY));

        for (int attempt = 0; attempt < 3; attempt++) {
            JsonNode logon = command("logon", null);
            assertThat(code(logon)).isEqualTo(402);
            assertThat(logon.has("SESSION")).isFalse();
        }
        assertThat(command("session", null).at("/SESSION/0/SessionID").asText()).as("the phantom holder").isNotEmpty();

        sim.clearFault(0, FaultType.BUSY);
        logon();
    }

    @Test
    void authFailureRejectsLogon() {
        startFleet();
        sim.setFault(0, Fault.of(FaultType.AUTH_FAILURE));

        JsonNode logon = command("logon", null);

        assertThat(logon.at("/STATUS/0/STATUS").asText()).isEqualTo("E");
        assertThat(code(logon)).isEqualTo(403);
        assertThat(logon.at("/STATUS/0/Msg").asText()).isEqualTo("Authentication failed");
    }

    @Test
    void timeoutAcceptsTheConnectionButNeverAnswersNorExecutes() {
        startFleet();
        String id = logon();
        sim.setFault(0, Fault.of(FaultType.TIMEOUT));

        RawMinerClient.Exchange exchange = RawMinerClient.exchange(host(), PORT,
                RawMinerClient.bytes("{\"command\":\"curtail\",\"parameter\":\"" + id + ",sleep\"}"), 300, false);

        assertThat(exchange.timedOut()).isTrue();
        assertThat(exchange.body()).isEmpty();
        assertThat(sim.miner(0).sleepRequested()).isFalse();
        assertThat(sim.commandsReceived(host(), "curtail")).singleElement()
                .extracting(CommandRecord::outcome).isEqualTo(CommandOutcome.NO_REPLY);
    }

    @Test
    void closeMidReplyExecutesTheCommandButCutsTheAnswer() {
        startFleet();
        String id = logon();
        sim.setFault(0, Fault.of(FaultType.CLOSE_MID_REPLY));

        RawMinerClient.Exchange exchange = RawMinerClient.exchange(host(), PORT,
                "{\"command\":\"curtail\",\"parameter\":\"" + id + ",sleep\"}");

        assertThat(exchange.nulTerminated()).isFalse();
        assertThat(exchange.timedOut()).isFalse();
        assertThat(exchange.body()).isNotEmpty();
        assertThat(exchange.text()).doesNotEndWith("}");
        assertThat(sim.miner(0).sleepRequested()).as("the miner acted on it").isTrue();
        assertThat(sim.commandsReceived(host(), "curtail")).singleElement()
                .extracting(CommandRecord::outcome).isEqualTo(CommandOutcome.CLOSED_MID_REPLY);
    }

    @Test
    void malformedJsonSendsAnUnparseableNulTerminatedReply() {
        startFleet();
        sim.setFault(0, Fault.of(FaultType.MALFORMED_JSON));

        RawMinerClient.Exchange exchange = RawMinerClient.exchange(host(), PORT, "{\"command\":\"summary\"}");

        assertThat(exchange.nulTerminated()).isTrue();
        assertThat(exchange.text()).startsWith("{\"STATUS\"");
        assertThatThrownBy(() -> new ObjectMapper().readTree(exchange.body())).isInstanceOf(JsonProcessingException.class);
    }

    @Test
    void stuckHashingAcknowledgesSleepButKeepsMining() {
        startFleet();
        double full = sim.miner(0).operatingPowerW();
        sim.setFault(0, Fault.of(FaultType.STUCK_HASHING));

        JsonNode reply = curtail("sleep");
        clock.advance(Duration.ofSeconds(30));

        assertThat(code(reply)).isEqualTo(335);
        assertThat(command("config", null).at("/CONFIG/0/CurtailMode").asText()).isEqualTo("Sleep");
        assertThat(command("power", null).at("/POWER/0/Watts").asDouble()).isCloseTo(full, within(1.0));
        assertThat(command("summary", null).at("/SUMMARY/0/GHS 5s").asDouble()).isPositive();
        assertThat(sim.miner(0).physicalState()).isEqualTo(MinerState.MINING);
        assertThat(sim.miner(0).truePowerW()).isCloseTo(full, within(0.01));
    }

    @Test
    void slowWakeStretchesTheWakeRamp() {
        startFleet();
        sim.setFault(0, Fault.of(FaultType.SLOW_WAKE, 10));
        curtail("sleep");
        clock.advance(Duration.ofSeconds(10));

        curtail("wakeup");
        clock.advance(Duration.ofSeconds(20));
        assertThat(sim.miner(0).state()).isEqualTo(MinerState.WAKING);
        clock.advance(Duration.ofSeconds(81));
        assertThat(sim.miner(0).state()).isEqualTo(MinerState.MINING);
    }

    @Test
    void failingWakeSwallowsTheFirstAttemptsThenWakes() {
        startFleet();
        sim.setFault(0, Fault.of(FaultType.FAILING_WAKE, 2));
        curtail("sleep");
        clock.advance(Duration.ofSeconds(10));

        for (int attempt = 1; attempt <= 2; attempt++) {
            assertThat(code(curtail("wakeup"))).isEqualTo(335);
            clock.advance(Duration.ofSeconds(15));
            assertThat(sim.miner(0).state()).as("after attempt %d", attempt).isEqualTo(MinerState.SLEEPING);
            assertThat(command("config", null).at("/CONFIG/0/CurtailMode").asText()).isEqualTo("Sleep");
        }
        curtail("wakeup");
        clock.advance(Duration.ofSeconds(15));
        assertThat(sim.miner(0).state()).isEqualTo(MinerState.MINING);
    }

    @Test
    void failingWakeForeverNeverWakesButTheSystemsBackStillCan() {
        startFleet();
        sim.setFault(0, Fault.of(FaultType.FAILING_WAKE));
        curtail("sleep");
        clock.advance(Duration.ofSeconds(10));

        for (int attempt = 0; attempt < 5; attempt++) {
            curtail("wakeup");
        }
        clock.advance(Duration.ofSeconds(30));
        assertThat(sim.miner(0).state()).isEqualTo(MinerState.SLEEPING);

        sim.wakeBehindTheSystemsBack(0);
        clock.advance(Duration.ofSeconds(11));
        assertThat(sim.miner(0).state()).isEqualTo(MinerState.MINING);
    }

    @Test
    void flakyTelemetryDropsReadsButNotControlCommands() {
        startFleet();
        sim.setFault(0, Fault.of(FaultType.FLAKY_TELEMETRY, 1.0));

        RawMinerClient.Exchange read = RawMinerClient.exchange(host(), PORT, "{\"command\":\"summary\"}");

        assertThat(read.isEmpty()).isTrue();
        assertThat(read.timedOut()).isFalse();
        logon();
        assertThat(sim.commandsReceived(host(), "summary")).singleElement()
                .extracting(CommandRecord::outcome).isEqualTo(CommandOutcome.DROPPED);
    }

    @Test
    void flakyTelemetryDropsAReproducibleShareOfReads() {
        List<Boolean> first = dropPattern(7);
        List<Boolean> second = dropPattern(7);

        assertThat(first).isEqualTo(second);
        assertThat(first.stream().filter(dropped -> dropped).count()).isBetween(10L, 30L);
    }

    private List<Boolean> dropPattern(long seed) {
        startFleet(seed);
        sim.setFault(0, Fault.of(FaultType.FLAKY_TELEMETRY, 0.5));
        List<Boolean> dropped = new ArrayList<>();
        for (int read = 0; read < 40; read++) {
            dropped.add(RawMinerClient.exchange(host(), PORT, "{\"command\":\"power\"}").isEmpty());
        }
        sim.close();
        sim = null;
        return dropped;
    }

    @Test
    void frozenTelemetryRepeatsTheValuesAndTimestampCapturedWhenSet() {
        startFleet();
        double full = command("power", null).at("/POWER/0/Watts").asDouble();
        sim.setFault(0, Fault.of(FaultType.FROZEN_TELEMETRY));
        long frozenWhen = command("summary", null).at("/STATUS/0/When").asLong();

        curtail("sleep");
        clock.advance(Duration.ofSeconds(30));

        JsonNode summary = command("summary", null);
        assertThat(summary.at("/STATUS/0/When").asLong()).isEqualTo(frozenWhen);
        assertThat(summary.at("/SUMMARY/0/GHS 5s").asDouble()).isPositive();
        assertThat(command("power", null).at("/POWER/0/Watts").asDouble()).isCloseTo(full, within(1.0));
        assertThat(sim.miner(0).truePowerW()).as("truth is not frozen").isCloseTo(25.0, within(0.01));

        sim.clearFault(0, FaultType.FROZEN_TELEMETRY);
        assertThat(command("power", null).at("/POWER/0/Watts").asDouble()).isCloseTo(25.0, within(1.0));
    }

    @Test
    void powerAbsentLeavesOnlyHashrateToConfirmWith() {
        startFleet();
        sim.setFault(0, Fault.of(FaultType.POWER_ABSENT));

        JsonNode power = command("power", null);
        JsonNode joined = command("summary+power", null);

        assertThat(power.at("/STATUS/0/STATUS").asText()).isEqualTo("E");
        assertThat(code(power)).isEqualTo(14);
        assertThat(power.has("POWER")).isFalse();
        assertThat(joined.at("/power/0/STATUS/0/Code").asInt()).isEqualTo(14);
        assertThat(joined.at("/summary/0/SUMMARY/0/GHS 5s").asDouble()).isPositive();
    }

    @Test
    void offlineRefusesConnectionsUntilCleared() {
        startFleet();
        sim.setFault(0, Fault.of(FaultType.OFFLINE));

        await().atMost(Duration.ofSeconds(5)).until(() -> RawMinerClient.refused(host(), PORT));
        assertThat(sim.miner(0).state()).isEqualTo(MinerState.OFFLINE);
        assertThat(sim.miner(0).truePowerW()).as("a network outage leaves the boards running").isGreaterThan(3000);
        assertThat(RawMinerClient.refused(sim.host(1), PORT)).isFalse();

        sim.clearFault(0, FaultType.OFFLINE);
        await().atMost(Duration.ofSeconds(5)).until(() -> !RawMinerClient.refused(host(), PORT));
        assertThat(code(command("summary", null))).isEqualTo(11);
    }

    @Test
    void flappingAlternatesBetweenRefusedAndReachableOverMinerTime() {
        startFleet();
        sim.setFault(0, Fault.of(FaultType.FLAPPING, 30));
        boolean startedReachable = sim.miner(0).reachable();

        clock.advance(Duration.ofSeconds(30));
        await().atMost(Duration.ofSeconds(5)).until(() -> RawMinerClient.refused(host(), PORT) == startedReachable);
        clock.advance(Duration.ofSeconds(30));
        await().atMost(Duration.ofSeconds(5)).until(() -> RawMinerClient.refused(host(), PORT) != startedReachable);

        sim.clearFault(0, FaultType.FLAPPING);
        await().atMost(Duration.ofSeconds(5)).until(() -> !RawMinerClient.refused(host(), PORT));
    }

    @Test
    void poolLossZeroesHashrateWhileTheBoardsStillDrawPower() {
        startFleet();
        double full = sim.miner(0).operatingPowerW();
        sim.setFault(0, Fault.of(FaultType.POOL_LOSS));
        clock.advance(Duration.ofSeconds(2));

        assertThat(command("summary", null).at("/SUMMARY/0/GHS 5s").asDouble()).isZero();
        assertThat(command("power", null).at("/POWER/0/Watts").asDouble()).isCloseTo(0.9 * full, within(1.0));
        assertThat(command("pools", null).at("/POOLS/0/Status").asText()).isEqualTo("Dead");
        assertThat(sim.miner(0).state()).isEqualTo(MinerState.NO_POOL);

        sim.clearFault(0, FaultType.POOL_LOSS);
        clock.advance(Duration.ofSeconds(6));
        assertThat(sim.miner(0).state()).isEqualTo(MinerState.MINING);
        assertThat(command("pools", null).at("/POOLS/0/Status").asText()).isEqualTo("Alive");
    }

    @Test
    void poolComingBackDuringAWakeRampEndsInMining() {
        startFleet();
        sim.setFault(0, Fault.of(FaultType.POOL_LOSS));
        curtail("sleep");
        clock.advance(Duration.ofSeconds(10));
        curtail("wakeup");
        clock.advance(Duration.ofSeconds(3));

        sim.clearFault(0, FaultType.POOL_LOSS);
        clock.advance(Duration.ofSeconds(15));

        assertThat(sim.miner(0).state()).isEqualTo(MinerState.MINING);
        assertThat(sim.miner(0).trueHashrateThs()).isPositive();
    }

    @Test
    void faultsGivenAtStartUpApplyToTheSelectedMinersOnly() {
        startFleet(42, FaultAssignment.parse("offline:1", 42), FaultAssignment.parse("stuck_hashing:2-3", 42));

        assertThat(RawMinerClient.refused(sim.host(1), PORT)).isTrue();
        assertThat(sim.miner(0).faults()).isEmpty();
        assertThat(sim.miner(2).faults()).containsExactly(FaultType.STUCK_HASHING);
        assertThat(sim.miner(3).faults()).containsExactly(FaultType.STUCK_HASHING);
    }

    @Test
    void fractionOfTheFleetIsChosenReproduciblyFromTheSeed() {
        startFleet();

        int applied = sim.setFault(MinerSelection.fraction(0.5, 99), Fault.of(FaultType.POWER_ABSENT));
        List<Integer> chosen = new ArrayList<>();
        for (int i = 0; i < sim.size(); i++) {
            if (sim.miner(i).faults().contains(FaultType.POWER_ABSENT)) {
                chosen.add(i);
            }
        }

        assertThat(applied).isEqualTo(2);
        assertThat(chosen).hasSize(2);
        assertThat(MinerSelection.fraction(0.5, 99).resolve(4)).containsExactly(chosen.stream().mapToInt(Integer::intValue).toArray());
        assertThat(sim.clearFaults(MinerSelection.all())).isEqualTo(2);
    }
}
