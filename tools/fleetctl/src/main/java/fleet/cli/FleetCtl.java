package fleet.cli;

import io.grpc.StatusRuntimeException;
import io.quarkus.picocli.runtime.PicocliCommandLineFactory;
import io.quarkus.picocli.runtime.annotations.TopCommand;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * fleetctl: the operator CLI of fleet curtailment. Exit codes: 0 success, 1 the server refused or failed the call
 * (one line on stderr: the gRPC code, the message, the field violations and the ErrorInfo reason), 2 usage error.
 */
@TopCommand
@Command(name = "fleetctl", mixinStandardHelpOptions = true, version = "fleetctl 0.1",
        description = "Operate fleet curtailment: bootstrap, devices, curtailment events, access.",
        subcommands = {BootstrapCommand.class, DevicesCommand.class, CurtailCommand.class, AccessCommand.class})
public class FleetCtl {

    /** Exit code when the server answered with an error or could not be reached. */
    public static final int EXIT_FAILED = 1;

    /** The error handling every entry point shares (the Quarkus main and the tests). */
    public static CommandLine configure(CommandLine commandLine) {
        return commandLine.setCaseInsensitiveEnumValuesAllowed(true).setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            if (ex instanceof StatusRuntimeException sre) {
                cmd.getErr().println(GrpcFailure.describe(sre));
            } else {
                cmd.getErr().println("error: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
            }
            cmd.getErr().flush();
            return EXIT_FAILED;
        });
    }

    /** Wires {@link #configure} into the Quarkus picocli main. */
    @ApplicationScoped
    static class Setup {
        @Produces
        CommandLine commandLine(PicocliCommandLineFactory factory) {
            return configure(factory.create());
        }
    }
}
