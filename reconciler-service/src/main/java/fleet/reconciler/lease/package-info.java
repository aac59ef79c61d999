/**
 * Leases: who may drive an event, and for how long.
 *
 * <p>Invariants:
 * <ul>
 *   <li>Each replica holds every advisory lock on ONE dedicated, unpooled session ({@link fleet.reconciler.lease.LeaseConnection});
 *       a pooled connection would return to the pool still holding the lock. A transaction pooler (PgBouncer in
 *       transaction mode) must never sit in this path.</li>
 *   <li>A lease lasts while that session lives. When it closes (crash, network loss, {@code pg_terminate_backend}),
 *       PostgreSQL frees every lock at once and the replica stops all work on the events it owned in the same
 *       callback; a new session starts with no leases.</li>
 *   <li>Ownership is verified through {@code pg_locks} for this backend pid, never by locking again.</li>
 *   <li>Claiming an event increments {@code curtailment_event.lease_epoch} (the fencing token). Every write the owner
 *       makes starts by checking its epoch under {@code FOR SHARE}; the next owner's epoch bump takes the row lock, so a
 *       replica that lost its lease but still runs (paused, partitioned) changes no row: its writes fail the epoch
 *       check. Miner commands are idempotent, so a late command from a fenced replica is harmless.</li>
 *   <li>Keys come from {@link fleet.reconciler.lease.AdvisoryKeys} only.</li>
 * </ul>
 */
package fleet.reconciler.lease;
