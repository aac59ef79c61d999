/**
 * The telemetry-only cgminer driver ({@link fleet.driver.cgminer.CgminerDriver}) for firmware without a
 * curtail driver yet: reads {@code summary+pools+version}, refuses every command as unsupported.
 */
package fleet.driver.cgminer;
