package fleet.driver.guard;

import io.smallrye.mutiny.Uni;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A global, non-blocking bound on simultaneously running tasks: at most {@code maxInFlight} run, the rest
 * wait in FIFO order and start as slots free (queued, never rejected). No thread ever blocks.
 *
 * <p>Only one thread at a time runs the drain loop (the {@code wip} counter is the usual
 * work-in-progress trampoline), so "check the count, then start" cannot overshoot, and a task that
 * completes synchronously does not recurse into the drain loop.
 */
public final class ConcurrencyLimiter {

    private final int maxInFlight;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicInteger wip = new AtomicInteger();
    private final Queue<GuardedRun<?>> waiting = new ConcurrentLinkedQueue<>();

    public ConcurrencyLimiter(int maxInFlight) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be positive");
        }
        this.maxInFlight = maxInFlight;
    }

    /**
     * Runs {@code task} (subscribed lazily, once a slot is free). Cancelling the returned {@code Uni}
     * cancels the task or removes it from the queue; the slot is released exactly once either way.
     */
    public <T> Uni<T> submit(Supplier<Uni<T>> task) {
        return Uni.createFrom().emitter(emitter -> {
            GuardedRun<T> slot = new GuardedRun<>(task, emitter, this::release);
            emitter.onTermination(slot::cancel);
            queued.incrementAndGet();
            waiting.add(slot);
            drain();
        });
    }

    /** Tasks running now. */
    public int inFlight() {
        return inFlight.get();
    }

    /** Tasks waiting for a slot. */
    public int queued() {
        return queued.get();
    }

    /** The configured bound. */
    public int maxInFlight() {
        return maxInFlight;
    }

    private void release() {
        inFlight.decrementAndGet();
        drain();
    }

    private void drain() {
        if (wip.getAndIncrement() != 0) {
            return;
        }
        do {
            while (inFlight.get() < maxInFlight) {
                GuardedRun<?> next = waiting.poll();
                if (next == null) {
                    break;
                }
                queued.decrementAndGet();
                if (next.isCancelled()) {
                    continue;
                }
                inFlight.incrementAndGet();
                next.start();
            }
        } while (wip.decrementAndGet() != 0);
    }
}
