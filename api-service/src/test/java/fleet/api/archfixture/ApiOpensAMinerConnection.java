package fleet.api.archfixture;

import fleet.driver.DriverRegistry;
import fleet.driver.MinerDriver;

/**
 * Deliberately wrong: a class in {@code fleet.api} that would talk to a miner. Only
 * {@link fleet.api.ApiLayeringTest} reads it.
 */
public class ApiOpensAMinerConnection {

    public MinerDriver luxos(DriverRegistry registry) {
        return registry.driver("luxos");
    }
}
