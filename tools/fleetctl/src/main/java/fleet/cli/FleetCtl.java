package fleet.cli;

import io.quarkus.picocli.runtime.annotations.TopCommand;
import picocli.CommandLine.Command;

/** fleetctl: the operator CLI of fleet curtailment. */
@TopCommand
@Command(name = "fleetctl", mixinStandardHelpOptions = true, version = "fleetctl 0.1",
        description = "Operate fleet curtailment: bootstrap, devices, curtailment events.",
        subcommands = {BootstrapCommand.class})
public class FleetCtl {
}
