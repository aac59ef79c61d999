package fleet.reconciler.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import fleet.metrics.MetricNames;
import fleet.reconciler.telemetry.PollerTestDb.Sample;
import fleet.simulator.Fault;
import fleet.simulator.FaultType;
import fleet.simulator.FleetSimulator;
import fleet.simulator.MinerView;
import fleet.simulator.SimulatorConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One poller over 50 simulated miners on real TCP (127.66.0.x), some with faults from the start: what lands in
 * {@code device_telemetry_latest} for each kind of miner, and how a round is made.
 */
class TelemetryPollerTest {

    private static final Duration INTERVAL = Duration.ofSeconds(1);
    private static final int MINERS = 50;
    private static final int BATCH = 20;

    private static final int OFFLINE = 1;
    private static final int AUTH_FAILURE = 2;
    private static final int MALFORMED = 3;
    private static final int POWER_ABSENT = 4;
    private static final int POOL_LOSS = 5;
    private static final int SLEEPING = 6;
    private static final int TIMEOUT = 7;
    private static final int GOES_OFFLINE = 8;
    private static final List<Integer> FAULTY = List.of(OFFLINE, AUTH_FAILURE, MALFORMED, POWER_ABSENT, POOL_LOSS,
            SLEEPING, TIMEOUT, GOES_OFFLINE);

    private static PollerTestDb db;
    private static FleetSimulator sim;
    private static List<UUID> devices;
    private static PollerReplica replica;

    @BeforeAll
    static void start() throws Exception {
        db = PollerTestDb.get();
        db.clean();
        sim = FleetSimulator.start(SimulatorConfig.builder()
                .miners(MINERS).firstAddress("127.66.0.1").timeScale(10).seed(11).withoutControlSurface().build());
        sim.setFault(OFFLINE, Fault.of(FaultType.OFFLINE));
        sim.setFault(AUTH_FAILURE, Fault.of(FaultType.AUTH_FAILURE));
        sim.setFault(MALFORMED, Fault.of(FaultType.MALFORMED_JSON));
        sim.setFault(POWER_ABSENT, Fault.of(FaultType.POWER_ABSENT));
        sim.setFault(POOL_LOSS, Fault.of(FaultType.POOL_LOSS));
        sim.setFault(TIMEOUT, Fault.of(FaultType.TIMEOUT));
        sim.sleepBehindTheSystemsBack(SLEEPING);

        UUID org = db.createOrg("poller-single");
        devices = db.insertDevices(org, IntStream.range(0, MINERS).mapToObj(sim::host).toList(), sim.port());
        replica = new PollerReplica("solo", db, PollerSettings.defaults()
                .withPollInterval(INTERVAL).withShardCheckInterval(Duration.ofMillis(500)).withWriteBatchSize(BATCH)
                .withMaxConcurrentReads(16))
                .start();
    }

    @AfterAll
    static void stop() {
        if (replica != null) {
            replica.close();
        }
        if (sim != null) {
            sim.close();
        }
    }

    @Test
    void everyDeviceGetsASampleWithinOneIntervalInDatabaseTime() throws Exception {
        Instant since = db.dbNow();
        // one interval until the next round starts, plus the round itself (its slowest read times out at 0.8 s)
        await().atMost(INTERVAL.plusSeconds(3)).pollInterval(Duration.ofMillis(100))
                .until(() -> db.devicesNotSampledSince(since) == 0);
        List<Instant> sampledAt = new ArrayList<>();
        for (UUID id : devices) {
            sampledAt.add(db.sample(id).sampledAt());
        }
        Instant now = db.dbNow();
        assertThat(sampledAt).as("sampled_at is database time").allSatisfy(t -> assertThat(t).isBetween(since, now));
    }

