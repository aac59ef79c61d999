package fleet.driver.luxos;

import static fleet.driver.testsupport.ScriptedMinerServer.fixture;
import static fleet.driver.testsupport.ScriptedMinerServer.noAnswer;
import static fleet.driver.testsupport.ScriptedMinerServer.reply;
import static org.assertj.core.api.Assertions.assertThat;

import fleet.domain.CurtailmentLevel;
import fleet.driver.Capabilities;
import fleet.driver.Capability;
import fleet.driver.CommandOutcome.Kind;
import fleet.driver.CommandOutcome;
import fleet.driver.DeviceEndpoint;
import fleet.driver.DriverSettings;
import fleet.driver.MinerState;
import fleet.driver.PowerSource;
import fleet.driver.PreCurtailSnapshot;
import fleet.driver.RefusalReason;
import fleet.driver.TelemetrySample;
import fleet.driver.guard.PerMinerWriteQueue;
import fleet.driver.testsupport.MutableClock;
import fleet.driver.testsupport.Replies;
import fleet.driver.testsupport.ScriptedMinerServer;
import fleet.driver.transport.CgminerClient;
import fleet.driver.transport.CgminerReply;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LuxosDriverTest {

    private static final Duration AWAIT = Duration.ofSeconds(5);
    private static Vertx vertx;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T10:00:00Z"));
    private final FakeLuxosMiner fake = new FakeLuxosMiner();
    private ScriptedMinerServer server;
    private CgminerClient client;
    private LuxosDriver driver;
    private DeviceEndpoint miner;

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopVertx() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @BeforeEach
    void setUp() {
        server = ScriptedMinerServer.start(vertx, "127.88.2.1", fake);
        use(DriverSettings.builder().busyRetries(2).busyBackoffInitial(Duration.ofMillis(20))
                .busyBackoffMax(Duration.ofMillis(40)).build());
        miner = server.endpoint(LuxosDriver.NAME);
    }

    private void use(DriverSettings settings) {
        if (client != null) {
            client.close();
        }
        client = new CgminerClient(vertx, clock, settings);
        driver = new LuxosDriver(client, new PerMinerWriteQueue(), clock);
    }

    @AfterEach
    void tearDown() {
        client.close();
        server.close();
    }

    private CommandOutcome curtail() {
        return driver.curtail(miner, CurtailmentLevel.FULL, PreCurtailSnapshot.unknown()).await().atMost(AWAIT);
    }

    @Test
    void curtailSendsSleepInsideOneSessionAndReleasesIt() {
        CommandOutcome outcome = curtail();
        assertThat(outcome.kind()).isEqualTo(Kind.ACCEPTED);
        assertThat(outcome.detail()).contains("sleep mode");
        assertThat(server.commands()).containsExactly("logon", "curtail", "logoff");
        assertThat(server.requests().get(1).path("parameter").asText()).isEqualTo(FakeLuxosMiner.SID + ",sleep");
        assertThat(server.requests().get(2).path("parameter").asText()).isEqualTo(FakeLuxosMiner.SID);
    }

    @Test
    void uncurtailWakesAMinerThatWasMining() {
        CommandOutcome outcome = driver.uncurtail(miner, new PreCurtailSnapshot(true, null, "default"))
                .await().atMost(AWAIT);
        assertThat(outcome.kind()).isEqualTo(Kind.ACCEPTED);
        assertThat(server.requests().get(1).path("parameter").asText()).isEqualTo(FakeLuxosMiner.SID + ",wakeup");
    }

    @Test
    void uncurtailLeavesAMinerThatWasNotMiningAloneWithoutTouchingIt() {
        CommandOutcome outcome = driver.uncurtail(miner, new PreCurtailSnapshot(false, null, null))
                .await().atMost(AWAIT);
        assertThat(outcome.kind()).isEqualTo(Kind.ALREADY_IN_STATE);
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void anotherSessionIsRetriedWithBackoffThenReportedBusy() {
        fake.sessionHeldByOther = true;
        CommandOutcome outcome = curtail();
        assertThat(outcome.kind()).isEqualTo(Kind.BUSY);
        assertThat(outcome.retryable()).isTrue();
        assertThat(server.commands()).as("first logon plus busyRetries=2").containsExactly("logon", "logon", "logon");
    }

    @Test
    void aSessionThatFreesDuringBackoffIsUsed() {
        fake.busyLogonsLeft = 1;
        assertThat(curtail().kind()).isEqualTo(Kind.ACCEPTED);
        assertThat(server.commands()).containsExactly("logon", "logon", "curtail", "logoff");
    }

    @Test
    void accessDeniedIsAPermanentRefusalAndIsNotRetried() {
        fake.curtailReply = fixture("luxos/access_denied_45.json");
        CommandOutcome outcome = curtail();
        assertThat(outcome.kind()).isEqualTo(Kind.REFUSED);
        assertThat(outcome.reason()).isEqualTo(RefusalReason.ACCESS_DENIED);
        assertThat(server.commands()).containsExactly("logon", "curtail", "logoff");
    }

    @Test
    void aRefusedLogonIsAnAuthRefusal() {
        fake.logonReply = reply(("{\"STATUS\":[{\"STATUS\":\"E\",\"When\":1,\"Code\":403,\"Msg\":\"Invalid password\"}],"
                + "\"id\":1}\0").getBytes(StandardCharsets.UTF_8));
        CommandOutcome outcome = curtail();
        assertThat(outcome.kind()).isEqualTo(Kind.REFUSED);
        assertThat(outcome.reason()).isEqualTo(RefusalReason.AUTH);
        assertThat(server.commands()).containsExactly("logon");
    }

    @Test
    void aMalformedCommandReplyIsAProtocolErrorWithTheRawReplyAndTheSessionIsStillReleased() {
        fake.curtailReply = fixture("quirks/truncated.json");
        CommandOutcome outcome = curtail();
        assertThat(outcome.kind()).isEqualTo(Kind.PROTOCOL_ERROR);
        assertThat(outcome.rawReply().preview()).startsWith("{\"STATUS\":[{\"STATUS\":\"S\"");
        assertThat(server.commands()).containsExactly("logon", "curtail", "logoff");
    }

    @Test
    void aCommandThatNeverGetsAnAnswerTimesOutWithinTheBound() {
        use(DriverSettings.builder().totalTimeout(Duration.ofMillis(300)).build());
        fake.curtailReply = noAnswer();
        long start = System.nanoTime();
        CommandOutcome outcome = curtail();
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(outcome.kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(elapsedMs).isLessThan(2_000L);
    }

    @Test
    void aLostSessionBetweenLogonAndCommandIsBusy() {
        assertThat(LuxosDriver.interpretWriteReply(Replies.fixture("luxos/logon_busy_402.json")).kind())
                .isEqualTo(Kind.BUSY);
        byte[] bytes = "{\"STATUS\":[{\"STATUS\":\"E\",\"Code\":401,\"Msg\":\"Invalid session id\"}],\"id\":1}"
                .getBytes(StandardCharsets.UTF_8);
        CgminerReply invalidSession = Replies.parse(bytes);
        assertThat(LuxosDriver.interpretWriteReply(invalidSession).kind()).isEqualTo(Kind.BUSY);
    }

    @Test
    void efficiencyCurtailmentIsUnsupportedAndSendsNothing() {
        CommandOutcome outcome = driver.curtail(miner, CurtailmentLevel.EFFICIENCY, PreCurtailSnapshot.unknown())
                .await().atMost(AWAIT);
        assertThat(outcome.reason()).isEqualTo(RefusalReason.UNSUPPORTED);
        assertThat(driver.startMining(miner).await().atMost(AWAIT).reason()).isEqualTo(RefusalReason.UNSUPPORTED);
        assertThat(driver.stopMining(miner).await().atMost(AWAIT).reason()).isEqualTo(RefusalReason.UNSUPPORTED);
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void concurrentWritesToOneMinerNeverOverlapSoNoneSeesItsOwnSessionBusy() {
        List<Uni<CommandOutcome>> writes = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            writes.add(driver.curtail(miner, CurtailmentLevel.FULL, PreCurtailSnapshot.unknown()));
        }
        List<CommandOutcome> outcomes = Uni.join().all(writes).andFailFast().await().atMost(AWAIT);
        assertThat(outcomes).extracting(CommandOutcome::kind).containsOnly(Kind.ACCEPTED);
        assertThat(fake.busyAnswers.get()).isZero();
        List<String> commands = server.commands();
        assertThat(commands).hasSize(15);
        for (int i = 0; i < 15; i += 3) {
            assertThat(commands.subList(i, i + 3)).containsExactly("logon", "curtail", "logoff");
        }
    }

    @Test
    void rebootUsesRebootdeviceWithoutALogoff() {
        assertThat(driver.reboot(miner).await().atMost(AWAIT).kind()).isEqualTo(Kind.ACCEPTED);
        assertThat(server.commands()).containsExactly("logon", "rebootdevice");
    }

    @Test
    void powerTargetIsSetInsideASession() {
        assertThat(driver.setPowerTarget(miner, 3000).await().atMost(AWAIT).kind()).isEqualTo(Kind.ACCEPTED);
        assertThat(server.requests().get(1).path("parameter").asText()).isEqualTo(FakeLuxosMiner.SID + ",power=3000");
        assertThat(driver.setPowerTarget(miner, 0).await().atMost(AWAIT).kind()).isEqualTo(Kind.REFUSED);
    }

    @Test
    void telemetryIsStampedWhenItWasAskedForNotWhenTheReplyArrived() {
        Instant asked = clock.instant();
        fake.onRequest = () -> clock.advance(Duration.ofSeconds(5)); // the reply is processed 5 s later by our clock
        TelemetrySample sample = driver.readTelemetry(miner).await().atMost(AWAIT);
        assertThat(clock.instant()).isEqualTo(asked.plusSeconds(5));
        assertThat(sample.observedAt()).isEqualTo(asked);
    }

    @Test
    void telemetryComesFromOneMultiCommandAndIsStampedWithOurClock() {
        TelemetrySample sample = driver.readTelemetry(miner).await().atMost(AWAIT);
        assertThat(sample.observedAt()).isEqualTo(clock.instant());
        assertThat(sample.powerSource()).isEqualTo(PowerSource.MEASURED_PSU);
        assertThat(sample.state()).isEqualTo(MinerState.MINING);
        assertThat(server.commands()).containsExactly("summary+power+config+pools");
    }

    @Test
    void capabilitiesConfirmLuxosAndLearnThePowerSource() {
        Capabilities caps = driver.capabilities(miner).await().atMost(AWAIT);
        assertThat(caps.has(Capability.CURTAIL_FULL)).isTrue();
        assertThat(caps.powerSource()).isEqualTo(PowerSource.MEASURED_PSU);
        assertThat(caps.flagNames()).containsExactly("curtail_full", "power_target", "power_reported", "reboot");
    }
}
