/**
 * The LuxOS driver ({@link fleet.driver.luxos.LuxosDriver}): session-wrapped writes
 * ({@code logon → command → logoff}, {@code Code 402} retried with backoff then BUSY) and telemetry from
 * {@code summary+power+config+pools} with measured-vs-estimated power.
 */
package fleet.driver.luxos;
