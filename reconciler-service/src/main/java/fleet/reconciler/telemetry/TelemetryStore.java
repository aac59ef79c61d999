package fleet.reconciler.telemetry;

import fleet.driver.DeviceEndpoint;
import fleet.reconciler.lease.AdvisoryKeys;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The poller's SQL, each method ONE statement on the pool. Set-based: a round loads its devices in one query and
 * writes a batch of results in one upsert, whatever the batch size.
 */
final class TelemetryStore {

    /**
     * A device's shard: a stable function of its id, computed by the database so every replica agrees. The cast to
     * bigint keeps {@code abs} from overflowing on {@code hashtext = -2^31}.
     */
    static final String SHARD_OF_DEVICE = "mod(abs(hashtext(d.id::text)::bigint), $1::int)::int";

    private static final String LOAD_DEVICES = """
            SELECT d.id, d.identifier, d.host, d.port, d.driver, s.shard
            FROM device d
            CROSS JOIN LATERAL (SELECT %s AS shard) s
            WHERE s.shard = ANY($2::int[])
            """.formatted(SHARD_OF_DEVICE);

    /**
     * The bulk upsert. Failures store NULL power and hashrate (never a stale number under a fresh sampled_at) and keep
     * last_success_at; the smoothed efficiency is an EWMA over the previous row, updated only by samples with power
     * and hashrate both above zero. A row never goes back in time: a late write (a replica that lost the shard mid-
     * write) cannot overwrite a newer sample.
     */
    private static final String UPSERT = """
            INSERT INTO device_telemetry_latest AS t (device_id, org_id, sampled_at, status, power_w, power_source,
                hashrate_ths, efficiency_j_per_th, firmware, model, last_error, consecutive_failures, last_success_at)
            SELECT d.id, d.org_id, u.sampled_at, u.status, u.power_w, u.power_source, u.hashrate_ths,
                   CASE WHEN u.power_w > 0 AND u.hashrate_ths > 0 THEN u.power_w / u.hashrate_ths END,
                   u.firmware, u.model, u.last_error,
                   CASE WHEN u.ok THEN 0 ELSE 1 END,
                   CASE WHEN u.ok THEN u.sampled_at END
            FROM unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::float8[], $5::text[], $6::float8[],
                        $7::text[], $8::text[], $9::text[], $10::bool[])
                 AS u(device_id, sampled_at, status, power_w, power_source, hashrate_ths, firmware, model,
                      last_error, ok)
            JOIN device d ON d.id = u.device_id
            ON CONFLICT (device_id) DO UPDATE SET
                sampled_at = EXCLUDED.sampled_at,
                status = EXCLUDED.status,
                power_w = EXCLUDED.power_w,
                power_source = EXCLUDED.power_source,
                hashrate_ths = EXCLUDED.hashrate_ths,
                efficiency_j_per_th = CASE
                    WHEN EXCLUDED.efficiency_j_per_th IS NULL THEN t.efficiency_j_per_th
                    WHEN t.efficiency_j_per_th IS NULL THEN EXCLUDED.efficiency_j_per_th
                    ELSE $11::float8 * EXCLUDED.efficiency_j_per_th + (1 - $11::float8) * t.efficiency_j_per_th
                END,
                firmware = COALESCE(EXCLUDED.firmware, t.firmware),
                model = COALESCE(EXCLUDED.model, t.model),
                last_error = EXCLUDED.last_error,
                consecutive_failures = CASE WHEN EXCLUDED.consecutive_failures = 0 THEN 0
                                            ELSE t.consecutive_failures + 1 END,
                last_success_at = COALESCE(EXCLUDED.last_success_at, t.last_success_at)
            WHERE t.sampled_at <= EXCLUDED.sampled_at
            """;

    /** Live replicas, whether this one is among them, and the telemetry shards other sessions hold. */
    private static final String CLUSTER_VIEW = """
            SELECT (SELECT count(*)::int FROM reconciler_member m
                     WHERE m.last_seen > now() - make_interval(secs => $1::float8)) AS live,
                   EXISTS (SELECT 1 FROM reconciler_member m
                           WHERE m.id = $2 AND m.last_seen > now() - make_interval(secs => $1::float8)) AS self_live,
                   ARRAY(SELECT l.objid::bigint::int FROM pg_locks l
                         WHERE l.locktype = 'advisory' AND l.objsubid = 1 AND l.granted
                           AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
                           AND l.classid::bigint = $3 AND l.objid::bigint < $4 AND l.pid <> $5) AS others
            """;

    private static final String HEARTBEAT = """
            INSERT INTO reconciler_member (id, last_seen, owned_shards) VALUES ($1, now(), $2)
            ON CONFLICT (id) DO UPDATE SET last_seen = now(), owned_shards = EXCLUDED.owned_shards
            """;

