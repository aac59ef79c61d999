package fleet.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Sleep and wake as ramps in (scaled) miner time, driven by a settable clock and observed over the
 * wire (addresses 127.77.3.x).
 */
class CurtailPhysicsTest {

    private static final int PORT = 4028;
    private final SettableClock clock = SettableClock.startingAt("2026-03-01T12:00:00Z");
    private FleetSimulator sim;

    @AfterEach
    void stopFleet() {
        if (sim != null) {
            sim.close();
        }
    }

    private void startFleet(double timeScale, WakeProfile wakeProfile) {
        sim = FleetSimulator.start(SimulatorConfig.builder()
                .miners(3)
                .firstAddress("127.77.3.1")
                .clock(clock)
                .timeScale(timeScale)
                .wakeProfile(wakeProfile)
                .models(List.of(MinerModel.ANTMINER_S21))
                .physics(PhysicsSettings.defaults().withoutReadNoise())
                .build());
    }

    private String host() {
        return sim.host(0);
    }

    private JsonNode curtail(String action) {
        String id = RawMinerClient.command(host(), PORT, "logon").at("/SESSION/0/SessionID").asText();
        JsonNode reply = RawMinerClient.command(host(), PORT, "curtail", id + "," + action);
        RawMinerClient.command(host(), PORT, "logoff", id);
        return reply;
    }

    private double watts() {
        return RawMinerClient.command(host(), PORT, "power").at("/POWER/0/Watts").asDouble();
    }

    private JsonNode summary() {
        return RawMinerClient.command(host(), PORT, "summary").at("/SUMMARY/0");
    }

    private JsonNode config() {
        return RawMinerClient.command(host(), PORT, "config").at("/CONFIG/0");
    }

    @Test
    void sleepAcknowledgesWith335AndRampsToAboutTwentyFiveWattsWithinFiveSeconds() {
        startFleet(1, WakeProfile.FAST);
        double full = watts();

        JsonNode reply = curtail("sleep");

        assertThat(reply.at("/STATUS/0/Code").asInt()).isEqualTo(335);
        assertThat(reply.at("/STATUS/0/Msg").asText()).isEqualTo("Curtailment command sent");
        assertThat(reply.at("/CURTAIL/0/Action").asText()).isEqualTo("sleep mode");
        assertThat(watts()).as("the ramp has only begun").isGreaterThan(0.9 * full);
        assertThat(sim.miner(0).state()).isEqualTo(MinerState.RAMPING_DOWN);

        clock.advance(Duration.ofSeconds(1));
        assertThat(summary().get("GHS 5s").asDouble()).as("boards stop hashing early in the ramp").isLessThan(0.2 * 200_000);
        assertThat(watts()).isBetween(25.0, full);

        clock.advance(Duration.ofSeconds(4));
        assertThat(watts()).isCloseTo(25.0, within(5.0));
        assertThat(summary().get("GHS 5s").asDouble()).isZero();
        assertThat(sim.miner(0).state()).isEqualTo(MinerState.SLEEPING);
        assertThat(sim.miner(0).truePowerW()).isCloseTo(25.0, within(0.01));
        assertThat(config().get("CurtailMode").asText()).isEqualTo("Sleep");
        assertThat(config().get("IsPowerSupplyOn").asBoolean()).isFalse();
    }

    @Test
    void lifetimeAverageDecaysSlowlyWhileTheOneMinuteAverageFollowsWithinMinutes() {
        startFleet(1, WakeProfile.FAST);
        double before = summary().get("GHS av").asDouble();
        curtail("sleep");

        clock.advance(Duration.ofSeconds(65));
        JsonNode oneMinuteIn = summary();
        assertThat(oneMinuteIn.get("GHS 5s").asDouble()).isZero();
        assertThat(oneMinuteIn.get("GHS av").asDouble()).as("lifetime average barely moves").isGreaterThan(0.99 * before);
        assertThat(oneMinuteIn.get("GHS 1m").asDouble()).as("decaying 1 min average")
                .isBetween(0.25 * before, 0.45 * before);

        clock.advance(Duration.ofMinutes(5));
        assertThat(summary().get("GHS 1m").asDouble()).isLessThan(0.01 * before);
    }

