package fleet.reconciler.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import fleet.domain.DeviceStatus;
import fleet.driver.CommandOutcome;
import fleet.driver.DeviceEndpoint;
import fleet.driver.PowerSource;
import fleet.reconciler.telemetry.PollerTestDb.Sample;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The poller's SQL against PostgreSQL: the upsert's semantics, the EWMA, the shard function. */
class TelemetryStoreTest {

    private static final Duration AWAIT = Duration.ofSeconds(10);
    private static final double ALPHA = 0.3;

    private static PollerTestDb db;
    private static Vertx vertx;
    private static Pool pool;
    private static TelemetryStore store;
    private List<UUID> devices;
    private Instant t0;

    @BeforeAll
    static void open() {
        db = PollerTestDb.get();
        vertx = Vertx.vertx();
        pool = db.pool(vertx, 2);
        store = new TelemetryStore(pool, ALPHA);
    }

    @AfterAll
    static void close() {
        pool.close().await().atMost(AWAIT);
        vertx.close().await().atMost(AWAIT);
    }

    @BeforeEach
    void fleet() throws Exception {
        db.clean();
        UUID org = db.createOrg("store");
        devices = db.insertDevices(org, IntStream.range(0, 3).mapToObj(i -> "127.66.250." + (i + 1)).toList(), 4028);
        t0 = db.dbNow().truncatedTo(ChronoUnit.MILLIS);
    }

    private PolledDevice device(int i) {
        return new PolledDevice(new DeviceEndpoint(devices.get(i), "miner-" + i, "127.66.250." + (i + 1), 4028, "luxos"), 0);
    }

    private PollResult ok(int i, Instant at, Double watts, Double ths) {
        return new PollResult(devices.get(i), 0, at, DeviceStatus.MINING, watts,
                watts == null ? PowerSource.NONE : PowerSource.MEASURED_PSU, ths, "LUXminer 2025.4.8", "S21", null, true);
    }

    private int write(PollResult... results) {
        return store.upsert(List.of(results), Duration.ZERO).await().atMost(AWAIT);
    }

    @Test
    void efficiencyIsAnEwmaOfPowerOverHashrateStartingAtTheFirstRatio() throws Exception {
        write(ok(0, t0, 3_000.0, 100.0));
        assertThat(db.sample(devices.get(0)).efficiency()).isCloseTo(30.0, within(1e-9));

        write(ok(0, t0.plusSeconds(15), 2_000.0, 100.0));
        assertThat(db.sample(devices.get(0)).efficiency()).isCloseTo(ALPHA * 20.0 + (1 - ALPHA) * 30.0, within(1e-9));
    }

    @Test
    void aSampleWithoutPowerOrHashrateKeepsTheSmoothedEfficiency() throws Exception {
        write(ok(0, t0, 3_000.0, 100.0));
        write(ok(0, t0.plusSeconds(1), null, 100.0));
        assertThat(db.sample(devices.get(0)).efficiency()).isCloseTo(30.0, within(1e-9));
        write(ok(0, t0.plusSeconds(2), 1_500.0, 0.0));
        Sample s = db.sample(devices.get(0));
        assertThat(s.efficiency()).as("zero hashrate (pool loss) says nothing about efficiency")
                .isCloseTo(30.0, within(1e-9));
        assertThat(s.powerW()).isEqualTo(1_500.0);
        assertThat(s.hashrateThs()).isZero();
    }

    @Test
    void aFailureStoresUnknownNumbersCountsAndKeepsLastSuccess() throws Exception {
        write(ok(1, t0, 3_000.0, 100.0));
        PollResult failed = PollResult.failed(device(1), CommandOutcome.unreachable("connection refused"),
                t0.plusSeconds(15));
        write(failed);
        write(PollResult.failed(device(1), CommandOutcome.unreachable("connection refused"), t0.plusSeconds(30)));

        Sample s = db.sample(devices.get(1));
        assertThat(s.sampledAt()).isEqualTo(t0.plusSeconds(30));
        assertThat(s.status()).isEqualTo("UNREACHABLE");
        assertThat(s.powerW()).isNull();
        assertThat(s.powerSource()).isEqualTo("NONE");
        assertThat(s.hashrateThs()).isNull();
        assertThat(s.lastError()).isEqualTo("UNREACHABLE: connection refused");
        assertThat(s.consecutiveFailures()).isEqualTo(2);
        assertThat(s.lastSuccessAt()).isEqualTo(t0);
        assertThat(s.efficiency()).isCloseTo(30.0, within(1e-9));
        assertThat(s.firmware()).isEqualTo("LUXminer 2025.4.8");

        write(ok(1, t0.plusSeconds(45), 3_000.0, 100.0));
        Sample back = db.sample(devices.get(1));
        assertThat(back.consecutiveFailures()).isZero();
        assertThat(back.lastError()).isNull();
        assertThat(back.lastSuccessAt()).isEqualTo(t0.plusSeconds(45));
    }

