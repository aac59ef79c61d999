/**
 * Execution guards shared by all drivers: a global in-flight bound ({@link fleet.driver.guard.ConcurrencyLimiter}),
 * one write at a time per miner ({@link fleet.driver.guard.PerMinerWriteQueue}), a per-miner circuit
 * breaker ({@link fleet.driver.guard.MinerCircuitBreaker}) and timer-based backoff
 * ({@link fleet.driver.guard.Delays}).
 *
 * <p>All of them are non-blocking and keep per-miner state only while a miner is busy or failing, so a
 * reconciler owning 100 000 targets pays for the miners in trouble, not for the fleet.
 */
package fleet.driver.guard;
