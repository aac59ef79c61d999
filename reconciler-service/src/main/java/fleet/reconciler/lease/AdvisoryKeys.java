package fleet.reconciler.lease;

import java.util.UUID;

/**
 * The one registry of PostgreSQL advisory-lock keys used by the reconciler-service. A key is a bigint: the top byte
 * is the namespace, the low 56 bits identify the resource, so keys of different kinds never collide. pg_locks shows
 * a bigint key split as {@code classid} (high 32 bits) and {@code objid} (low 32 bits) with {@code objsubid = 1}.
 */
public final class AdvisoryKeys {

    /** One key per curtailment event (SPEC §6.1). */
    public static final int NS_EVENT = 1;
    /** One key per telemetry shard (SPEC §7.3). */
    public static final int NS_TELEMETRY_SHARD = 2;
    /** One key per schedule occurrence processor (SPEC §7.6). */
    public static final int NS_SCHEDULE = 3;
    /** The operator-command executor's work partitions (SPEC §7.4). */
    public static final int NS_COMMAND_PARTITION = 4;

    private static final long LOW_56 = (1L << 56) - 1;

    private AdvisoryKeys() {
    }

    public static long key(int namespace, long id) {
        if (namespace < 1 || namespace > 127) {
            throw new IllegalArgumentException("namespace must be 1..127");
        }
        return ((long) namespace << 56) | (id & LOW_56);
    }

    public static long event(UUID eventId) {
        return key(NS_EVENT, eventId.getMostSignificantBits() ^ eventId.getLeastSignificantBits());
    }

    public static long telemetryShard(int shard) {
        return key(NS_TELEMETRY_SHARD, shard);
    }

    public static long schedule(long scheduleId) {
        return key(NS_SCHEDULE, scheduleId);
    }

    public static long commandPartition(int partition) {
        return key(NS_COMMAND_PARTITION, partition);
    }

    public static int namespaceOf(long key) {
        return (int) (key >>> 56);
    }
}