    private static final String LEAVE = "DELETE FROM reconciler_member WHERE id = $1";

    /** The high 32 bits of every telemetry-shard key: pg_locks shows them as {@code classid}. */
    static final long SHARD_KEY_CLASSID = AdvisoryKeys.telemetryShard(0) >>> 32;

    private final Pool pool;
    private final double efficiencyAlpha;

    TelemetryStore(Pool pool, double efficiencyAlpha) {
        this.pool = pool;
        this.efficiencyAlpha = efficiencyAlpha;
    }

    /** The database's clock. */
    Uni<Instant> dbNow() {
        return pool.query("SELECT now()").execute()
                .map(rows -> rows.iterator().next().getOffsetDateTime(0).toInstant());
    }

    /** Every device of the given shards. */
    Uni<List<PolledDevice>> loadDevices(int shardCount, Set<Integer> shards) {
        return pool.preparedQuery(LOAD_DEVICES)
                .execute(Tuple.of(shardCount, shards.toArray(Integer[]::new)))
                .map(rows -> {
                    List<PolledDevice> devices = new ArrayList<>(rows.size());
                    for (Row r : rows) {
                        UUID id = r.getUUID("id");
                        devices.add(new PolledDevice(new DeviceEndpoint(id, r.getString("identifier"),
                                r.getString("host"), r.getInteger("port"), r.getString("driver")),
                                r.getInteger("shard")));
                    }
                    return devices;
                });
    }

    /**
     * Writes a batch in one statement; returns the rows inserted or updated (fewer than the batch when a device
     * was deleted meanwhile or a newer sample is already stored).
     *
     * @param dbOffset database time minus local time, added to every observed-at
     */
    Uni<Integer> upsert(List<PollResult> batch, Duration dbOffset) {
        int n = batch.size();
        UUID[] ids = new UUID[n];
        OffsetDateTime[] sampledAt = new OffsetDateTime[n];
        String[] status = new String[n];
        Double[] power = new Double[n];
        String[] powerSource = new String[n];
        Double[] hashrate = new Double[n];
        String[] firmware = new String[n];
        String[] model = new String[n];
        String[] lastError = new String[n];
        Boolean[] ok = new Boolean[n];
        for (int i = 0; i < n; i++) {
            PollResult r = batch.get(i);
            ids[i] = r.deviceId();
            sampledAt[i] = OffsetDateTime.ofInstant(r.observedAt().plus(dbOffset), ZoneOffset.UTC);
            status[i] = r.status().name();
            power[i] = r.powerW();
            powerSource[i] = r.powerSource().name();
            hashrate[i] = r.hashrateThs();
            firmware[i] = r.firmware();
            model[i] = r.model();
            lastError[i] = r.lastError();
            ok[i] = r.success();
        }
        Tuple params = Tuple.tuple()
                .addValue(ids).addValue(sampledAt).addValue(status).addValue(power).addValue(powerSource)
                .addValue(hashrate).addValue(firmware).addValue(model).addValue(lastError).addValue(ok)
                .addValue(efficiencyAlpha);
        return pool.preparedQuery(UPSERT).execute(params).map(rows -> rows.rowCount());
    }

    /** See {@link #CLUSTER_VIEW}. */
    Uni<ClusterView> clusterView(Duration liveWindow, String replicaId, int shardCount, int leaseBackendPid) {
        return pool.preparedQuery(CLUSTER_VIEW)
                .execute(Tuple.of(liveWindow.toMillis() / 1000.0, replicaId, SHARD_KEY_CLASSID, (long) shardCount,
                        leaseBackendPid))
                .map(rows -> {
                    Row r = rows.iterator().next();
                    Set<Integer> others = new HashSet<>();
                    for (Integer shard : r.getArrayOfIntegers("others")) {
                        others.add(shard);
                    }
                    return new ClusterView(r.getInteger("live"), r.getBoolean("self_live"), others);
                });
    }

    Uni<Void> heartbeat(String replicaId, int ownedShards) {
        return pool.preparedQuery(HEARTBEAT).execute(Tuple.of(replicaId, ownedShards)).replaceWithVoid();
    }

    Uni<Void> leave(String replicaId) {
        return pool.preparedQuery(LEAVE).execute(Tuple.of(replicaId)).replaceWithVoid();
    }

    /**
     * @param liveMembers    replicas with a fresh heartbeat
     * @param selfLive       this replica is among them
     * @param ownedByOthers  telemetry shards held by other sessions
     */
    record ClusterView(int liveMembers, boolean selfLive, Set<Integer> ownedByOthers) {

        /** Live replicas counting this one even before its first heartbeat is visible. */
        int liveReplicas() {
            return liveMembers + (selfLive ? 0 : 1);
        }
    }
}
