package fleet.reconciler.loop;

import fleet.reconciler.step.Fencing;
import io.smallrye.mutiny.Uni;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

/** Parks one replica's fenced write (before or after it) until the test releases it. */
final class Latch implements Fencing.WriteHook {

    private final String what;
    private final boolean afterCommit;
    private final CompletableFuture<Void> release = new CompletableFuture<>();
    final CountDownLatch reached = new CountDownLatch(1);

    Latch(String what, boolean afterCommit) {
        this.what = what;
        this.afterCommit = afterCommit;
    }

    @Override
    public Uni<Void> before(UUID eventId, String w) {
        return !afterCommit && what.equals(w) ? park() : Uni.createFrom().voidItem();
    }

    @Override
    public Uni<Void> after(UUID eventId, String w) {
        return afterCommit && what.equals(w) ? park() : Uni.createFrom().voidItem();
    }

    private Uni<Void> park() {
        reached.countDown();
        return Uni.createFrom().completionStage(release);
    }

    void release() {
        release.complete(null);
    }
}