    @Test
    void aHealthyMinerReadsAsMiningWithPowerHashrateFirmwareAndEfficiency() {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            for (int i = 0; i < MINERS; i++) {
                if (FAULTY.contains(i)) {
                    continue;
                }
                Sample s = sampleOf(i);
                MinerView truth = sim.miner(i);
                assertThat(s).as("miner %d", i).isNotNull();
                assertThat(s.status()).as("miner %d", i).isEqualTo("MINING");
                assertThat(s.powerW()).as("miner %d", i).isCloseTo(truth.truePowerW(), within(truth.truePowerW() * 0.1));
                assertThat(s.powerSource()).isEqualTo(truth.model().psuReportsPower() ? "MEASURED_PSU" : "FIRMWARE_ESTIMATE");
                assertThat(s.hashrateThs()).as("miner %d", i)
                        .isCloseTo(truth.trueHashrateThs(), within(truth.trueHashrateThs() * 0.1));
                assertThat(s.efficiency()).as("smoothed J/TH of miner %d", i)
                        .isCloseTo(truth.truePowerW() / truth.trueHashrateThs(), within(3.0));
                assertThat(s.firmware()).startsWith("LUXminer");
                assertThat(s.model()).isEqualTo(truth.model().displayName());
                assertThat(s.consecutiveFailures()).isZero();
                assertThat(s.lastError()).isNull();
                assertThat(s.lastSuccessAt()).isEqualTo(s.sampledAt());
            }
        });
    }

    @Test
    void simulatorFaultsMapToTheirStatuses() {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            Sample offline = sampleOf(OFFLINE);
            assertThat(offline.status()).as("offline (%s)", offline.lastError()).isEqualTo("UNREACHABLE");
            assertUnknownNumbers(offline);
            assertThat(offline.lastError()).startsWith("UNREACHABLE");
            assertThat(offline.consecutiveFailures()).isPositive();
            assertThat(offline.lastSuccessAt()).as("never read").isNull();

            Sample timeout = sampleOf(TIMEOUT);
            assertThat(timeout.status()).as("timeout (%s)", timeout.lastError()).isEqualTo("UNREACHABLE");
            assertThat(timeout.lastError()).containsAnyOf("TIMEOUT", "UNREACHABLE");
            assertUnknownNumbers(timeout);

            Sample malformed = sampleOf(MALFORMED);
            assertThat(malformed.status()).isEqualTo("ERROR");
            assertThat(malformed.lastError()).startsWith("PROTOCOL_ERROR");
            assertUnknownNumbers(malformed);

            Sample noPower = sampleOf(POWER_ABSENT);
            assertThat(noPower.status()).isEqualTo("MINING");
            assertThat(noPower.powerW()).isNull();
            assertThat(noPower.powerSource()).isEqualTo("NONE");
            assertThat(noPower.hashrateThs()).isPositive();
            assertThat(noPower.efficiency()).as("no power, no efficiency").isNull();
            assertThat(noPower.consecutiveFailures()).isZero();

            Sample poolLoss = sampleOf(POOL_LOSS);
            assertThat(poolLoss.status()).isEqualTo("NO_POOL");
            assertThat(poolLoss.powerW()).as("phantom load").isGreaterThan(1_000.0);
            assertThat(poolLoss.hashrateThs()).isZero();

            Sample asleep = sampleOf(SLEEPING);
            assertThat(asleep.status()).isEqualTo("SLEEPING");
            assertThat(asleep.powerW()).isLessThan(100.0);
            assertThat(asleep.hashrateThs()).isZero();

            // LuxOS telemetry needs no session: a miner refusing our logon still reports (only commands fail).
            Sample authFailure = sampleOf(AUTH_FAILURE);
            assertThat(authFailure.status()).isEqualTo("MINING");
            assertThat(authFailure.consecutiveFailures()).isZero();
        });
    }

    @Test
    void aFailedReadClearsTheNumbersButKeepsLastSuccessAndEfficiencyUntilTheMinerAnswersAgain() {
        UUID id = devices.get(GOES_OFFLINE);
        Sample healthy = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> db.sample(id), s -> s != null && s.status().equals("MINING") && s.efficiency() != null);

        sim.setFault(GOES_OFFLINE, Fault.of(FaultType.OFFLINE));
        Sample failing = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> db.sample(id), s -> s.consecutiveFailures() >= 2);
        assertThat(failing.status()).as("went offline (%s)", failing.lastError()).isEqualTo("UNREACHABLE");
        assertUnknownNumbers(failing);
        assertThat(failing.lastSuccessAt()).as("the last good read").isAfterOrEqualTo(healthy.lastSuccessAt())
                .isBefore(failing.sampledAt());
        assertThat(failing.efficiency()).as("ranking keeps the smoothed value").isNotNull();
        assertThat(failing.firmware()).as("identity is kept").isEqualTo(healthy.firmware());

        sim.clearFault(GOES_OFFLINE, FaultType.OFFLINE);
        Sample back = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> db.sample(id), s -> s.status().equals("MINING"));
        assertThat(back.consecutiveFailures()).isZero();
        assertThat(back.lastError()).isNull();
        assertThat(back.lastSuccessAt()).isEqualTo(back.sampledAt()).isAfter(failing.sampledAt());
        assertThat(back.powerW()).isPositive();
    }

    @Test
    void aRoundIssuesThreeStatementsPlusTwoPerBatchAndWritesEveryDevice() {
        RoundStats stats = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> replica.poller.lastRoundStats().orElse(null), s -> s != null && s.round() >= 2);
        int batches = (MINERS + BATCH - 1) / BATCH;
        assertThat(stats.shards()).isEqualTo(64);
        assertThat(stats.devicesPolled()).isEqualTo(MINERS);
        assertThat(stats.rowsWritten()).isEqualTo(MINERS);
        assertThat(stats.writesSkipped()).isZero();
        assertThat(stats.statements()).as("held keys + now() + load, then held keys + upsert per batch")
                .isEqualTo(3 + 2 * batches);
        assertThat(stats.failures()).isGreaterThanOrEqualTo(3); // offline, timeout, malformed
        assertThat(stats.abandoned()).isFalse();
    }

    @Test
    void metricsReportRoundsFailuresByReasonAndShardsHeld() {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            var meters = replica.meters;
            assertThat(meters.get(MetricNames.TELEMETRY_POLL_DURATION).timer().count()).isPositive();
            assertThat(meters.get(MetricNames.TELEMETRY_SHARDS_HELD).gauge().value()).isEqualTo(64.0);
            assertThat(meters.get(MetricNames.TELEMETRY_POLL_FAILURES).tag("reason", "protocol_error").counter().count())
                    .isPositive();
            List<String> reasons = new ArrayList<>();
            meters.find(MetricNames.TELEMETRY_POLL_FAILURES).counters()
                    .forEach(c -> reasons.add(c.getId().getTag("reason")));
            assertThat(reasons).contains("unreachable", "protocol_error");
        });
    }

    /** The device's row; an assertion failure (which Awaitility retries) while it has none. */
    private static Sample sampleOf(int index) throws Exception {
        Sample s = db.sample(devices.get(index));
        assertThat(s).as("a sample of miner %d", index).isNotNull();
        return s;
    }

    private static void assertUnknownNumbers(Sample s) {
        assertThat(s.powerW()).as("power unknown").isNull();
        assertThat(s.powerSource()).isEqualTo("NONE");
        assertThat(s.hashrateThs()).as("hashrate unknown").isNull();
    }
}
