package fleet.driver.guard;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.helpers.test.UniAssertSubscriber;
import io.smallrye.mutiny.subscription.UniEmitter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class ConcurrencyLimiterTest {

    /** Tasks that complete only when the test says so. */
    private final List<UniEmitter<? super Integer>> running = new CopyOnWriteArrayList<>();

    private Uni<Integer> task() {
        return Uni.createFrom().emitter(running::add);
    }

    @Test
    void excessTasksQueueInsteadOfBeingRejectedAndStartInOrder() {
        ConcurrencyLimiter limiter = new ConcurrencyLimiter(2);
        List<UniAssertSubscriber<Integer>> results = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            results.add(limiter.submit(this::task).subscribe().withSubscriber(UniAssertSubscriber.create()));
        }
        assertThat(running).hasSize(2);
        assertThat(limiter.inFlight()).isEqualTo(2);
        assertThat(limiter.queued()).isEqualTo(3);

        running.get(0).complete(0);
        results.get(0).assertItem(0);
        assertThat(running).as("a freed slot starts the next queued task").hasSize(3);
        assertThat(limiter.inFlight()).isEqualTo(2);

        running.get(1).fail(new IllegalStateException("boom"));
        results.get(1).assertFailedWith(IllegalStateException.class, "boom");
        running.get(2).complete(2);
        running.get(3).complete(3);
        running.get(4).complete(4);
        results.get(4).assertItem(4);
        assertThat(limiter.inFlight()).isZero();
        assertThat(limiter.queued()).isZero();
    }

    @Test
    void cancellingAQueuedTaskDropsItAndCancellingARunningOneFreesItsSlot() {
        ConcurrencyLimiter limiter = new ConcurrencyLimiter(1);
        UniAssertSubscriber<Integer> first = limiter.submit(this::task).subscribe().withSubscriber(UniAssertSubscriber.create());
        UniAssertSubscriber<Integer> second = limiter.submit(this::task).subscribe().withSubscriber(UniAssertSubscriber.create());
        UniAssertSubscriber<Integer> third = limiter.submit(this::task).subscribe().withSubscriber(UniAssertSubscriber.create());
        second.cancel();
        first.cancel();
        assertThat(running).as("the cancelled queued task never ran; the third did").hasSize(2);
        running.get(1).complete(3);
        third.assertItem(3);
        assertThat(limiter.inFlight()).isZero();
    }

    @Test
    void synchronousTasksDoNotRecurseIntoDeepStacks() {
        ConcurrencyLimiter limiter = new ConcurrencyLimiter(1);
        UniAssertSubscriber<Integer> blocker = limiter.submit(this::task).subscribe().withSubscriber(UniAssertSubscriber.create());
        List<UniAssertSubscriber<Integer>> quick = new ArrayList<>();
        for (int i = 0; i < 50_000; i++) {
            int n = i;
            quick.add(limiter.submit(() -> Uni.createFrom().item(n)).subscribe().withSubscriber(UniAssertSubscriber.create()));
        }
        running.get(0).complete(-1);
        blocker.assertItem(-1);
        quick.get(49_999).assertItem(49_999);
        assertThat(limiter.inFlight()).isZero();
    }
}
