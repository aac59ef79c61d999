package fleet.api.archfixture;

import fleet.driver.Capability;
import fleet.driver.DriverCatalog;
import java.util.Set;

/** Allowed: the api-service validates against the driver catalogue. Only {@link fleet.api.ApiLayeringTest} reads it. */
public class ApiReadsTheDriverCatalog {

    public Set<String> defaults(String driver) {
        return DriverCatalog.isKnownDriver(driver) ? DriverCatalog.defaultCapabilities(driver) : Set.of();
    }

    public String rebootFlag() {
        return Capability.REBOOT.dbName();
    }
}
