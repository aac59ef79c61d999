package fleet.demo.archfixture;

import fleet.api.watch.WatchHub;
import fleet.reconciler.loop.ReconcilerNode;

/**
 * Deliberately wrong: a tool other than the benchmarks that uses the api-service's classes and embeds a reconciler
 * replica. Only {@link fleet.demo.DemoLayeringTest} reads it.
 */
public class DemoEmbedsTheServices {

    WatchHub hub;
    ReconcilerNode node;
}
