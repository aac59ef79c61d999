package fleet.bench.archfixture;

import fleet.reconciler.lease.AdvisoryKeys;
import java.util.UUID;

/**
 * Deliberately wrong: a benchmark that reaches past the reconciler's embedding classes into its lease internals. Only
 * {@link fleet.bench.BenchLayeringTest} reads it.
 */
public class BenchReachesIntoTheReconciler {

    public long leaseKey(UUID eventId) {
        return AdvisoryKeys.event(eventId);
    }
}
