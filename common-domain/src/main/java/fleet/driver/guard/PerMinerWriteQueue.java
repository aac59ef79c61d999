package fleet.driver.guard;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.smallrye.mutiny.subscription.UniEmitter;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * One write in flight per miner: writes to the same key run strictly one after another (FIFO), writes to
 * different keys run independently, and reads do not pass through here at all.
 *
 * <p>LuxOS allows one session per miner and Antminer restarts its miner process after a config write,
 * so overlapping writes to one miner fail or undo each other. Memory: a key has an entry only while a
 * write to it runs or waits; an idle fleet of 100 000 miners costs nothing here.
 */
public final class PerMinerWriteQueue {

    private final ConcurrentHashMap<String, Lane> lanes = new ConcurrentHashMap<>();

    /**
     * Runs {@code write} once no earlier write for {@code minerKey} is running. Cancelling the returned
     * {@code Uni} cancels the write (or drops it from the lane) and lets the next one start.
     */
    public <T> Uni<T> submit(String minerKey, Supplier<Uni<T>> write) {
        return Uni.createFrom().emitter(emitter -> {
            Entry<T> entry = new Entry<>(minerKey, write, emitter);
            emitter.onTermination(entry::cancel);
            boolean[] startNow = {false};
            lanes.compute(minerKey, (key, lane) -> {
                if (lane == null) {
                    startNow[0] = true;
                    return new Lane();
                }
                lane.waiting.add(entry);
                return lane;
            });
            if (startNow[0]) {
                entry.start();
            }
        });
    }

    /** Miners with a write running or waiting (for metrics and tests). */
    public int activeMiners() {
        return lanes.size();
    }

    private void finished(String minerKey) {
        Entry<?>[] next = {null};
        lanes.computeIfPresent(minerKey, (key, lane) -> {
            Entry<?> candidate;
            while ((candidate = lane.waiting.poll()) != null && candidate.cancelled.get()) {
                // dropped while waiting: skip it
            }
            next[0] = candidate;
            return candidate == null ? null : lane;
        });
        // started outside compute(): a write that completes synchronously re-enters finished()
        if (next[0] != null) {
            next[0].start();
        }
    }

    /** The writes waiting behind the running one; guarded by the map's per-key lock (compute). */
    private static final class Lane {
        final ArrayDeque<Entry<?>> waiting = new ArrayDeque<>(2);
    }

    private final class Entry<T> {
        private final String minerKey;
        private final Supplier<Uni<T>> write;
        private final UniEmitter<? super T> emitter;
        private final AtomicBoolean cancelled = new AtomicBoolean();
        private final AtomicBoolean done = new AtomicBoolean();
        private volatile Cancellable running;

        Entry(String minerKey, Supplier<Uni<T>> write, UniEmitter<? super T> emitter) {
            this.minerKey = minerKey;
            this.write = write;
            this.emitter = emitter;
        }

        void start() {
            if (cancelled.get()) {
                finishOnce();
                return;
            }
            Uni<T> uni;
            try {
                uni = write.get();
            } catch (RuntimeException e) {
                finishOnce();
                emitter.fail(e);
                return;
            }
            running = uni.subscribe().with(
                    item -> {
                        finishOnce();
                        emitter.complete(item);
                    },
                    failure -> {
                        finishOnce();
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
                finishOnce();
            }
        }

        private void finishOnce() {
            if (done.compareAndSet(false, true)) {
                finished(minerKey);
            }
        }
    }
}
