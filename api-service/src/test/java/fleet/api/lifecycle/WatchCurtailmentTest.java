package fleet.api.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import fleet.api.TestFleet;
import fleet.api.watch.WatchHub;
import fleet.curtailment.v1.CurtailmentEventState;
import fleet.curtailment.v1.CurtailmentTargetState;
import fleet.curtailment.v1.StopCurtailmentRequest;
import fleet.curtailment.v1.TargetStateCount;
import fleet.curtailment.v1.WatchCurtailmentEventRequest;
import fleet.curtailment.v1.WatchCurtailmentEventResponse;
import fleet.testsupport.PostgresTestResource;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * WatchCurtailmentEvent: a snapshot, then one update per state or rollup change, driven by NOTIFY, ending after the
 * terminal state. The safety re-read is pushed out to an hour here, so every update these tests see was caused by a
 * notification, a listener reconnect, or an explicit {@link WatchHub#rereadAll()}.
 */
@QuarkusTest
@TestProfile(WatchCurtailmentTest.NotificationsOnly.class)
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL)
public class WatchCurtailmentTest {

    public static class NotificationsOnly implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("fleet.watch.safety-reread", "1h");
        }
    }

    @Inject
    WatchHub hub;

    /** One client stream: its messages in arrival order, and how it ended. */
    static final class Watch implements ClientResponseObserver<WatchCurtailmentEventRequest, WatchCurtailmentEventResponse> {
        final BlockingQueue<WatchCurtailmentEventResponse> messages = new LinkedBlockingQueue<>();
        final CompletableFuture<Void> ended = new CompletableFuture<>();
        volatile ClientCallStreamObserver<WatchCurtailmentEventRequest> call;

        @Override
        public void beforeStart(ClientCallStreamObserver<WatchCurtailmentEventRequest> requestStream) {
            call = requestStream;
        }

        @Override
        public void onNext(WatchCurtailmentEventResponse value) {
            messages.add(value);
        }

        @Override
        public void onError(Throwable t) {
            ended.completeExceptionally(t);
        }

        @Override
        public void onCompleted() {
            ended.complete(null);
        }

        WatchCurtailmentEventResponse next() throws InterruptedException {
            WatchCurtailmentEventResponse m = messages.poll(20, TimeUnit.SECONDS);
            assertThat(m).as("a message within 20 s").isNotNull();
            return m;
        }
    }

    private static Watch watch(TestFleet fleet, String eventId) {
        Watch w = new Watch();
        fleet.curtailmentAsync(fleet.org.viewerKey()).watchCurtailmentEvent(
                WatchCurtailmentEventRequest.newBuilder().setEventId(eventId).build(), w);
        return w;
    }

    private static void progress(TestFleet fleet, String eventId) {
        fleet.rows("SELECT pg_notify('curtailment_progress', ?)", eventId);
    }

    private static String describe(WatchCurtailmentEventResponse m) {
        String states = m.getEvent().getRollup().getByStateList().stream()
                .map(c -> c.getState().name().replace("CURTAILMENT_TARGET_STATE_", "") + ":" + c.getCount())
                .collect(Collectors.joining(","));
        return m.getSequence() + (m.getSnapshot() ? " snapshot " : " ")
                + m.getEvent().getState().name().replace("CURTAILMENT_EVENT_STATE_", "") + " [" + states + "]";
    }

    @Test
    void twoWatchersReceiveTheSnapshotThenEveryStateInOrderAndCompleteAfterTheTerminalState() throws Exception {
        TestFleet fleet = new TestFleet("watch-two");
        fleet.addMiners("w", 2);
        String event = fleet.start();
        UUID org = fleet.org.orgId();
        await().atMost(Duration.ofSeconds(20)).until(() -> hub.stats().listening());
        WatchHub.Stats before = hub.stats();

        Watch a = watch(fleet, event);
        Watch b = watch(fleet, event);
        List<Watch> both = List.of(a, b);
        for (Watch w : both) {
            assertThat(describe(w.next())).isEqualTo("1 snapshot PENDING [PENDING:2]");
        }
        // one topic, one listener connection, however many watchers
        assertThat(hub.watchers(org, UUID.fromString(event))).isEqualTo(2);
        assertThat(hub.stats().listenerPid()).isEqualTo(before.listenerPid());
        assertThat(hub.stats().connects()).isEqualTo(before.connects());

        fleet.update("UPDATE curtailment_target SET state = 8, command_sent_at = now() WHERE event_id = ?::uuid", event);
        progress(fleet, event);
        for (Watch w : both) {
            assertThat(describe(w.next())).isEqualTo("2 PENDING [DISPATCHING:2]");
        }

        progress(fleet, event); // nothing changed: nobody hears about it
        fleet.makeActive(event, 1);
        progress(fleet, event);
        for (Watch w : both) {
            WatchCurtailmentEventResponse m = w.next();
            assertThat(describe(m)).isEqualTo("3 ACTIVE [CONFIRMED:2]");
            assertThat(m.getEvent().getRollup().getConfirmedReductionKw()).isEqualTo(6.8);
        }

        fleet.operator().stopCurtailment(StopCurtailmentRequest.newBuilder().setEventId(event).build());
        for (Watch w : both) {
            assertThat(describe(w.next())).isEqualTo("4 RESTORING [PENDING:2]");
        }

        fleet.complete(event);
        progress(fleet, event);
        for (Watch w : both) {
            assertThat(describe(w.next())).isEqualTo("5 COMPLETED [RESOLVED:2]");
            w.ended.get(20, TimeUnit.SECONDS);
            assertThat(w.messages).isEmpty();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> hub.watchers(org, UUID.fromString(event)) == 0);
    }

    @Test
    void aChangeWithoutANotificationArrivesWithTheSafetyReread() throws Exception {
        TestFleet fleet = new TestFleet("watch-safety");
        fleet.addMiners("s", 1);
        String event = fleet.start();
        Watch w = watch(fleet, event);
        assertThat(w.next().getSnapshot()).isTrue();

        fleet.update("UPDATE curtailment_target SET state = 8 WHERE event_id = ?::uuid", event);
        assertThat(w.messages.poll(1, TimeUnit.SECONDS)).as("no notification, no update").isNull();
        hub.rereadAll();

        assertThat(describe(w.next())).isEqualTo("2 PENDING [DISPATCHING:1]");
        w.call.cancel("done", null);
    }

    @Test
    void watchersSurviveAListenerReconnectAndCatchUpOnWhatTheyMissed() throws Exception {
        TestFleet fleet = new TestFleet("watch-reconnect");
        fleet.addMiners("c", 1);
        String event = fleet.start();
        Watch w = watch(fleet, event);
        assertThat(w.next().getSnapshot()).isTrue();
        await().atMost(Duration.ofSeconds(20)).until(() -> hub.stats().listening());
        WatchHub.Stats before = hub.stats();

        // never notified: only the re-read after the reconnect can find it
        fleet.update("UPDATE curtailment_target SET state = 2, command_sent_at = now() WHERE event_id = ?::uuid", event);
        fleet.rows("SELECT pg_terminate_backend(?)", before.listenerPid());

        assertThat(describe(w.next())).isEqualTo("2 PENDING [DISPATCHED:1]");
        await().atMost(Duration.ofSeconds(20)).until(() -> hub.stats().listening()
                && hub.stats().connects() > before.connects());
        assertThat(hub.stats().listenerPid()).isNotEqualTo(before.listenerPid());
        fleet.update("UPDATE curtailment_target SET state = 3 WHERE event_id = ?::uuid", event);
        progress(fleet, event);
        assertThat(describe(w.next())).isEqualTo("3 PENDING [CONFIRMED:1]");
        assertThat(w.ended).isNotDone();
        w.call.cancel("done", null);
    }

    @Test
    void watchingATerminalEventSendsItsSnapshotAndCompletes() throws Exception {
        TestFleet fleet = new TestFleet("watch-terminal");
        fleet.addMiners("t", 1);
        String event = fleet.start();
        fleet.complete(event);

        Watch w = watch(fleet, event);

        WatchCurtailmentEventResponse m = w.next();
        assertThat(m.getSnapshot()).isTrue();
        assertThat(m.getEvent().getState()).isEqualTo(CurtailmentEventState.CURTAILMENT_EVENT_STATE_COMPLETED);
        assertThat(m.getEvent().getRollup().getByStateList()).containsExactly(TargetStateCount.newBuilder()
                .setState(CurtailmentTargetState.CURTAILMENT_TARGET_STATE_RESOLVED).setCount(1).build());
        w.ended.get(20, TimeUnit.SECONDS);
    }

    @Test
    void aCancelledWatcherLeavesAndTheLastOneClosesTheTopic() throws Exception {
        TestFleet fleet = new TestFleet("watch-cancel");
        fleet.addMiners("x", 1);
        String event = fleet.start();
        UUID org = fleet.org.orgId();
        Watch a = watch(fleet, event);
        Watch b = watch(fleet, event);
        a.next();
        b.next();

        a.call.cancel("client went away", null);
        await().atMost(Duration.ofSeconds(10)).until(() -> hub.watchers(org, UUID.fromString(event)) == 1);
        fleet.update("UPDATE curtailment_target SET state = 8 WHERE event_id = ?::uuid", event);
        progress(fleet, event);
        assertThat(describe(b.next())).isEqualTo("2 PENDING [DISPATCHING:1]");

        b.call.cancel("client went away", null);
        await().atMost(Duration.ofSeconds(10)).until(() -> hub.watchers(org, UUID.fromString(event)) == 0);
    }

    @Test
    void watchOfAnotherOrganizationsEventIsNotFoundAndABadIdIsInvalid() throws Exception {
        TestFleet fleet = new TestFleet("watch-scope");
        fleet.addMiners("o", 1);
        String event = fleet.start();
        TestFleet other = new TestFleet("watch-scope-other");

        Watch foreign = watch(other, event);
        Watch bad = watch(fleet, "nope");

        assertThat(status(foreign)).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(status(bad)).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(foreign.messages).isEmpty();
    }

    private static Status.Code status(Watch w) throws Exception {
        try {
            w.ended.get(20, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            return ((StatusRuntimeException) e.getCause()).getStatus().getCode();
        }
        throw new AssertionError("expected the stream to fail");
    }
}
