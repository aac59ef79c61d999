package fleet.reconciler.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import fleet.reconciler.ReconcilerHarness;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * SPEC §6.1 failover and fencing: the owner is parked in the middle of a dispatch (commands sent, outcomes not yet
 * written), its lease connection is terminated, another replica takes over within 5 s and re-sends the orphans; when
 * the parked replica wakes up, its late writes change nothing.
 */
class FailoverTest {

    private ReconcilerHarness h;

    @AfterEach
    void stop() {
        if (h != null) {
            h.close();
        }
    }

    private record Write(String node, UUID event, long epoch, String what) {
    }

    @Test
    void parkedOwnerIsReplacedWithinFiveSecondsItsOrphansResentAndItsLateWritesFenced() throws Exception {
        h = new ReconcilerHarness("failover", 100, "127.58.0.1");
        List<Write> log = Collections.synchronizedList(new ArrayList<>());
        ReconcilerNode a = h.startNode("failover-a");
        a.observeWrites((event, epoch, what) -> log.add(new Write("A", event, epoch, what)));
        Latch parked = new Latch("curtail-outcomes", false);
        a.hookWrites(parked);

        UUID event = h.startEvent(IntStream.range(0, 100).boxed().toList(), null);
        assertThat(parked.reached.await(20, TimeUnit.SECONDS)).isTrue();
        // A is now a paused process: its step waits before writing the outcomes, its loop does not tick
        java.util.concurrent.CompletableFuture<Void> resumeTicks = new java.util.concurrent.CompletableFuture<>();
        a.setTickHook(() -> io.smallrye.mutiny.Uni.createFrom().completionStage(resumeTicks));
        assertThat(h.count("SELECT count(*) FROM curtailment_target WHERE event_id = ? AND state = 8", event)).isEqualTo(100);
        long epochA = h.scalar("SELECT lease_epoch FROM curtailment_event WHERE id = ?", event);

        ReconcilerNode b = h.startNode("failover-b");
        b.observeWrites((e, epoch, what) -> log.add(new Write("B", e, epoch, what)));
        try (Connection c = h.db.connect(); var ps = c.prepareStatement("SELECT pg_terminate_backend(?)")) {
            ps.setInt(1, a.leaseConnection().backendPid());
            ps.execute();
        }
        await("B owns the event within 5 s of A's lease connection dying").atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(50)).until(() -> b.ownedEvents().contains(event));
        assertThat(h.scalar("SELECT lease_epoch FROM curtailment_event WHERE id = ?", event)).isGreaterThan(epochA);

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> h.eventState(event) == 2);
        // the orphans were re-sent by B: every miner got A's command and B's
        for (int i = 0; i < 100; i++) {
            assertThat(h.sleepCommands(i)).as("miner %d", i).isEqualTo(2);
        }
        long confirmedBefore = h.count("SELECT count(*) FROM curtailment_target WHERE event_id = ? AND state = 3", event);
        String fingerprint = snapshot(event);

        parked.release();
        resumeTicks.complete(null);
        await().atMost(Duration.ofSeconds(5)).until(() -> !a.ownedEvents().contains(event));
        await().atMost(Duration.ofSeconds(5)).until(() -> a.isReady());
        assertThat(snapshot(event)).isEqualTo(fingerprint);
        assertThat(h.count("SELECT count(*) FROM curtailment_target WHERE event_id = ? AND state = 3", event)).isEqualTo(confirmedBefore);
        // the audit trail (D37) is written with the outcomes: nothing of the fenced owner's, one row per miner of B's
        assertThat(h.count("SELECT count(*) FROM curtailment_command_log WHERE event_id = ? AND replica = 'failover-a'",
                event)).isZero();
        assertThat(h.count("SELECT count(*) FROM curtailment_command_log WHERE event_id = ? AND replica = 'failover-b'"
                + " AND action = 'CURTAIL' AND attempt = 1 AND outcome = 'ACCEPTED'", event)).isEqualTo(100);
        assertThat(h.count("SELECT count(DISTINCT device_id) FROM curtailment_command_log WHERE event_id = ?", event))
                .isEqualTo(100);

        List<Write> writes = new ArrayList<>(log);
        writes.removeIf(w -> !w.event().equals(event));
        int firstB = IntStream.range(0, writes.size()).filter(i -> writes.get(i).node().equals("B")).findFirst().orElseThrow();
        assertThat(writes.subList(0, firstB)).allSatisfy(w -> assertThat(w.node()).isEqualTo("A"));
        assertThat(writes.subList(firstB, writes.size())).allSatisfy(w -> assertThat(w.node()).isEqualTo("B"));
        for (int i = 1; i < writes.size(); i++) {
            assertThat(writes.get(i).epoch()).isGreaterThanOrEqualTo(writes.get(i - 1).epoch());
        }
        assertThat(writes.get(firstB).epoch()).isGreaterThan(epochA);
    }

    /** Every column a late write could touch, for the whole event. */
    private String snapshot(UUID event) throws Exception {
        try (Connection c = h.db.connect(); var ps = c.prepareStatement(
                "SELECT string_agg(id || ':' || state || ':' || retry_count || ':' || coalesce(last_error, '')"
                        + " || ':' || coalesce(updated_at::text, ''), ',' ORDER BY id) FROM curtailment_target WHERE event_id = ?")) {
            ps.setObject(1, event);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }
}
