package fleet.reconciler.step;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Database time as seen from this process: times compared across processes come from PostgreSQL's {@code now()}
 * (SPEC house rule), and a miner read at a local instant is converted with the offset last measured against it.
 */
public final class DbClock {

    private final Clock clock;
    private volatile long offsetNanos;

    public DbClock(Clock clock) {
        this.clock = clock;
    }

    /** Records a database {@code now()} observed at about the current local instant. */
    public void observe(Instant dbNow) {
        offsetNanos = Duration.between(clock.instant(), dbNow).toNanos();
    }

    /** The local clock's reading converted to database time. */
    public Instant now() {
        return clock.instant().plusNanos(offsetNanos);
    }

    public Instant toDb(Instant local) {
        return local.plusNanos(offsetNanos);
    }

    public Clock local() {
        return clock;
    }
}