    @Test
    void fastWakeupIsBackInTenSecondsWithHashrateLaggingPower() {
        startFleet(1, WakeProfile.FAST);
        double full = watts();
        curtail("sleep");
        clock.advance(Duration.ofSeconds(10));

        JsonNode reply = curtail("wakeup");
        assertThat(reply.at("/STATUS/0/Code").asInt()).isEqualTo(335);
        assertThat(reply.at("/CURTAIL/0/Action").asText()).isEqualTo("wake up");
        assertThat(config().get("CurtailMode").asText()).isEqualTo("None");

        clock.advance(Duration.ofSeconds(2));
        assertThat(sim.miner(0).state()).isEqualTo(MinerState.WAKING);
        assertThat(watts()).as("PSU and boards powering up").isGreaterThan(0.3 * full);
        assertThat(summary().get("GHS 5s").asDouble()).as("no hashing yet").isZero();

        clock.advance(Duration.ofSeconds(4));
        double powerShare = watts() / full;
        double hashShare = summary().get("GHS 5s").asDouble() / sim.miner(0).operatingHashrateThs() / 1000;
        assertThat(hashShare).isPositive().isLessThan(powerShare);

        clock.advance(Duration.ofSeconds(4));
        assertThat(sim.miner(0).state()).isEqualTo(MinerState.MINING);
        assertThat(watts()).isCloseTo(full, within(1.0));
        assertThat(summary().get("GHS 5s").asDouble() / 1000).isCloseTo(sim.miner(0).operatingHashrateThs(), within(0.01));
    }

    @Test
    void stockWakeupTakesMinutes() {
        startFleet(1, WakeProfile.STOCK);
        curtail("sleep");
        clock.advance(Duration.ofSeconds(10));
        curtail("wakeup");

        clock.advance(Duration.ofSeconds(30));
        assertThat(sim.miner(0).state()).isEqualTo(MinerState.WAKING);
        clock.advance(Duration.ofMinutes(3));
        assertThat(sim.miner(0).state()).isEqualTo(MinerState.WAKING);
        clock.advance(Duration.ofSeconds(31));
        assertThat(sim.miner(0).state()).isEqualTo(MinerState.MINING);
    }

    @Test
    void unsafeWakeupIsFasterThanEvenTheStockProfile() {
        startFleet(1, WakeProfile.STOCK);
        curtail("sleep");
        clock.advance(Duration.ofSeconds(10));

        curtail("wakeup,mode=unsafe");
        clock.advance(Duration.ofSeconds(5));

        assertThat(sim.miner(0).state()).isEqualTo(MinerState.MINING);
    }

    @Test
    void timeScaleDividesEveryDuration() {
        startFleet(10, WakeProfile.FAST);
        curtail("sleep");

        clock.advance(Duration.ofMillis(500));
        assertThat(sim.miner(0).state()).isEqualTo(MinerState.SLEEPING);

        curtail("wakeup");
        clock.advance(Duration.ofMillis(1_000));
        assertThat(sim.miner(0).state()).isEqualTo(MinerState.MINING);
    }

    @Test
    void repeatedSleepIsAcknowledgedAndHarmless() {
        startFleet(1, WakeProfile.FAST);
        curtail("sleep");
        clock.advance(Duration.ofSeconds(10));

        assertThat(curtail("sleep").at("/STATUS/0/Code").asInt()).isEqualTo(335);

        assertThat(sim.miner(0).state()).isEqualTo(MinerState.SLEEPING);
        assertThat(sim.commandsReceived(host(), "curtail")).hasSize(2);
    }

    @Test
    void sleepSurvivesADeviceReboot() {
        startFleet(1, WakeProfile.FAST);
        curtail("sleep");
        clock.advance(Duration.ofSeconds(10));
        String id = RawMinerClient.command(host(), PORT, "logon").at("/SESSION/0/SessionID").asText();

        JsonNode reboot = RawMinerClient.command(host(), PORT, "rebootdevice", id);

        assertThat(reboot.at("/STATUS/0/STATUS").asText()).isEqualTo("S");
        await().atMost(Duration.ofSeconds(5)).until(() -> RawMinerClient.refused(host(), PORT));
        assertThat(sim.miner(0).state()).isEqualTo(MinerState.REBOOTING);
        clock.advance(Duration.ofSeconds(61));
        await().atMost(Duration.ofSeconds(5)).until(() -> !RawMinerClient.refused(host(), PORT));
        assertThat(config().get("CurtailMode").asText()).isEqualTo("Sleep");
        assertThat(watts()).isCloseTo(25.0, within(5.0));
        assertThat(summary().get("Elapsed").asLong()).as("the process restarted").isLessThan(5);
    }

    @Test
    void rebootWhileAwakeComesBackMiningAfterAStockWarmUp() {
        startFleet(1, WakeProfile.FAST);
        sim.rebootBehindTheSystemsBack(0);
        await().atMost(Duration.ofSeconds(5)).until(() -> RawMinerClient.refused(host(), PORT));

        clock.advance(Duration.ofSeconds(61));
        await().atMost(Duration.ofSeconds(5)).until(() -> !RawMinerClient.refused(host(), PORT));
        assertThat(sim.miner(0).state()).isEqualTo(MinerState.WAKING);
        clock.advance(Duration.ofMinutes(4));
        assertThat(sim.miner(0).state()).isEqualTo(MinerState.MINING);
    }

