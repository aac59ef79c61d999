package fleet.cli;

import fleet.curtailment.v1.AccessServiceGrpc;
import fleet.curtailment.v1.CurtailmentServiceGrpc;
import fleet.curtailment.v1.InventoryServiceGrpc;
import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Options every API command shares: where the server is, the bearer token, the output format; and the gRPC channel
 * built from them (plain grpc-java, h2c unless {@code --tls}).
 */
public class ClientOptions implements AutoCloseable {

    /** Output formats of {@code --output}. */
    public enum Format { text, json }

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--server", defaultValue = "${env:FLEET_SERVER:-localhost:8080}",
            description = "host:port of the api-service (default: $FLEET_SERVER or ${DEFAULT-VALUE}).")
    String server;

    @Option(names = "--token", description = "Bearer token on the command line (discouraged: visible in the process"
            + " list and shell history; prints a warning). Prefer --token-file, $FLEET_TOKEN or the prompt.")
    String tokenFlag;

    @Option(names = "--token-file", description = "A file holding the bearer token (an API key or a session JWT).")
    Path tokenFile;

    /** The token, once resolved: --token, --token-file, $FLEET_TOKEN, then a prompt on a terminal. */
    private String token;

    @Option(names = "--tls", description = "Use TLS instead of plaintext h2c.")
    boolean tls;

    @Option(names = {"-o", "--output"}, defaultValue = "text", description = "text (tables) or json.")
    Format output;

    @Option(names = "--timeout", defaultValue = "30s", converter = DurationConverter.class,
            description = "Deadline of each unary call (default ${DEFAULT-VALUE}).")
    Duration timeout;

    private ManagedChannel channel;

    boolean json() {
        return output == Format.json;
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    synchronized ManagedChannel channel() {
        if (token == null) {
            try {
                token = Secrets.resolve(new Secrets.Source("API token", "--token", tokenFlag, tokenFile, "--token-file",
                        "FLEET_TOKEN"), spec.commandLine().getErr(), true);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
        }
        if (token == null || token.isBlank()) {
            throw new ParameterException(spec.commandLine(),
                    "no credentials: set FLEET_TOKEN, pass --token-file, or run on a terminal to be prompted");
        }
        if (channel == null) {
            ManagedChannelBuilder<?> builder = ManagedChannelBuilder.forTarget(server);
            if (tls) {
                builder.useTransportSecurity();
            } else {
                builder.usePlaintext();
            }
            channel = builder.build();
        }
        return channel;
    }

    CallCredentials credentials() {
        String bearer = "Bearer " + token.trim();
        return new CallCredentials() {
            @Override
            public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
                Metadata headers = new Metadata();
                headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), bearer);
                applier.apply(headers);
            }
        };
    }

    CurtailmentServiceGrpc.CurtailmentServiceBlockingStub curtailment() {
        return CurtailmentServiceGrpc.newBlockingStub(channel()).withCallCredentials(credentials())
                .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** For server streams: no deadline, the stream lasts as long as the event. */
    CurtailmentServiceGrpc.CurtailmentServiceBlockingStub curtailmentStream() {
        return CurtailmentServiceGrpc.newBlockingStub(channel()).withCallCredentials(credentials());
    }

    AccessServiceGrpc.AccessServiceBlockingStub access() {
        return AccessServiceGrpc.newBlockingStub(channel()).withCallCredentials(credentials())
                .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    InventoryServiceGrpc.InventoryServiceBlockingStub inventory() {
        return InventoryServiceGrpc.newBlockingStub(channel()).withCallCredentials(credentials())
                .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    fleet.curtailment.v1.ActivityServiceGrpc.ActivityServiceBlockingStub activity() {
        return fleet.curtailment.v1.ActivityServiceGrpc.newBlockingStub(channel()).withCallCredentials(credentials())
                .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void close() {
        if (channel != null) {
            channel.shutdownNow();
            try {
                channel.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            channel = null;
        }
    }

    /** "30s", "500ms", "2m", "12h", "90d" or an ISO-8601 duration. */
    public static final class DurationConverter implements picocli.CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String v = value.trim().toLowerCase(java.util.Locale.ROOT);
            if (v.startsWith("p")) {
                return Duration.parse(v.toUpperCase(java.util.Locale.ROOT));
            }
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            }
            long n = Long.parseLong(v.substring(0, v.length() - 1));
            return switch (v.charAt(v.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                case 'd' -> Duration.ofDays(n);
                default -> throw new IllegalArgumentException("not a duration: " + value);
            };
        }
    }
}