    @Test
    void aFirstReadThatFailsCreatesTheRowWithoutASuccess() throws Exception {
        write(PollResult.failed(device(2), CommandOutcome.protocolError("truncated", null), t0));
        Sample s = db.sample(devices.get(2));
        assertThat(s.status()).isEqualTo("ERROR");
        assertThat(s.consecutiveFailures()).isEqualTo(1);
        assertThat(s.lastSuccessAt()).isNull();
        assertThat(s.efficiency()).isNull();
    }

    @Test
    void anOlderSampleNeverOverwritesANewerOne() throws Exception {
        write(ok(0, t0.plusSeconds(10), 3_000.0, 100.0));
        int rows = write(ok(0, t0, 1_000.0, 100.0));
        assertThat(rows).isZero();
        assertThat(db.sample(devices.get(0)).powerW()).isEqualTo(3_000.0);
    }

    @Test
    void theDatabaseOffsetIsAddedToObservedAt() throws Exception {
        store.upsert(List.of(ok(0, t0, 3_000.0, 100.0)), Duration.ofMillis(1_500)).await().atMost(AWAIT);
        assertThat(db.sample(devices.get(0)).sampledAt()).isEqualTo(t0.plusMillis(1_500));
    }

    @Test
    void aDeletedDeviceIsSkippedAndTheRestOfTheBatchWritten() throws Exception {
        db.execute("DELETE FROM device WHERE id = '" + devices.get(2) + "'");
        int rows = write(ok(0, t0, 3_000.0, 100.0), ok(1, t0, 3_100.0, 101.0), ok(2, t0, 3_200.0, 102.0));
        assertThat(rows).isEqualTo(2);
    }

    @Test
    void aThousandSamplesAreWrittenByOneUpsert() throws Exception {
        db.clean();
        UUID org = db.createOrg("store-bulk");
        List<UUID> ids = db.insertDevices(org, IntStream.range(0, 1_000).mapToObj(i -> "10.0." + (i / 250) + "." + (i % 250 + 1)).toList(), 4028);
        List<PollResult> batch = new ArrayList<>();
        for (UUID id : ids) {
            batch.add(new PollResult(id, 0, t0, DeviceStatus.MINING, 3_000.0, PowerSource.MEASURED_PSU, 100.0, null,
                    null, null, true));
        }
        assertThat(store.upsert(batch, Duration.ZERO).await().atMost(AWAIT)).isEqualTo(1_000);
        assertThat(db.devicesNotSampledSince(t0)).isZero();
    }

    @Test
    void theShardFunctionIsStableCoversTheRangeAndLoadsEachDeviceOnce() throws Exception {
        db.clean();
        UUID org = db.createOrg("store-shards");
        List<UUID> ids = db.insertDevices(org, IntStream.range(0, 500).mapToObj(i -> "10.1." + (i / 250) + "." + (i % 250 + 1)).toList(), 4028);
        Set<Integer> all = new HashSet<>(IntStream.range(0, 64).boxed().toList());
        List<PolledDevice> loaded = store.loadDevices(64, all).await().atMost(AWAIT);
        assertThat(loaded).extracting(d -> d.endpoint().deviceId()).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(loaded).allSatisfy(d -> assertThat(d.shard()).isBetween(0, 63));
        Set<Integer> used = new HashSet<>();
        loaded.forEach(d -> used.add(d.shard()));
        assertThat(used).as("500 devices spread over most of 64 shards").hasSizeGreaterThan(55);

        List<PolledDevice> evens = store.loadDevices(64, Set.of(0, 2, 4)).await().atMost(AWAIT);
        assertThat(evens).allSatisfy(d -> assertThat(d.shard()).isIn(0, 2, 4));
        assertThat(evens).hasSize((int) loaded.stream().filter(d -> Set.of(0, 2, 4).contains(d.shard())).count());
        assertThat(store.loadDevices(64, all).await().atMost(AWAIT))
                .as("stable").containsExactlyInAnyOrderElementsOf(loaded);
    }
}
