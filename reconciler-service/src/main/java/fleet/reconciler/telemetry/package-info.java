/**
 * The telemetry poller (SPEC §7.3): every registered device is read on an interval and its latest sample written to
 * {@code device_telemetry_latest}.
 *
 * <p>Invariants:
 * <ul>
 *   <li><b>Shards.</b> A device's shard is {@code mod(abs(hashtext(id::text)), shardCount)}, computed by PostgreSQL so
 *       every replica agrees. A shard is leased with a session advisory lock
 *       ({@link fleet.reconciler.lease.AdvisoryKeys#telemetryShard(int)}) on the replica's one lease session; no
 *       other connection ever takes one.</li>
 *   <li><b>One poller per device per round.</b> A round polls only shards whose locks pg_locks shows on the lease
 *       session at round start, and re-verifies them before each batch is written: results of a shard lost
 *       mid-round are dropped, not written. A shard is never released while the round in flight polls it. When the
 *       session dies every shard is dropped at once and the round in flight is abandoned. A write that raced a loss
 *       anyway cannot move a row back in time ({@code WHERE sampled_at <= EXCLUDED.sampled_at}).</li>
 *   <li><b>Fair share and coverage.</b> A replica aims at {@code ceil(shards / live replicas)} (live = a
 *       {@code reconciler_member} heartbeat within the liveness window, database time), releases surplus only when
 *       every shard is owned, and takes a shard nobody has held for the orphan grace even beyond its share. So a dead
 *       session's shards move within a shard check or two, and no shard stays unpolled behind a stale heartbeat
 *       (see {@link fleet.reconciler.telemetry.ShardBalancer}).</li>
 *   <li><b>Database time.</b> {@code sampled_at} is the driver's observed-at plus the database-minus-local clock
 *       offset measured once per round, so it compares with {@code now()} and with command times written as
 *       {@code now()}.</li>
 *   <li><b>Bulk writes.</b> One upsert statement per batch (default 1 000 devices); a round issues
 *       {@code 3 + 2 × batches} statements whatever the fleet size.</li>
 *   <li><b>Failures are data.</b> A failed read stores its status (UNREACHABLE, AUTH_FAILED, ERROR), the error,
 *       {@code consecutive_failures + 1}, and NULL power and hashrate (unknown, never a stale number under a fresh
 *       {@code sampled_at}); {@code last_success_at} keeps the last good read.</li>
 *   <li><b>One context.</b> Timers, shard checks, rounds and every lease-session call run on the context taken at
 *       {@code start()}; only the driver reads run elsewhere, and their results hop back.</li>
 * </ul>
 */
package fleet.reconciler.telemetry;
