package fleet.driver.guard;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Non-blocking waits on Vert.x timers, and the backoff schedule for "busy" retries. */
public final class Delays {

    private Delays() {
    }

    /** Completes after {@code delay} on a Vert.x timer; cancelling cancels the timer. */
    public static Uni<Void> after(Vertx vertx, Duration delay) {
        long millis = Math.max(1, delay.toMillis());
        return Uni.createFrom().emitter(emitter -> {
            long timer = vertx.setTimer(millis, id -> emitter.complete(null));
            emitter.onTermination(() -> vertx.cancelTimer(timer));
        });
    }

    /**
     * Exponential backoff with jitter: {@code initial × 2^attempt}, capped at {@code max}, then scaled by a
     * random factor in [0.5, 1.0) so a fleet of busy miners is not retried in lock-step.
     *
     * @param attempt 0 for the first retry
     */
    public static Duration backoff(int attempt, Duration initial, Duration max) {
        long base = initial.toMillis();
        long capped = max.toMillis();
        long exp = attempt >= 30 ? capped : Math.min(capped, base << attempt);
        double jitter = 0.5 + ThreadLocalRandom.current().nextDouble() * 0.5;
        return Duration.ofMillis(Math.max(1, (long) (exp * jitter)));
    }
}
