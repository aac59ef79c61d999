package fleet.driver.guard;

import io.smallrye.mutiny.Uni;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentHashMap;
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
            GuardedRun<T> entry = new GuardedRun<>(write, emitter, () -> finished(minerKey));
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
        GuardedRun<?>[] next = {null};
        lanes.computeIfPresent(minerKey, (key, lane) -> {
            GuardedRun<?> candidate;
            while ((candidate = lane.waiting.poll()) != null && candidate.isCancelled()) {
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
        final ArrayDeque<GuardedRun<?>> waiting = new ArrayDeque<>(2);
    }
}
