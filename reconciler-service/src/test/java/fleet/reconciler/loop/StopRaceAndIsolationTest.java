package fleet.reconciler.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import fleet.reconciler.ReconcilerHarness;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A Stop racing a dispatch wins (SPEC §6.4); one event's failing step does not stop the others (SPEC §6.1). */
class StopRaceAndIsolationTest {

    private static ReconcilerHarness h;
    private static ReconcilerNode node;

    @BeforeAll
    static void start() {
        h = new ReconcilerHarness("race", 60, "127.60.0.1");
        node = h.startNode("race-a");
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    @Test
    void noCurtailCommandIsSentAfterAStopThatLandsBetweenPreWriteAndSend() throws Exception {
        Latch afterPreWrite = new Latch("curtail-prewrite", true);
        node.hookWrites(afterPreWrite);
        UUID event = h.startEvent(IntStream.range(0, 30).boxed().toList(), null);
        assertThat(afterPreWrite.reached.await(20, TimeUnit.SECONDS)).isTrue();
        var reset = h.stopEvent(event);
        assertThat(reset.restorePending() + reset.resolvedUncommanded()).as("every open target reset").isEqualTo(30);
        node.hookWrites(null);
        afterPreWrite.release();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> h.eventState(event) == 4);
        // the send was still to come when the Stop landed: no miner ever received a sleep
        assertThat(IntStream.range(0, 30).mapToLong(h::sleepCommands).sum()).isZero();
    }

    @Test
    void anExceptionInOneEventsStepDoesNotStopTheOthers() {
        UUID[] poisoned = new UUID[1];
        node.setStepHook(id -> id.equals(poisoned[0])
                ? Uni.createFrom().failure(new IllegalStateException("injected failure"))
                : Uni.createFrom().voidItem());
        UUID first = h.startEvent(IntStream.range(30, 40).boxed().toList(), null);
        poisoned[0] = h.startEvent(IntStream.range(40, 50).boxed().toList(), null);
        UUID third = h.startEvent(IntStream.range(50, 60).boxed().toList(), null);
        try {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> h.eventState(first) == 2 && h.eventState(third) == 2);
            assertThat(h.eventState(poisoned[0])).isEqualTo(1);
            assertThat(h.meters.counter("fleet.reconciler.step.outcomes", "outcome", "error").count()).isPositive();
        } finally {
            node.setStepHook(id -> Uni.createFrom().voidItem());
        }
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> h.eventState(poisoned[0]) == 2);
    }
}
