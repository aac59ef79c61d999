/**
 * The cgminer-compatible JSON API on TCP 4028 that LuxOS, stock Antminer, Braiins OS, VNish and
 * Whatsminer (reads) all expose (notes §1): {@link fleet.driver.transport.CgminerClient} (one request per
 * connection, read until NUL or EOF with a size cap, per-phase timeouts, multi-command with fallback),
 * {@link fleet.driver.transport.LenientJson} (the repairs real firmware needs),
 * {@link fleet.driver.transport.StatusOutcomes} (the {@code STATUS} envelope as typed outcomes) and the
 * field readers that normalise units ({@link fleet.driver.transport.HashrateFields} to H/s).
 */
package fleet.driver.transport;
