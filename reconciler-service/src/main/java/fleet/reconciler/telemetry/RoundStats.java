package fleet.reconciler.telemetry;

import java.time.Duration;
import java.time.Instant;

/**
 * What one poll round did (for tests, the benchmark and logs).
 *
 * @param round         this poller's round number, from 1
 * @param startedAt     when the round started (the poller's clock)
 * @param duration      start to the last write
 * @param shards        shards polled (held and verified at round start)
 * @param devicesPolled devices whose read finished (success or failure)
 * @param failures      reads that failed
 * @param rowsWritten   rows the upserts inserted or updated
 * @param writesSkipped results not written because their shard was lost mid-round, or because a newer sample was
 *                      already stored
 * @param statements    database statements the round issued (lease verification, clock, load, one upsert per batch)
 * @param abandoned     the round was cut short (lease connection lost, or the poller stopped)
 */
public record RoundStats(long round, Instant startedAt, Duration duration, int shards, int devicesPolled, int failures,
        int rowsWritten, int writesSkipped, int statements, boolean abandoned) {
}
