package fleet.driver.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import fleet.domain.CurtailmentLevel;
import fleet.driver.CommandOutcome.Kind;
import fleet.driver.CommandOutcome;
import fleet.driver.DeviceEndpoint;
import fleet.driver.DriverRegistry;
import fleet.driver.DriverSettings;
import fleet.driver.MinerCallException;
import fleet.driver.MinerDriver;
import fleet.driver.MinerState;
import fleet.driver.PowerSource;
import fleet.driver.PreCurtailSnapshot;
import fleet.driver.RefusalReason;
import fleet.driver.TelemetrySample;
import fleet.driver.transport.CgminerReply;
import fleet.driver.transport.CgminerRequest;
import fleet.simulator.Fault;
import fleet.simulator.FaultType;
import fleet.simulator.FleetSimulator;
import fleet.simulator.SimulatorConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real LuxOS driver over real TCP against the fleet simulator (SPEC §7.2): each test owns one
 * simulated miner (its own loopback address and faults), so tests do not interfere.
 */
class LuxosDriverAgainstSimulatorTest {

    /** Simulated physics run ten times faster than wall time: a 3 s ramp-down takes 0.3 s. */
    private static final double TIME_SCALE = 10;
    private static final Duration TOTAL_TIMEOUT = Duration.ofMillis(800);
    private static final Duration AWAIT = Duration.ofSeconds(10);

    private static final int TELEMETRY = 0;
    private static final int CURTAIL = 1;
    private static final int WAKE = 2;
    private static final int SESSION = 3;
    private static final int REFUSE = 4;
    private static final int AUTH = 5;
    private static final int TIMEOUT = 6;
    private static final int MALFORMED = 7;
    private static final int STUCK = 8;
    private static final int STUCK_REFERENCE = 9;
    private static final int POWER_ABSENT = 10;
    private static final int OFFLINE = 11;
    private static final int CLOSE_MID_REPLY = 12;
    private static final int POOL_LOSS = 13;
    private static final int SESSION_RETRY = 14;

    private static FleetSimulator sim;
    private static Vertx vertx;
    private static DriverRegistry registry;
    private static MinerDriver luxos;

    @BeforeAll
    static void start() {
        sim = FleetSimulator.start(SimulatorConfig.builder()
                .miners(15).firstAddress("127.88.10.1").timeScale(TIME_SCALE).seed(7)
                .withoutControlSurface().build());
        vertx = Vertx.vertx();
        registry = new DriverRegistry(vertx, Clock.systemUTC(), DriverSettings.builder()
                .connectTimeout(Duration.ofMillis(500)).totalTimeout(TOTAL_TIMEOUT)
                .busyRetries(2).busyBackoffInitial(Duration.ofMillis(50)).busyBackoffMax(Duration.ofMillis(100))
                .build());
        luxos = registry.driver("luxos");
    }

    @AfterAll
    static void stop() {
        registry.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
        sim.close();
    }

    private static DeviceEndpoint miner(int index) {
        return new DeviceEndpoint(UUID.randomUUID(), "sim-" + index, sim.host(index), sim.port(), "luxos");
    }

    private static TelemetrySample read(int index) {
        return luxos.readTelemetry(miner(index)).await().atMost(AWAIT);
    }

    private static MinerCallException readFailure(int index) {
        try {
            luxos.readTelemetry(miner(index)).await().atMost(AWAIT);
        } catch (MinerCallException e) {
            return e;
        }
        throw new AssertionError("expected the read to fail");
    }

    private static CommandOutcome curtail(int index) {
        return luxos.curtail(miner(index), CurtailmentLevel.FULL, PreCurtailSnapshot.unknown()).await().atMost(AWAIT);
    }

    @Test
    void readsTelemetryOfAMiningMiner() {
        TelemetrySample s = read(TELEMETRY);
        assertThat(s.state()).isEqualTo(MinerState.MINING);
        assertThat(s.powerW()).isBetween(2_500.0, 4_000.0);
        assertThat(s.powerSource()).isEqualTo(sim.miner(TELEMETRY).model().psuReportsPower()
                ? PowerSource.MEASURED_PSU : PowerSource.FIRMWARE_ESTIMATE);
        assertThat(s.hashrateThs()).isGreaterThan(50.0);
        assertThat(s.firmware()).startsWith("LUXminer");
        assertThat(s.model()).isEqualTo(sim.miner(TELEMETRY).model().displayName());
        assertThat(sim.commandsReceived(sim.host(TELEMETRY))).extracting(r -> r.command())
                .as("one multi-command connection, no writes").containsOnly("summary", "power", "config", "pools");
    }

