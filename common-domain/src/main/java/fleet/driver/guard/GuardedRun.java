package fleet.driver.guard;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.smallrye.mutiny.subscription.UniEmitter;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * One task admitted by a guard (the global limiter, a miner's write lane): started lazily, its outcome forwarded to
 * the caller's emitter, and {@code onDone} — which frees the guard's slot or lane — run exactly once however it ends:
 * completion, failure, a supplier that throws, or cancellation before or after it started.
 */
final class GuardedRun<T> {

    private final Supplier<Uni<T>> task;
    private final UniEmitter<? super T> emitter;
    private final Runnable onDone;
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private final AtomicBoolean done = new AtomicBoolean();
    private volatile Cancellable running;

    GuardedRun(Supplier<Uni<T>> task, UniEmitter<? super T> emitter, Runnable onDone) {
        this.task = task;
        this.emitter = emitter;
        this.onDone = onDone;
    }

    boolean isCancelled() {
        return cancelled.get();
    }

    void start() {
        if (cancelled.get()) {
            doneOnce();
            return;
        }
        Uni<T> uni;
        try {
            uni = task.get();
        } catch (RuntimeException e) {
            doneOnce();
            emitter.fail(e);
            return;
        }
        running = uni.subscribe().with(
                item -> {
                    doneOnce();
                    emitter.complete(item);
                },
                failure -> {
                    doneOnce();
                    emitter.fail(failure);
                });
        if (cancelled.get()) {
            cancelRunning();
        }
    }

    void cancel() {
        if (cancelled.compareAndSet(false, true)) {
            cancelRunning();
        }
    }

    private void cancelRunning() {
        Cancellable c = running;
        if (c != null) {
            c.cancel();
            doneOnce();
        }
    }

    private void doneOnce() {
        if (done.compareAndSet(false, true)) {
            onDone.run();
        }
    }
}
