package fleet.api;

import fleet.auth.Role;
import fleet.persistence.Bootstrap;
import fleet.testsupport.TestDatabase;
import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;
import java.util.concurrent.Executor;
import org.eclipse.microprofile.config.ConfigProvider;

/** Real gRPC channels to the api-service under test (h2c on the HTTP test port), and test organizations. */
public final class GrpcClients {

    private static ManagedChannel channel;

    private GrpcClients() {
    }

    public static synchronized ManagedChannel channel() {
        if (channel == null) {
            int port = ConfigProvider.getConfig().getOptionalValue("quarkus.http.test-port", Integer.class).orElse(8081);
            channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        }
        return channel;
    }

    /** Sends {@code authorization: Bearer <token>} with every call. */
    public static CallCredentials bearer(String token) {
        return new CallCredentials() {
            @Override
            public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
                Metadata headers = new Metadata();
                headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
                applier.apply(headers);
            }
        };
    }

    /** A fresh organization with an admin key, plus operator and viewer keys. */
    public record TestOrg(UUID orgId, UUID adminUserId, String adminKey, String adminKeyId, String operatorKey,
            String viewerKey, UUID viewerUserId) {
    }

    public static TestOrg newOrg(String prefix) {
        try (Connection c = TestDatabase.get().connect()) {
            var boot = Bootstrap.createOrganization(c, prefix + "-" + UUID.randomUUID(), "admin@example.com");
            UUID operator = Bootstrap.createUser(c, boot.orgId(), "operator@example.com", Role.OPERATOR);
            UUID viewer = Bootstrap.createUser(c, boot.orgId(), "viewer@example.com", Role.VIEWER);
            String operatorKey = Bootstrap.createApiKey(c, boot.orgId(), operator, Role.OPERATOR, "ops", "api_key").token();
            String viewerKey = Bootstrap.createApiKey(c, boot.orgId(), viewer, Role.VIEWER, "view", "api_key").token();
            return new TestOrg(boot.orgId(), boot.userId(), boot.apiKey(), boot.keyId(), operatorKey, viewerKey, viewer);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
