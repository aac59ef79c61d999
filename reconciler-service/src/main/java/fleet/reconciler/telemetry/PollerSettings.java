package fleet.reconciler.telemetry;

import java.time.Duration;
import java.util.Objects;

/**
 * Knobs of the {@link TelemetryPoller} (SPEC §7.3, §9 defaults).
 *
 * @param pollInterval       how often a round polls every device of the owned shards (15 s)
 * @param shardCount         how many shards the fleet is cut into (64); every replica must use the same value
 * @param shardCheckInterval how often shard leases are verified and rebalanced (1 s)
 * @param writeBatchSize     devices per bulk upsert statement (1 000)
 * @param maxConcurrentReads telemetry reads subscribed at once per replica (512; the driver also bounds open
 *                           connections globally)
 * @param liveWindow         a {@code reconciler_member} row older than this (database time) is not a live replica (10 s)
 * @param orphanGrace        a shard nobody has held for this long is taken even beyond the fair share (3 s), so a
 *                           live-looking replica that holds nothing cannot leave shards unpolled
 * @param releaseBackoffMax  cap of the back-off between surplus releases that nobody picked up (5 min); the
 *                           back-off starts at {@code liveWindow}
 * @param efficiencyAlpha    weight of the newest power/hashrate ratio in the smoothed J/TH (0.3)
 * @param heartbeat          upsert this replica's {@code reconciler_member} row on each shard check (false: another
 *                           component heartbeats for the replica)
 */
public record PollerSettings(Duration pollInterval, int shardCount, Duration shardCheckInterval, int writeBatchSize,
        int maxConcurrentReads, Duration liveWindow, Duration orphanGrace, Duration releaseBackoffMax,
        double efficiencyAlpha, boolean heartbeat) {

    public PollerSettings {
        requirePositive(pollInterval, "pollInterval");
        requirePositive(shardCheckInterval, "shardCheckInterval");
        requirePositive(liveWindow, "liveWindow");
        requirePositive(orphanGrace, "orphanGrace");
        requirePositive(releaseBackoffMax, "releaseBackoffMax");
        if (shardCount < 1 || shardCount > 4096) {
            throw new IllegalArgumentException("shardCount must be within 1..4096");
        }
        if (writeBatchSize < 1 || maxConcurrentReads < 1) {
            throw new IllegalArgumentException("writeBatchSize and maxConcurrentReads must be positive");
        }
        if (!(efficiencyAlpha > 0 && efficiencyAlpha <= 1)) {
            throw new IllegalArgumentException("efficiencyAlpha must be within (0, 1]");
        }
    }

    /** SPEC §9 defaults; heartbeat off (the reconcile loop heartbeats for the replica). */
    public static PollerSettings defaults() {
        return new PollerSettings(Duration.ofSeconds(15), 64, Duration.ofSeconds(1), 1_000, 512,
                Duration.ofSeconds(10), Duration.ofSeconds(3), Duration.ofMinutes(5), 0.3, false);
    }

    public PollerSettings withPollInterval(Duration value) {
        return new PollerSettings(value, shardCount, shardCheckInterval, writeBatchSize, maxConcurrentReads, liveWindow,
                orphanGrace, releaseBackoffMax, efficiencyAlpha, heartbeat);
    }

    public PollerSettings withShardCount(int value) {
        return new PollerSettings(pollInterval, value, shardCheckInterval, writeBatchSize, maxConcurrentReads, liveWindow,
                orphanGrace, releaseBackoffMax, efficiencyAlpha, heartbeat);
    }

    public PollerSettings withShardCheckInterval(Duration value) {
        return new PollerSettings(pollInterval, shardCount, value, writeBatchSize, maxConcurrentReads, liveWindow,
                orphanGrace, releaseBackoffMax, efficiencyAlpha, heartbeat);
    }

    public PollerSettings withWriteBatchSize(int value) {
        return new PollerSettings(pollInterval, shardCount, shardCheckInterval, value, maxConcurrentReads, liveWindow,
                orphanGrace, releaseBackoffMax, efficiencyAlpha, heartbeat);
    }

    public PollerSettings withMaxConcurrentReads(int value) {
        return new PollerSettings(pollInterval, shardCount, shardCheckInterval, writeBatchSize, value, liveWindow,
                orphanGrace, releaseBackoffMax, efficiencyAlpha, heartbeat);
    }

    public PollerSettings withLiveWindow(Duration value) {
        return new PollerSettings(pollInterval, shardCount, shardCheckInterval, writeBatchSize, maxConcurrentReads, value,
                orphanGrace, releaseBackoffMax, efficiencyAlpha, heartbeat);
    }

    public PollerSettings withOrphanGrace(Duration value) {
        return new PollerSettings(pollInterval, shardCount, shardCheckInterval, writeBatchSize, maxConcurrentReads,
                liveWindow, value, releaseBackoffMax, efficiencyAlpha, heartbeat);
    }

    public PollerSettings withEfficiencyAlpha(double value) {
        return new PollerSettings(pollInterval, shardCount, shardCheckInterval, writeBatchSize, maxConcurrentReads,
                liveWindow, orphanGrace, releaseBackoffMax, value, heartbeat);
    }

    public PollerSettings withHeartbeat(boolean value) {
        return new PollerSettings(pollInterval, shardCount, shardCheckInterval, writeBatchSize, maxConcurrentReads,
                liveWindow, orphanGrace, releaseBackoffMax, efficiencyAlpha, value);
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }
}
