package fleet.reconciler.telemetry;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides, on each shard check, which shard leases this replica releases and which it tries to take. Pure policy: no
 * I/O, time passed in, state kept between checks. Not thread-safe (the poller calls it on its context).
 *
 * <p>The rules:
 * <ol>
 *   <li><b>Fair share.</b> A replica aims at {@code ceil(shards / live replicas)} shards and takes free shards up to
 *       that share.</li>
 *   <li><b>Surplus</b> above the share is released, but only when every shard is owned by someone (free shards mean
 *       no replica is hungry for more), never a shard the round in flight is polling, and not during the release
 *       back-off (rule 4).</li>
 *   <li><b>Orphans.</b> A shard that nobody has held for {@code orphanGrace} is taken even beyond the share: a replica
 *       that is counted live but holds nothing (crashed with a fresh heartbeat, or its lease session is down) must not
 *       leave devices unpolled. Coverage beats balance.</li>
 *   <li><b>Back-off.</b> After taking orphans, surplus is kept for the back-off (starting at the liveness window, so a
 *       dead replica's heartbeat has expired and the share grown by then). If the orphans were shards we had released
 *       ourselves, nobody wanted them: the back-off doubles (capped). A release that another replica picks up resets
 *       it. This keeps a replica from releasing into a void and taking back, over and over.</li>
 * </ol>
 */
final class ShardBalancer {

    /**
     * One check's decision.
     *
     * @param share      the fair share
     * @param release    shards to release now
     * @param candidates free shards in the order to try (this replica's preferred order)
     * @param orphans    the candidates that may be taken beyond the share
     */
    record Plan(int share, List<Integer> release, List<Integer> candidates, Set<Integer> orphans) {
    }

    private final int shards;
    private final int preferredFirst;
    private final Duration orphanGrace;
    private final Duration backoffMin;
    private final Duration backoffMax;

    private final Map<Integer, Instant> freeSince = new HashMap<>();
    private Set<Integer> lastReleased = Set.of();
    private Duration backoff;
    private Instant releaseAllowedAt = Instant.MIN;

    /**
     * @param shards         shard count
     * @param preferredFirst where this replica starts looking for free shards (spreads replicas over the range, so
     *                       they rarely race for the same shard)
     * @param orphanGrace    how long a shard must have been free to be taken beyond the share
     * @param backoffMin     the first hold on surplus release after taking orphans
     * @param backoffMax     the longest hold
     */
    ShardBalancer(int shards, int preferredFirst, Duration orphanGrace, Duration backoffMin, Duration backoffMax) {
        this.shards = shards;
        this.preferredFirst = Math.floorMod(preferredFirst, shards);
        this.orphanGrace = orphanGrace;
        this.backoffMin = backoffMin;
        this.backoffMax = backoffMax.compareTo(backoffMin) < 0 ? backoffMin : backoffMax;
        this.backoff = backoffMin;
    }

    static int fairShare(int shards, int liveReplicas) {
        int live = Math.max(1, liveReplicas);
        return (shards + live - 1) / live;
    }

    /**
     * @param now            the local clock (only compared with itself)
     * @param held           shards this replica holds (verified)
     * @param pinned         shards the round in flight polls: never released
     * @param ownedByOthers  shards another session holds
     * @param liveReplicas   live replicas including this one
     */
    Plan plan(Instant now, Set<Integer> held, Set<Integer> pinned, Set<Integer> ownedByOthers, int liveReplicas) {
        int share = fairShare(shards, liveReplicas);

        List<Integer> free = new ArrayList<>();
        for (int i = 0; i < shards; i++) {
            int shard = (preferredFirst + i) % shards;
            if (!held.contains(shard) && !ownedByOthers.contains(shard)) {
                free.add(shard);
            }
        }
        Set<Integer> freeSet = new HashSet<>(free);
        freeSince.keySet().retainAll(freeSet);
        for (Integer shard : free) {
            freeSince.putIfAbsent(shard, now);
        }

        if (!lastReleased.isEmpty()) {
            for (Integer shard : lastReleased) {
                if (ownedByOthers.contains(shard)) {
                    backoff = backoffMin; // someone wanted what we released
                    lastReleased = Set.of();
                    break;
                }
            }
        }

        List<Integer> release = new ArrayList<>();
        if (held.size() > share && free.isEmpty() && !now.isBefore(releaseAllowedAt)) {
            int surplus = held.size() - share;
            List<Integer> descending = new ArrayList<>(held);
            descending.sort((a, b) -> Integer.compare(b, a));
            for (Integer shard : descending) {
                if (release.size() == surplus) {
                    break;
                }
                if (!pinned.contains(shard)) {
                    release.add(shard);
                }
            }
        }

        Set<Integer> orphans = new HashSet<>();
        for (Integer shard : free) {
            if (Duration.between(freeSince.get(shard), now).compareTo(orphanGrace) >= 0) {
                orphans.add(shard);
            }
        }
        return new Plan(share, List.copyOf(release), List.copyOf(free), Set.copyOf(orphans));
    }

    /** The plan's releases went out. */
    void released(Instant now, Collection<Integer> released) {
        if (!released.isEmpty()) {
            lastReleased = Set.copyOf(released);
            for (Integer shard : released) {
                freeSince.put(shard, now);
            }
        }
    }

    /** Shards were taken (within the share or as orphans). */
    void taken(Instant now, Collection<Integer> withinShare, Collection<Integer> asOrphans) {
        freeSince.keySet().removeAll(withinShare);
        freeSince.keySet().removeAll(asOrphans);
        if (asOrphans.isEmpty()) {
            return;
        }
        boolean ownRelease = false;
        for (Integer shard : asOrphans) {
            ownRelease |= lastReleased.contains(shard);
        }
        if (ownRelease) {
            Duration doubled = backoff.multipliedBy(2);
            backoff = doubled.compareTo(backoffMax) > 0 ? backoffMax : doubled;
            lastReleased = Set.of();
        }
        releaseAllowedAt = now.plus(backoff);
    }

    /** Everything was lost (lease session gone): start over. */
    void reset() {
        freeSince.clear();
        lastReleased = Set.of();
    }

    Duration currentBackoff() {
        return backoff;
    }
}
