/**
 * The miner driver SPI (SPEC §7.1) and its registry. Drivers live in sub-packages
 * ({@link fleet.driver.luxos}, {@link fleet.driver.cgminer}) on a shared transport
 * ({@link fleet.driver.transport}) and shared execution guards ({@link fleet.driver.guard}).
 *
 * <h2>Contract of every {@link fleet.driver.MinerDriver}</h2>
 * <ul>
 *   <li><b>Non-blocking.</b> Every method returns a lazy {@code Uni} (nothing is sent until subscription)
 *       and never blocks a thread; waits are Vert.x timers. Results arrive on Vert.x event-loop threads:
 *       do not block in callbacks.</li>
 *   <li><b>Failures are values.</b> Command {@code Uni}s ({@code curtail}, {@code uncurtail}, operator
 *       commands) never fail: every failure is a {@link fleet.driver.CommandOutcome}.
 *       {@code readTelemetry} and {@code capabilities} fail only with
 *       {@link fleet.driver.MinerCallException}, whose outcome says why (UNREACHABLE, TIMEOUT,
 *       PROTOCOL_ERROR with the raw reply bytes, bounded, BUSY, REFUSED).</li>
 *   <li><b>ACCEPTED ≠ confirmed.</b> ACCEPTED means the firmware acknowledged the command. Whether the
 *       miner actually slept or woke is decided only from telemetry taken after the command (SPEC §6.5);
 *       real firmware acknowledges and ignores (notes §0.4, the simulator's "stuck hashing").</li>
 *   <li><b>Retry semantics by kind.</b> REFUSED is permanent (unsupported, auth, access denied
 *       {@code Code 45}, other firmware errors): never retry. BUSY ({@code Code 402}), UNREACHABLE, TIMEOUT
 *       and PROTOCOL_ERROR are retryable within the caller's budget. UNREACHABLE means the command was not
 *       delivered; TIMEOUT means it may have been.</li>
 *   <li><b>Idempotent.</b> Sending the same curtail or uncurtail twice leaves the miner in the same state
 *       as sending it once (sleep of a sleeping miner stays asleep), so a fenced replica's late command
 *       or a re-sent orphaned DISPATCHING target is harmless (SPEC §6.1, §6.3). Where the firmware says
 *       so, the result is ALREADY_IN_STATE.</li>
 *   <li><b>Snapshot ownership.</b> The {@link fleet.driver.PreCurtailSnapshot} belongs to the caller: it
 *       is captured before curtailing, stored on the target row, and passed back to {@code uncurtail}.
 *       Drivers keep no per-miner memory of it (a restart or a lease moving replicas loses nothing).
 *       {@code uncurtail} with a snapshot saying "was not mining" sends nothing and returns
 *       ALREADY_IN_STATE.</li>
 *   <li><b>Concurrency.</b> At most one write (curtail, uncurtail, operator command) is in flight per
 *       miner ({@code host:port}); further writes queue behind it in order. Reads are never serialised
 *       behind writes. Open connections are bounded globally ({@link fleet.driver.DriverSettings#maxInFlight()},
 *       default 512; excess waits, nothing is rejected). A miner whose connections fail
 *       {@link fleet.driver.DriverSettings#breakerFailureThreshold()} times in a row is short-circuited as
 *       UNREACHABLE for {@link fleet.driver.DriverSettings#breakerCoolOff()}, then probed once.</li>
 *   <li><b>Bounded time.</b> Each connection is bounded by {@link fleet.driver.DriverSettings#connectTimeout()}
 *       and {@link fleet.driver.DriverSettings#totalTimeout()}; a write is a handful of such requests plus
 *       bounded busy backoff, so it always terminates.</li>
 *   <li><b>Our clock.</b> {@link fleet.driver.TelemetrySample#observedAt()} comes from the injected
 *       {@code Clock}; the miner's own clock is kept separately and never compared with ours.</li>
 * </ul>
 */
package fleet.driver;
