package fleet.reconciler;

import java.time.Duration;

/**
 * The reconciler's knobs (SPEC §9 defaults). Per-organization values (confirmation timeouts, retry budgets) live in
 * {@code curtailment_org_config} and are read with each event.
 *
 * @param nodeId           this replica's id in {@code reconciler_member} and {@code lease_owner}
 * @param tick             the safety-net tick (SPEC §6.1: 2 s)
 * @param confirmInterval  how often a dispatched target's miner is read directly (SPEC §6.5: 2 s)
 * @param driftInterval    how often confirmed targets are checked against the poller's samples
 * @param liveWindow       a replica whose heartbeat is older than this is not counted as live
 * @param dispatchBatch    the most targets one step sends commands to (bounds a step's duration and memory)
 * @param sendChunk        the most sends (and confirmation reads) in flight for one step (a sliding window)
 * @param shutdownBudget   how long shutdown waits for in-flight steps before abandoning them
 */
public record ReconcilerSettings(String nodeId, Duration tick, Duration confirmInterval, Duration driftInterval,
        Duration liveWindow, int dispatchBatch, int sendChunk, Duration shutdownBudget) {

    public static ReconcilerSettings defaults(String nodeId) {
        return new ReconcilerSettings(nodeId, Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(5),
                Duration.ofSeconds(10), 10_000, 512, Duration.ofSeconds(30));
    }

    public ReconcilerSettings withTick(Duration value) {
        return new ReconcilerSettings(nodeId, value, confirmInterval, driftInterval, liveWindow, dispatchBatch, sendChunk,
                shutdownBudget);
    }

    public ReconcilerSettings withConfirmInterval(Duration value) {
        return new ReconcilerSettings(nodeId, tick, value, driftInterval, liveWindow, dispatchBatch, sendChunk,
                shutdownBudget);
    }

    public ReconcilerSettings withDriftInterval(Duration value) {
        return new ReconcilerSettings(nodeId, tick, confirmInterval, value, liveWindow, dispatchBatch, sendChunk,
                shutdownBudget);
    }

    public ReconcilerSettings withShutdownBudget(Duration value) {
        return new ReconcilerSettings(nodeId, tick, confirmInterval, driftInterval, liveWindow, dispatchBatch, sendChunk,
                value);
    }

    public ReconcilerSettings withLiveWindow(Duration value) {
        return new ReconcilerSettings(nodeId, tick, confirmInterval, driftInterval, value, dispatchBatch, sendChunk,
                shutdownBudget);
    }
}
