package fleet.reconciler.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import fleet.reconciler.ReconcilerHarness;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SPEC §6.1 with three replicas: fair share, no duplicate dispatch, exact completion. */
class ClusterTest {

    private static final int EVENTS = 30;
    private static final int PER_EVENT = 50;
    private static ReconcilerHarness h;
    private static final List<ReconcilerNode> nodes = new ArrayList<>();

    @BeforeAll
    static void start() {
        h = new ReconcilerHarness("cluster", EVENTS * PER_EVENT, "127.59.0.1");
        for (String id : List.of("cluster-a", "cluster-b", "cluster-c")) {
            nodes.add(h.startNode(id));
        }
        // every replica must have counted the others: a replica's fair share follows its own last heartbeat
        await().atMost(Duration.ofSeconds(10)).until(() -> nodes.stream().allMatch(n -> n.liveReplicas() == 3));
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    @Test
    void thirtyEventsOnThreeReplicasAllActivateWithoutDuplicateCommandsOrUnfairOwnership() {
        AtomicInteger maxOwned = new AtomicInteger();
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            while (sampling.get()) {
                for (ReconcilerNode n : nodes) {
                    maxOwned.accumulateAndGet(n.ownedEvents().size(), Math::max);
                }
                Thread.onSpinWait();
            }
        }, "ownership-sampler");
        sampler.setDaemon(true);
        sampler.start();
        for (int e = 0; e < EVENTS; e++) {
            int from = e * PER_EVENT;
            h.startEvent(IntStream.range(from, from + PER_EVENT).boxed().toList(), null);
        }
        try {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() ->
                    h.count("SELECT count(*) FROM curtailment_event WHERE state = 2") == EVENTS);
        } finally {
            sampling.set(false);
        }
        assertThat(maxOwned.get()).isLessThanOrEqualTo((int) Math.ceil((double) EVENTS / nodes.size()) + 1);
        for (int i = 0; i < EVENTS * PER_EVENT; i++) {
            assertThat(h.sleepCommands(i)).as("miner %d", i).isEqualTo(1);
        }
        assertThat(nodes).allSatisfy(n -> assertThat(n.ownedEvents()).isNotEmpty());
    }
}
