package fleet.reconciler.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Shard leases against the database, without miners: the fair share follows {@code reconciler_member}, and a member
 * that looks live but holds nothing (crashed with a fresh heartbeat, or its lease session is down) cannot leave
 * shards unpolled.
 */
class ShardCoverageTest {

    private static final PollerSettings FAST = PollerSettings.defaults().withHeartbeat(true)
            .withShardCheckInterval(Duration.ofMillis(200)).withOrphanGrace(Duration.ofMillis(600))
            .withPollInterval(Duration.ofHours(1));

    private PollerTestDb db;
    private PollerReplica replica;

    @BeforeEach
    void clean() throws Exception {
        db = PollerTestDb.get();
        db.clean();
    }

    @AfterEach
    void close() {
        if (replica != null) {
            replica.close();
        }
    }

    @Test
    void aLoneReplicaTakesEveryShardAndHeartbeatsItsCount() throws Exception {
        replica = new PollerReplica("lone", db, FAST).start();
        await().atMost(Duration.ofSeconds(5)).until(() -> replica.shards().size() == 64);
        await().atMost(Duration.ofSeconds(5)).until(() -> ownedShardsInHeartbeat("lone") == 64);
    }

    @Test
    void aLiveLookingMemberCountsInTheFairShare() throws Exception {
        // with an orphan grace of an hour the ghost's half is never orphaned here: the share of two members is stable
        ghost();
        replica = new PollerReplica("polite", db, FAST.withOrphanGrace(Duration.ofHours(1))).start();

        await("the fair share of two members").atMost(Duration.ofSeconds(5)).until(() -> replica.shards().size() == 32);
        await("and not a shard more, here or in the database").during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                .until(() -> replica.shards().size() == 32 && shardLocksHeld() == 32);
    }

    @Test
    void aLiveLookingMemberThatHoldsNothingDoesNotLeaveShardsUnpolled() throws Exception {
        ghost();
        replica = new PollerReplica("real", db, FAST).start();

        // every shard's lock held in the database (the replica's own view agreeing), once the free half is orphaned
        await("every shard held").atMost(Duration.ofSeconds(5))
                .until(() -> shardLocksHeld() == 64 && replica.shards().size() == 64);
        // and kept: the release back-off (the 10 s liveness window) holds the surplus instead of releasing it into
        // the void
        await("every shard kept").during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
                .until(() -> shardLocksHeld() == 64 && replica.shards().size() == 64);
    }

    @Test
    void stoppingReleasesEveryShardAndLeavesTheMembership() throws Exception {
        replica = new PollerReplica("leaver", db, FAST).start();
        await().atMost(Duration.ofSeconds(5)).until(() -> replica.shards().size() == 64);
        replica.poller.stop().await().atMost(Duration.ofSeconds(10));
        assertThat(replica.shards()).isEmpty();
        assertThat(shardLocksHeld()).isZero();
        assertThat(ownedShardsInHeartbeat("leaver")).as("row deleted").isEqualTo(-1);
    }

    /** A member whose heartbeat stays fresh (last_seen an hour ahead) but which never takes a shard. */
    private void ghost() throws Exception {
        db.execute("INSERT INTO reconciler_member (id, last_seen) VALUES ('ghost', now() + interval '1 hour')");
    }

    private long ownedShardsInHeartbeat(String id) throws Exception {
        try (var c = db.connect();
             var ps = c.prepareStatement("SELECT owned_shards FROM reconciler_member WHERE id = ?")) {
            ps.setString(1, id);
            try (var rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
    }

    private long shardLocksHeld() throws Exception {
        try (var c = db.connect();
             var ps = c.prepareStatement("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
                     + " AND classid::bigint = ? AND database = (SELECT oid FROM pg_database"
                     + " WHERE datname = current_database())")) {
            ps.setLong(1, TelemetryStore.SHARD_KEY_CLASSID);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