    @Test
    void curtailRampsTheMinerToSleepAndTheNextReadingShowsIt() {
        TelemetrySample before = read(CURTAIL);
        assertThat(before.state()).isEqualTo(MinerState.MINING);

        CommandOutcome outcome = curtail(CURTAIL);
        assertThat(outcome.kind()).isEqualTo(Kind.ACCEPTED);

        await().atMost(AWAIT).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            TelemetrySample after = read(CURTAIL);
            assertThat(after.state()).isEqualTo(MinerState.SLEEPING);
            assertThat(after.hashrateHs()).isZero();
            assertThat(after.powerW()).isLessThan(0.5 * before.powerW()).isLessThan(100.0);
        });
        assertThat(sim.commandsReceived(sim.host(CURTAIL), "curtail")).as("exactly one curtail on the wire").hasSize(1);
        assertThat(sim.commandsReceived(sim.host(CURTAIL), "logoff")).as("the session is released").hasSize(1);
        assertThat(sim.miner(CURTAIL).sessionHeld()).isFalse();
    }

    @Test
    void uncurtailWakesTheMinerAndTheNextReadingsShowItMiningAgain() {
        TelemetrySample mining = read(WAKE);
        PreCurtailSnapshot snapshot = PreCurtailSnapshot.from(mining);
        assertThat(curtail(WAKE).kind()).isEqualTo(Kind.ACCEPTED);
        await().atMost(AWAIT).pollInterval(Duration.ofMillis(100))
                .until(() -> read(WAKE).state() == MinerState.SLEEPING);

        CommandOutcome outcome = luxos.uncurtail(miner(WAKE), snapshot).await().atMost(AWAIT);
        assertThat(outcome.kind()).isEqualTo(Kind.ACCEPTED);
        await().atMost(AWAIT).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            TelemetrySample after = read(WAKE);
            assertThat(after.state()).isEqualTo(MinerState.MINING);
            assertThat(after.powerW()).isGreaterThan(0.5 * mining.powerW());
        });
        assertThat(sim.commandsReceived(sim.host(WAKE), "curtail")).extracting(r -> r.parameter())
                .hasSize(2).last().asString().endsWith(",wakeup");
    }

    @Test
    void aSecondClientHoldingTheSessionMakesTheDriverBusyUntilTheSessionFrees() {
        DeviceEndpoint endpoint = miner(SESSION);
        String sid = holdSession(endpoint);

        CommandOutcome busy = curtail(SESSION);
        assertThat(busy.kind()).isEqualTo(Kind.BUSY);
        assertThat(sim.commandsReceived(sim.host(SESSION), "logon")).as("1 + busyRetries logons, then give up")
                .hasSize(1 + 1 + 2);
        assertThat(sim.commandsReceived(sim.host(SESSION), "curtail")).isEmpty();

        release(endpoint, sid);
        assertThat(curtail(SESSION).kind()).isEqualTo(Kind.ACCEPTED);
    }

    @Test
    void aSessionFreedDuringTheDriversBackoffIsTakenWithinTheSameCommand() {
        DeviceEndpoint endpoint = miner(SESSION_RETRY);
        String sid = holdSession(endpoint);
        // a retry window (20 × 100 ms) far longer than the release below takes, so the race cannot flake
        try (DriverRegistry patient = new DriverRegistry(vertx, Clock.systemUTC(), DriverSettings.builder()
                .busyRetries(20).busyBackoffInitial(Duration.ofMillis(100)).busyBackoffMax(Duration.ofMillis(100))
                .build())) {
            Uni<CommandOutcome> pending = patient.driver("luxos")
                    .curtail(endpoint, CurtailmentLevel.FULL, PreCurtailSnapshot.unknown())
                    .memoize().indefinitely();
            pending.subscribe().with(o -> { });
            await().atMost(AWAIT).until(() -> sim.commandsReceived(sim.host(SESSION_RETRY), "logon").size() >= 2);
            release(endpoint, sid);
            assertThat(pending.await().atMost(AWAIT).kind()).isEqualTo(Kind.ACCEPTED);
        }
    }

    @Test
    void aRefusingMinerIsRefusedPermanentlyAndNotRetried() {
        sim.setFault(REFUSE, Fault.of(FaultType.REFUSE));
        CommandOutcome outcome = curtail(REFUSE);
        assertThat(outcome.kind()).isEqualTo(Kind.REFUSED);
        assertThat(outcome.reason()).isEqualTo(RefusalReason.ACCESS_DENIED);
        assertThat(outcome.retryable()).isFalse();
        assertThat(sim.commandsReceived(sim.host(REFUSE), "logon")).hasSize(1);
    }

    @Test
    void aMinerRejectingOurCredentialsIsAnAuthRefusal() {
        sim.setFault(AUTH, Fault.of(FaultType.AUTH_FAILURE));
        CommandOutcome outcome = curtail(AUTH);
        assertThat(outcome.kind()).isEqualTo(Kind.REFUSED);
        assertThat(outcome.reason()).isEqualTo(RefusalReason.AUTH);
        assertThat(sim.commandsReceived(sim.host(AUTH), "logon")).hasSize(1);
    }

    @Test
    void aMinerThatNeverAnswersTimesOutWithinTheBound() {
        sim.setFault(TIMEOUT, Fault.of(FaultType.TIMEOUT));
        long start = System.nanoTime();
        assertThat(readFailure(TIMEOUT).kind()).isEqualTo(Kind.TIMEOUT);
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(TOTAL_TIMEOUT.toMillis() + 1_000);
        assertThat(curtail(TIMEOUT).kind()).isEqualTo(Kind.TIMEOUT);
    }

    @Test
    void malformedJsonIsAProtocolErrorThatKeepsTheRawReply() {
        sim.setFault(MALFORMED, Fault.of(FaultType.MALFORMED_JSON));
        MinerCallException e = readFailure(MALFORMED);
        assertThat(e.kind()).isEqualTo(Kind.PROTOCOL_ERROR);
        assertThat(e.outcome().rawReply().originalLength()).isPositive();
        assertThat(e.outcome().rawReply().preview()).startsWith("{");
    }

    @Test
    void aConnectionClosedMidReplyIsAProtocolError() {
        sim.setFault(CLOSE_MID_REPLY, Fault.of(FaultType.CLOSE_MID_REPLY));
        MinerCallException e = readFailure(CLOSE_MID_REPLY);
        assertThat(e.kind()).isEqualTo(Kind.PROTOCOL_ERROR);
        assertThat(e.outcome().rawReply().originalLength()).isPositive();
    }

    @Test
    void aStuckMinerAcceptsSleepButTelemetryStillShowsItHashing() {
        sim.setFault(STUCK, Fault.of(FaultType.STUCK_HASHING));
        assertThat(curtail(STUCK).kind()).isEqualTo(Kind.ACCEPTED);
        assertThat(curtail(STUCK_REFERENCE).kind()).isEqualTo(Kind.ACCEPTED);
        // once a healthy miner curtailed at the same moment is asleep, the stuck one has had its chance
        await().atMost(AWAIT).pollInterval(Duration.ofMillis(100))
                .until(() -> read(STUCK_REFERENCE).state() == MinerState.SLEEPING);

        TelemetrySample stuck = read(STUCK);
        assertThat(stuck.state()).isEqualTo(MinerState.MINING);
        assertThat(stuck.hashrateHs()).isPositive();
        assertThat(stuck.powerW()).isGreaterThan(1_000.0);
    }

    @Test
    void aMinerWithoutThePowerVerbStillReportsHashrateButNoPower() {
        sim.setFault(POWER_ABSENT, Fault.of(FaultType.POWER_ABSENT));
        TelemetrySample s = read(POWER_ABSENT);
        assertThat(s.powerW()).isNull();
        assertThat(s.powerSource()).isEqualTo(PowerSource.NONE);
        assertThat(s.hashrateHs()).isPositive();
        assertThat(s.state()).isEqualTo(MinerState.MINING);
    }

    @Test
    void anOfflineMinerIsUnreachableForReadsAndCommands() {
        sim.setFault(OFFLINE, Fault.of(FaultType.OFFLINE));
        await().atMost(AWAIT).until(() -> !sim.isListening(OFFLINE));
        assertThat(readFailure(OFFLINE).kind()).isEqualTo(Kind.UNREACHABLE);
        assertThat(curtail(OFFLINE).kind()).isEqualTo(Kind.UNREACHABLE);
    }

    @Test
    void aMinerThatLostItsPoolReadsAsNoPool() {
        sim.setFault(POOL_LOSS, Fault.of(FaultType.POOL_LOSS));
        await().atMost(AWAIT).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            TelemetrySample s = read(POOL_LOSS);
            assertThat(s.state()).isEqualTo(MinerState.NO_POOL);
            assertThat(s.powerW()).as("phantom load").isGreaterThan(1_000.0);
        });
    }

    /** Takes the miner's only session with a separate client, as another tool would. */
    private static String holdSession(DeviceEndpoint endpoint) {
        CgminerReply logon = registry.transport().send(endpoint, CgminerRequest.of("logon")).await().atMost(AWAIT);
        assertThat(logon.ok()).isTrue();
        return logon.first("SESSION").path("SessionID").asText();
    }

    private static void release(DeviceEndpoint endpoint, String sid) {
        CgminerReply logoff = registry.transport().send(endpoint, new CgminerRequest("logoff", sid))
                .await().atMost(AWAIT);
        assertThat(logoff.ok()).isTrue();
    }
}
