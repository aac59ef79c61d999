package fleet.driver.guard;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.helpers.test.UniAssertSubscriber;
import io.smallrye.mutiny.subscription.UniEmitter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class PerMinerWriteQueueTest {

    private final PerMinerWriteQueue queue = new PerMinerWriteQueue();
    private final List<String> started = new CopyOnWriteArrayList<>();
    private final List<UniEmitter<? super String>> running = new CopyOnWriteArrayList<>();

    private Uni<String> write(String name) {
        return Uni.createFrom().emitter(e -> {
            started.add(name);
            running.add(e);
        });
    }

    @Test
    void writesToOneMinerNeverOverlapAndRunInOrder() {
        UniAssertSubscriber<String> a1 = queue.submit("m1", () -> write("a1")).subscribe().withSubscriber(UniAssertSubscriber.create());
        UniAssertSubscriber<String> a2 = queue.submit("m1", () -> write("a2")).subscribe().withSubscriber(UniAssertSubscriber.create());
        UniAssertSubscriber<String> a3 = queue.submit("m1", () -> write("a3")).subscribe().withSubscriber(UniAssertSubscriber.create());
        assertThat(started).containsExactly("a1");

        running.get(0).complete("a1");
        a1.assertItem("a1");
        assertThat(started).containsExactly("a1", "a2");
        running.get(1).fail(new IllegalStateException("x"));
        a2.assertFailedWith(IllegalStateException.class);
        assertThat(started).as("a failed write releases the miner too").containsExactly("a1", "a2", "a3");
        running.get(2).complete("a3");
        a3.assertItem("a3");
        assertThat(queue.activeMiners()).as("no memory kept for idle miners").isZero();
    }

    @Test
    void writesToDifferentMinersRunConcurrently() {
        queue.submit("m1", () -> write("a")).subscribe().withSubscriber(UniAssertSubscriber.create());
        queue.submit("m2", () -> write("b")).subscribe().withSubscriber(UniAssertSubscriber.create());
        assertThat(started).containsExactly("a", "b");
        assertThat(queue.activeMiners()).isEqualTo(2);
    }

    @Test
    void aCancelledWriteLetsTheNextOneStart() {
        UniAssertSubscriber<String> first = queue.submit("m1", () -> write("a1")).subscribe().withSubscriber(UniAssertSubscriber.create());
        UniAssertSubscriber<String> waiting = queue.submit("m1", () -> write("a2")).subscribe().withSubscriber(UniAssertSubscriber.create());
        UniAssertSubscriber<String> third = queue.submit("m1", () -> write("a3")).subscribe().withSubscriber(UniAssertSubscriber.create());
        waiting.cancel();
        first.cancel();
        assertThat(started).containsExactly("a1", "a3");
        running.get(1).complete("a3");
        third.assertItem("a3");
        assertThat(queue.activeMiners()).isZero();
    }
}
