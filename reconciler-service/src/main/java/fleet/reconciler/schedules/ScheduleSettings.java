package fleet.reconciler.schedules;

import java.time.Duration;

/**
 * Knobs of the schedule processor.
 *
 * @param nodeId         this replica's id (recorded as the occurrence rows' last writer)
 * @param tick           how often due windows, reverts and deferred reverts are looked for (default 5 s)
 * @param batchLimit     the most occurrences (and schedules with deferred reverts) handled per tick and kind
 * @param shutdownBudget how long shutdown waits for a tick in progress
 */
public record ScheduleSettings(String nodeId, Duration tick, int batchLimit, Duration shutdownBudget) {

    public ScheduleSettings {
        if (tick.isZero() || tick.isNegative()) {
            throw new IllegalArgumentException("tick must be positive");
        }
        if (batchLimit < 1) {
            throw new IllegalArgumentException("batchLimit must be at least 1");
        }
    }

    public static ScheduleSettings defaults(String nodeId) {
        return new ScheduleSettings(nodeId, Duration.ofSeconds(5), 200, Duration.ofSeconds(15));
    }

    public ScheduleSettings withTick(Duration value) {
        return new ScheduleSettings(nodeId, value, batchLimit, shutdownBudget);
    }

    public ScheduleSettings withShutdownBudget(Duration value) {
        return new ScheduleSettings(nodeId, tick, batchLimit, value);
    }
}
