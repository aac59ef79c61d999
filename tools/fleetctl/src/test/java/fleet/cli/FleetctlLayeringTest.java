package fleet.cli;

import fleet.testsupport.arch.LayeringRules;
import org.junit.jupiter.api.Test;

/**
 * fleetctl uses published APIs only (see {@link LayeringRules#TOOLS_USE_PUBLISHED_APIS}; the rule's own test is
 * {@code fleet.demo.DemoLayeringTest}, where the services' classes are on the class path). Plain JUnit.
 */
class FleetctlLayeringTest {

    @Test
    void fleetctlUsesOnlyPublishedApis() {
        LayeringRules.TOOLS_USE_PUBLISHED_APIS.check(LayeringRules.mainClassesOf(BootstrapCommand.class));
    }
}
