package fleet.demo;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Bounded polling for the launcher (waits on a delayed executor, not on sleeps). */
final class Waits {

    private Waits() {
    }

    static void until(String what, Duration timeout, Duration every, BooleanSupplier condition) {
        Instant deadline = Instant.now().plus(timeout);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("timed out after " + timeout + " waiting for " + what);
            }
            pause(every);
        }
    }

    static void pause(Duration d) {
        CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(d.toMillis(), TimeUnit.MILLISECONDS)).join();
    }
}
