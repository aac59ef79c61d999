package fleet.reconciler.telemetry;

import fleet.driver.DeviceEndpoint;

/** A device row as a round needs it: where to read it, and which shard it belongs to. */
record PolledDevice(DeviceEndpoint endpoint, int shard) {
}
