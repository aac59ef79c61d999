/**
 * Firmware detection from the cgminer {@code version} reply: {@link fleet.driver.firmware.FirmwareIdentity}
 * (pure parsing of the {@code LUXminer}/{@code BOSminer}/{@code BMMiner}/{@code CGMiner} keys) and
 * {@link fleet.driver.firmware.FirmwareProbe} (one network call).
 */
package fleet.driver.firmware;
