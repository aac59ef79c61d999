package fleet.reconciler.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import fleet.driver.DriverSettings;
import fleet.reconciler.telemetry.PollerReplica.RoundRecord;
import fleet.simulator.FleetSimulator;
import fleet.simulator.SimulatorConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 3 acceptance: two poller replicas (each its own Vert.x, pool, drivers and lease session) over 2 000
 * simulated miners (127.66.16.0 and up). They split the shards without overlap, cover every device within one
 * interval, never poll a device in overlapping rounds, and when one replica's lease session is killed the other
 * takes all its shards within 5 s and keeps covering the fleet.
 */
class TelemetryPollerClusterTest {

    private static final Duration INTERVAL = Duration.ofSeconds(3);
    private static final int MINERS = 2_000;
    private static final int SHARDS = 64;
    private static final Set<Integer> ALL_SHARDS = Set.copyOf(IntStream.range(0, SHARDS).boxed().toList());
    /**
     * Next round start (one interval) plus the round itself: 1 000 reads per replica take about a second on an idle
     * 2-core machine with the simulator in the same JVM, several when other builds share the cores.
     */
    private static final Duration COVERAGE_BOUND = INTERVAL.plusSeconds(5);

    private static PollerTestDb db;
    private static FleetSimulator sim;
    private static PollerReplica a;
    private static PollerReplica b;

    @BeforeAll
    static void start() throws Exception {
        db = PollerTestDb.get();
        db.clean();
        sim = FleetSimulator.start(SimulatorConfig.builder()
                .miners(MINERS).firstAddress("127.66.16.1").timeScale(10).seed(5).withoutControlSurface().build());
        UUID org = db.createOrg("poller-cluster");
        db.insertDevices(org, IntStream.range(0, MINERS).mapToObj(sim::host).toList(), sim.port());
        PollerSettings settings = PollerSettings.defaults().withPollInterval(INTERVAL).withHeartbeat(true)
                .withShardCheckInterval(Duration.ofMillis(500)).withOrphanGrace(Duration.ofMillis(1_500))
                .withMaxConcurrentReads(128);
        // no faulty miners here: a generous read timeout keeps a busy machine from turning slow reads into failures
        DriverSettings drivers = PollerReplica.DRIVER_SETTINGS.toBuilder().totalTimeout(Duration.ofSeconds(3)).build();
        a = new PollerReplica("replica-a", db, settings, drivers).start();
        b = new PollerReplica("replica-b", db, settings, drivers).start();
    }

    @AfterAll
    static void stop() {
        for (PollerReplica r : new PollerReplica[] {a, b}) {
            if (r != null) {
                r.close();
            }
        }
        if (sim != null) {
            sim.close();
        }
    }

    @Test
    void twoReplicasSplitTheShardsCoverEveryDeviceNeverOverlapAndSurviveALostLeaseSession() throws Exception {
        // 1. fair split, no shard held twice
        await("shards split 32/32").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> a.shards().size() == SHARDS / 2 && b.shards().size() == SHARDS / 2);
        assertDisjointAndComplete(a.shards(), b.shards());
        Instant split = Instant.now();
        // the first rounds run on a cold JVM (JIT, first connections): measure coverage from warm rounds on
        await("each replica finished a round over its half").atMost(Duration.ofSeconds(20))
                .until(() -> roundsAfter(a, split) > 0 && roundsAfter(b, split) > 0);

        // 2. every device sampled within one interval (plus the round's own duration)
        Instant since = db.dbNow();
        await("every device sampled").atMost(COVERAGE_BOUND).pollInterval(Duration.ofMillis(100))
                .until(() -> db.devicesNotSampledSince(since) == 0);
        assertThat(lastRound(a).devices().size() + lastRound(b).devices().size())
                .as("the two replicas' latest rounds together poll the fleet once").isEqualTo(MINERS);

        // 3. lose replica A's lease session: B takes every shard within 5 s
        int killedPid = a.lease.backendPid();
        db.terminateBackend(killedPid);
        await("B holds all shards within 5 s").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> b.shards().equals(ALL_SHARDS));
        Instant allShardsHeld = Instant.now();
        assertThat(a.shards()).as("A dropped everything with its session").isEmpty();

        Instant afterTakeover = db.dbNow();
        await("every device sampled after the takeover").atMost(COVERAGE_BOUND).pollInterval(Duration.ofMillis(100))
                .until(() -> db.devicesNotSampledSince(afterTakeover) == 0);
        await("a round of B alone polls the fleet").atMost(COVERAGE_BOUND).until(() -> b.rounds.stream()
                .anyMatch(r -> r.start().isAfter(allShardsHeld) && r.devices().size() == MINERS));

        // 4. A's session comes back: the fair share is restored, still without overlap
        a.reconnect();
        await("shards split again").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> a.shards().size() == SHARDS / 2 && b.shards().size() == SHARDS / 2);
        assertDisjointAndComplete(a.shards(), b.shards());
        Instant afterRejoin = db.dbNow();
        await("every device sampled after the rejoin").atMost(COVERAGE_BOUND).pollInterval(Duration.ofMillis(100))
                .until(() -> db.devicesNotSampledSince(afterRejoin) == 0);

        // 5. across the whole run: rounds of A and B that overlap in time never share a device
        assertNoDevicePolledByBothInOverlappingRounds();
    }

    private static void assertDisjointAndComplete(Set<Integer> x, Set<Integer> y) {
        Set<Integer> overlap = new HashSet<>(x);
        overlap.retainAll(y);
        assertThat(overlap).as("no shard held by both").isEmpty();
        Set<Integer> union = new HashSet<>(x);
        union.addAll(y);
        assertThat(union).isEqualTo(ALL_SHARDS);
    }

    private static void assertNoDevicePolledByBothInOverlappingRounds() {
        List<RoundRecord> roundsA = new ArrayList<>(a.rounds);
        List<RoundRecord> roundsB = new ArrayList<>(b.rounds);
        assertThat(roundsA).hasSizeGreaterThan(1);
        assertThat(roundsB).hasSizeGreaterThan(1);
        int comparedPairs = 0;
        for (RoundRecord ra : roundsA) {
            for (RoundRecord rb : roundsB) {
                if (!ra.overlapsInTime(rb)) {
                    continue;
                }
                comparedPairs++;
                Set<UUID> both = new HashSet<>(ra.devices());
                both.retainAll(rb.devices());
                assertThat(both).as("devices polled by A round %d and B round %d at the same time",
                        ra.stats().round(), rb.stats().round()).isEmpty();
            }
        }
        assertThat(comparedPairs).as("the replicas did poll concurrently").isPositive();
    }

    private static long roundsAfter(PollerReplica r, Instant since) {
        return r.rounds.stream().filter(x -> x.start().isAfter(since)).count();
    }

    private static RoundRecord lastRound(PollerReplica r) {
        return r.rounds.get(r.rounds.size() - 1);
    }
}