    @Test
    void boardRebootFailsWhileAsleepAndRestartsBoardsWhileAwake() {
        startFleet(1, WakeProfile.FAST);
        String id = RawMinerClient.command(host(), PORT, "logon").at("/SESSION/0/SessionID").asText();

        JsonNode awake = RawMinerClient.command(host(), PORT, "reboot", id + ",1");
        assertThat(awake.at("/STATUS/0/Code").asInt()).isEqualTo(305);
        assertThat(awake.at("/REBOOT/0/Board").asInt()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(3));
        assertThat(summary().get("GHS 5s").asDouble()).as("boards restarting").isZero();
        clock.advance(Duration.ofSeconds(20));

        RawMinerClient.command(host(), PORT, "curtail", id + ",sleep");
        JsonNode asleep = RawMinerClient.command(host(), PORT, "reboot", id + ",1");
        assertThat(asleep.at("/STATUS/0/STATUS").asText()).isEqualTo("E");
        assertThat(asleep.at("/STATUS/0/Code").asInt()).isEqualTo(306);
    }

    @Test
    void powerTargetAndProfilesMoveTheOperatingPoint() {
        startFleet(1, WakeProfile.FAST);
        String id = RawMinerClient.command(host(), PORT, "logon").at("/SESSION/0/SessionID").asText();

        JsonNode bare = RawMinerClient.command(host(), PORT, "powertargetset", id + ",2500");
        assertThat(bare.at("/STATUS/0/Msg").asText()).isEqualTo("Invalid key/value format");
        JsonNode target = RawMinerClient.command(host(), PORT, "powertargetset", id + ",power=2500");
        assertThat(target.at("/STATUS/0/STATUS").asText()).isEqualTo("S");
        clock.advance(Duration.ofSeconds(11));
        assertThat(watts()).isCloseTo(2500, within(1.0));
        assertThat(config().get("IsPowerTargetEnabled").asBoolean()).isTrue();
        assertThat(sim.miner(0).trueHashrateThs()).isLessThan(200 * 0.85);

        JsonNode profile = RawMinerClient.command(host(), PORT, "profileset", id + ",default");
        assertThat(profile.at("/STATUS/0/Code").asInt()).isEqualTo(321);
        assertThat(profile.at("/PROFILE/0/Profile").asText()).isEqualTo("default");
        clock.advance(Duration.ofSeconds(11));
        assertThat(watts()).isCloseTo(sim.miner(0).operatingPowerW(), within(1.0));
        assertThat(RawMinerClient.command(host(), PORT, "profileset", id + ",turbo").at("/STATUS/0/STATUS").asText())
                .isEqualTo("E");
        assertThat(RawMinerClient.command(host(), PORT, "powertargetset", id + ",power=100").at("/STATUS/0/STATUS")
                .asText()).isEqualTo("E");
    }

    @Test
    void wakeBehindTheSystemsBackRestoresPowerWithoutAnyCommand() {
        startFleet(1, WakeProfile.FAST);
        double full = sim.miner(0).operatingPowerW();
        curtail("sleep");
        clock.advance(Duration.ofSeconds(10));
        double asleep = sim.trueTotalPowerW();
        int commandsBefore = sim.commandLog().size();

        sim.wakeBehindTheSystemsBack(0);
        clock.advance(Duration.ofSeconds(11));

        assertThat(sim.miner(0).state()).isEqualTo(MinerState.MINING);
        assertThat(sim.miner(0).sleepRequested()).isFalse();
        assertThat(sim.trueTotalPowerW() - asleep).isCloseTo(full - 25.0, within(1.0));
        assertThat(sim.commandLog()).hasSize(commandsBefore);
    }

    @Test
    void stoppedMinerDrawsFansOnlyAndStartsAgain() {
        startFleet(1, WakeProfile.FAST);

        sim.stopMining(0);
        clock.advance(Duration.ofSeconds(3));
        assertThat(sim.miner(0).state()).isEqualTo(MinerState.STOPPED);
        assertThat(sim.miner(0).truePowerW()).isCloseTo(180.0, within(0.1));
        assertThat(config().get("SystemStatus").asText()).isEqualTo("Stopped");

        sim.startMining(0);
        clock.advance(Duration.ofSeconds(11));
        assertThat(sim.miner(0).state()).isEqualTo(MinerState.MINING);
    }

    @Test
    void groundTruthCountsStatesAndSumsPower() {
        startFleet(1, WakeProfile.FAST);
        double before = sim.trueTotalPowerW();
        curtail("sleep");
        clock.advance(Duration.ofSeconds(10));

        FleetTruth truth = sim.truth();

        assertThat(truth.countsByState()).containsEntry(MinerState.SLEEPING, 1).containsEntry(MinerState.MINING, 2);
        assertThat(truth.sleepRequested()).isEqualTo(1);
        assertThat(truth.trueTotalPowerW()).isCloseTo(before - sim.miner(0).operatingPowerW() + 25.0, within(1.0));
        assertThat(truth.trueTotalKw()).isCloseTo(truth.trueTotalPowerW() / 1000, within(1e-9));
    }
}
