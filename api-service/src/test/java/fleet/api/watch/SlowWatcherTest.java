package fleet.api.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import fleet.api.GrpcClients;
import fleet.api.TestFleet;
import fleet.api.lifecycle.WatchCurtailmentTest;
import fleet.curtailment.v1.CurtailmentServiceGrpc;
import fleet.curtailment.v1.WatchCurtailmentEventRequest;
import fleet.curtailment.v1.WatchCurtailmentEventResponse;
import fleet.testsupport.PostgresTestResource;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * A watch stream whose client stops reading is ended RESOURCE_EXHAUSTED once its bounded buffer is full, instead of
 * the server buffering without bound; a reading watcher of the same event is not affected. The slow client is a
 * grpc-java call with manual inbound flow control that requests no message, over a channel with a 1 KiB HTTP/2
 * window, so the server's transport stops taking messages after a few. Asserted on the hub's counters, not on time.
 */
@QuarkusTest
@TestProfile(WatchCurtailmentTest.NotificationsOnly.class)
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL)
class SlowWatcherTest {

    private static final int MAX_UPDATES = 3_000;

    @Inject
    WatchHub hub;

    @Test
    void aWatcherThatDoesNotReadIsEndedResourceExhaustedWhileItsBufferStaysBounded() throws Exception {
        TestFleet fleet = new TestFleet("watch-slow");
        fleet.addMiners("s", 2);
        String event = fleet.start();
        UUID org = fleet.org.orgId();
        UUID id = UUID.fromString(event);
        await().atMost(Duration.ofSeconds(20)).until(() -> hub.stats().listening());
        long droppedBefore = hub.stats().slowDropped();
        WatchCurtailmentEventRequest request = WatchCurtailmentEventRequest.newBuilder().setEventId(event).build();

        int port = ConfigProvider.getConfig().getOptionalValue("quarkus.http.test-port", Integer.class).orElse(8081);
        ManagedChannel tiny = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext()
                .flowControlWindow(1024).build();
        try {
            // the slow consumer: requests no message, so none is read off the 1 KiB window
            ClientCall<WatchCurtailmentEventRequest, WatchCurtailmentEventResponse> slow = tiny.newCall(
                    CurtailmentServiceGrpc.getWatchCurtailmentEventMethod(),
                    CallOptions.DEFAULT.withCallCredentials(GrpcClients.bearer(fleet.org.viewerKey())));
            AtomicInteger slowReceived = new AtomicInteger();
            CompletableFuture<Status> slowClosed = new CompletableFuture<>();
            slow.start(new ClientCall.Listener<>() {
                @Override
                public void onMessage(WatchCurtailmentEventResponse message) {
                    slowReceived.incrementAndGet();
                }

                @Override
                public void onClose(Status status, Metadata trailers) {
                    slowClosed.complete(status);
                }
            }, new Metadata());
            slow.sendMessage(request);
            slow.halfClose();

            // a consumer that keeps up, on the same event
            BlockingQueue<WatchCurtailmentEventResponse> fast = new LinkedBlockingQueue<>();
            fleet.curtailmentAsync(fleet.org.viewerKey()).watchCurtailmentEvent(request, new StreamObserver<>() {
                @Override
                public void onNext(WatchCurtailmentEventResponse value) {
                    fast.add(value);
                }

                @Override
                public void onError(Throwable t) {
                }

                @Override
                public void onCompleted() {
                }
            });
            await().atMost(Duration.ofSeconds(20)).until(() -> hub.watchers(org, id) == 2 && !fast.isEmpty());

            // every update changes the rollup (one target flips PENDING <-> DISPATCHING): one message per read
            int updates = 0;
            while (hub.stats().slowDropped() == droppedBefore && updates < MAX_UPDATES) {
                long reads = hub.reads(org, id);
                fleet.update("UPDATE curtailment_target SET state = CASE state WHEN 1 THEN 8 ELSE 1 END"
                        + " WHERE event_id = ?::uuid AND rank = 1", event);
                fleet.rows("SELECT pg_notify('curtailment_progress', ?)", event);
                await().atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5))
                        .until(() -> hub.reads(org, id) > reads);
                updates++;
            }

            WatchHub.Stats stats = hub.stats();
            assertThat(stats.slowDropped()).as("dropped after %d updates", updates).isEqualTo(droppedBefore + 1);
            assertThat(stats.queuedPeak()).isEqualTo(hub.streamBuffer());
            // the slow stream left its topic; the fast one is still watching and still hears updates
            assertThat(hub.watchers(org, id)).isEqualTo(1);
            fast.clear();
            fleet.update("UPDATE curtailment_target SET state = 3 WHERE event_id = ?::uuid", event);
            fleet.rows("SELECT pg_notify('curtailment_progress', ?)", event);
            WatchCurtailmentEventResponse after = fast.poll(20, TimeUnit.SECONDS);
            assertThat(after).isNotNull();
            assertThat(after.getEvent().getRollup().getByStateList()).singleElement()
                    .satisfies(c -> assertThat(c.getCount()).isEqualTo(2));

            // when the slow client reads at last, it finds what was sent before the drop, then the status
            assertThat(slowClosed).isNotDone();
            slow.request(Integer.MAX_VALUE);
            Status status = slowClosed.get(20, TimeUnit.SECONDS);
            assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
            assertThat(status.getDescription()).isEqualTo("consumer too slow; re-subscribe to WatchCurtailmentEvent");
            assertThat(slowReceived.get()).isLessThan(updates + 1);
        } finally {
            tiny.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
