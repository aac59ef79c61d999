package fleet.simulator;

import io.vertx.core.Vertx;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps listeners whose port must open or close without a command — a flapping miner, a device
 * rebooting, a failed bind — in line with their miner. One fleet-wide periodic timer visits only
 * those few listeners, so an idle fleet of 10 000 miners costs nothing here.
 */
final class ListenerSupervisor {

    static final long TICK_MILLIS = 100;

    private final Vertx vertx;
    private final Set<MinerListener> watched = ConcurrentHashMap.newKeySet();
    private final long timerId;

    ListenerSupervisor(Vertx vertx) {
        this.vertx = vertx;
        this.timerId = vertx.setPeriodic(TICK_MILLIS, id -> tick());
    }

    /** A fault or command changed what {@code listener}'s miner wants; act now and keep watching if needed. */
    void changed(MinerListener listener) {
        listener.reconcile().onComplete(result -> {
            if (listener.needsWatching()) {
                watched.add(listener);
            }
        });
    }

    int watchedCount() {
        return watched.size();
    }

    void stop() {
        vertx.cancelTimer(timerId);
    }

    private void tick() {
        for (MinerListener listener : watched) {
            listener.reconcile().onComplete(result -> {
                if (!listener.needsWatching()) {
                    watched.remove(listener);
                }
            });
        }
    }
}
