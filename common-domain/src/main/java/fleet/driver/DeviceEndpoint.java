package fleet.driver;

import java.util.Objects;
import java.util.UUID;

/**
 * Where a miner is and which driver speaks to it: the columns of a {@code device} row a driver needs.
 *
 * @param deviceId   the device row's id
 * @param identifier the operator's name for the miner (for logs and diagnostics)
 * @param host       IP address or host name of the miner's API
 * @param port       TCP port of the miner's API (4028 for the cgminer-compatible API)
 * @param driverName the registry name of the driver ({@code luxos}, {@code cgminer})
 */
public record DeviceEndpoint(UUID deviceId, String identifier, String host, int port, String driverName) {

    /** The cgminer-compatible API port every firmware in scope listens on. */
    public static final int DEFAULT_API_PORT = 4028;

    public DeviceEndpoint {
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(identifier, "identifier");
        Objects.requireNonNull(driverName, "driverName");
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    /**
     * The key the execution guards use for "one miner": host and port, because two device rows that
     * point at the same socket are the same miner as far as sessions and dead hosts are concerned.
     */
    public String minerKey() {
        return host + ':' + port;
    }

    @Override
    public String toString() {
        return identifier + '@' + host + ':' + port + '/' + driverName;
    }
}
