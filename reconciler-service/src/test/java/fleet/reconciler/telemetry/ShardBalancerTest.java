package fleet.reconciler.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ShardBalancerTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration GRACE = Duration.ofSeconds(3);
    private static final Duration BACKOFF = Duration.ofSeconds(10);

    private static ShardBalancer balancer() {
        return new ShardBalancer(8, 0, GRACE, BACKOFF, Duration.ofSeconds(40));
    }

    private static Set<Integer> range(int from, int toExclusive) {
        return IntStream.range(from, toExclusive).boxed().collect(Collectors.toSet());
    }

    @Test
    void fairShareIsTheCeilingOverLiveReplicas() {
        assertThat(ShardBalancer.fairShare(64, 1)).isEqualTo(64);
        assertThat(ShardBalancer.fairShare(64, 2)).isEqualTo(32);
        assertThat(ShardBalancer.fairShare(64, 3)).isEqualTo(22);
        assertThat(ShardBalancer.fairShare(64, 0)).as("no live member yet: this replica alone").isEqualTo(64);
    }

    @Test
    void freeShardsAreCandidatesFromThePreferredStart() {
        ShardBalancer b = new ShardBalancer(8, 5, GRACE, BACKOFF, BACKOFF);
        ShardBalancer.Plan plan = b.plan(T0, Set.of(), Set.of(), Set.of(6), 2);
        assertThat(plan.share()).isEqualTo(4);
        assertThat(plan.candidates()).containsExactly(5, 7, 0, 1, 2, 3, 4);
        assertThat(plan.release()).isEmpty();
        assertThat(plan.orphans()).as("just seen free").isEmpty();
    }

    @Test
    void surplusIsReleasedOnlyWhenEveryShardIsOwnedAndNeverAPinnedOne() {
        ShardBalancer b = balancer();
        // all 8 held by us, a second replica appeared: share 4
        ShardBalancer.Plan plan = b.plan(T0, range(0, 8), Set.of(7, 6), Set.of(), 2);
        assertThat(plan.release()).as("highest unpinned first").containsExactly(5, 4, 3, 2);

        // some shards free: nobody is hungry enough, keep the surplus
        ShardBalancer.Plan withFree = balancer().plan(T0, range(0, 6), Set.of(), Set.of(), 2);
        assertThat(withFree.release()).isEmpty();
    }

    @Test
    void shardsFreeForTheGraceAreOrphansTakenBeyondTheShare() {
        ShardBalancer b = balancer();
        Set<Integer> held = range(0, 4);
        assertThat(b.plan(T0, held, Set.of(), Set.of(), 2).orphans()).isEmpty();
        assertThat(b.plan(T0.plusSeconds(2), held, Set.of(), Set.of(), 2).orphans()).isEmpty();
        assertThat(b.plan(T0.plusSeconds(3), held, Set.of(), Set.of(), 2).orphans()).isEqualTo(range(4, 8));
    }

    @Test
    void afterTakingOrphansSurplusIsHeldForTheBackoff() {
        ShardBalancer b = balancer();
        b.taken(T0, List.of(), List.of(4, 5, 6, 7));
        Set<Integer> all = range(0, 8);
        assertThat(b.plan(T0.plusSeconds(9), all, Set.of(), Set.of(), 2).release()).isEmpty();
        assertThat(b.plan(T0.plusSeconds(10), all, Set.of(), Set.of(), 2).release()).hasSize(4);
    }

    @Test
    void retakingOurOwnReleasedShardsDoublesTheBackoffAndAPickUpResetsIt() {
        ShardBalancer b = balancer();
        Set<Integer> all = range(0, 8);
        ShardBalancer.Plan plan = b.plan(T0, all, Set.of(), Set.of(), 2);
        b.released(T0, plan.release());
        // nobody took them: orphans after the grace, retaken
        ShardBalancer.Plan later = b.plan(T0.plusSeconds(3), range(0, 4), Set.of(), Set.of(), 2);
        assertThat(later.orphans()).isEqualTo(range(4, 8));
        b.taken(T0.plusSeconds(3), List.of(), List.copyOf(later.orphans()));
        assertThat(b.currentBackoff()).isEqualTo(Duration.ofSeconds(20));
        assertThat(b.plan(T0.plusSeconds(22), all, Set.of(), Set.of(), 2).release()).isEmpty();

        ShardBalancer.Plan again = b.plan(T0.plusSeconds(23), all, Set.of(), Set.of(), 2);
        assertThat(again.release()).hasSize(4);
        b.released(T0.plusSeconds(23), again.release());
        // this time another replica picked them up
        b.plan(T0.plusSeconds(24), range(0, 4), Set.of(), Set.copyOf(again.release()), 2);
        assertThat(b.currentBackoff()).isEqualTo(BACKOFF);
    }
}
