package fleet.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fleet.curtailment.v1.CreateSiteRequest;
import fleet.curtailment.v1.DeviceRegistration;
import fleet.curtailment.v1.GetDeviceRequest;
import fleet.curtailment.v1.InventoryServiceGrpc;
import fleet.curtailment.v1.ListSitesRequest;
import fleet.curtailment.v1.RegisterDevicesRequest;
import fleet.persistence.Bootstrap;
import fleet.testsupport.PostgresTestResource;
import fleet.testsupport.TestDatabase;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** SPEC §2 over real gRPC: credentials, roles, org scoping, sessions. */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL)
class AuthTest {

    private static InventoryServiceGrpc.InventoryServiceBlockingStub inventory(String token) {
        var stub = InventoryServiceGrpc.newBlockingStub(GrpcClients.channel()).withDeadlineAfter(Duration.ofSeconds(10));
        return token == null ? stub : stub.withCallCredentials(GrpcClients.bearer(token));
    }

    private static Status.Code codeOf(Runnable call) {
        try {
            call.run();
            return Status.Code.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
        }
    }

    @Test
    void noCredentialIsUnauthenticated() {
        assertThat(codeOf(() -> inventory(null).listSites(ListSitesRequest.getDefaultInstance())))
                .isEqualTo(Status.Code.UNAUTHENTICATED);
    }

    @Test
    void wrongKeyIsUnauthenticated() {
        var org = GrpcClients.newOrg("auth-wrong");
        String tampered = org.adminKey().substring(0, org.adminKey().length() - 4) + "AAAA";
        assertThat(codeOf(() -> inventory(tampered).listSites(ListSitesRequest.getDefaultInstance())))
                .isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(codeOf(() -> inventory("fk_nosuchkeyid1234_" + "x".repeat(40)).listSites(ListSitesRequest.getDefaultInstance())))
                .isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(codeOf(() -> inventory("garbage").listSites(ListSitesRequest.getDefaultInstance())))
                .isEqualTo(Status.Code.UNAUTHENTICATED);
    }

    @Test
    void revokedKeyIsUnauthenticated() throws Exception {
        var org = GrpcClients.newOrg("auth-revoked");
        assertThat(codeOf(() -> inventory(org.adminKey()).listSites(ListSitesRequest.getDefaultInstance())))
                .isEqualTo(Status.Code.OK);
        try (Connection c = TestDatabase.get().connect()) {
            Bootstrap.revokeApiKey(c, org.adminKeyId());
        }
        assertThat(codeOf(() -> inventory(org.adminKey()).listSites(ListSitesRequest.getDefaultInstance())))
                .isEqualTo(Status.Code.UNAUTHENTICATED);
    }

    @Test
    void viewerCallingAMutationIsPermissionDenied() {
        var org = GrpcClients.newOrg("auth-viewer");
        assertThat(codeOf(() -> inventory(org.viewerKey()).createSite(CreateSiteRequest.newBuilder().setName("s").build())))
                .isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(codeOf(() -> inventory(org.viewerKey()).registerDevices(RegisterDevicesRequest.newBuilder()
                .addDevices(DeviceRegistration.newBuilder().setIdentifier("v1").setHost("127.0.0.1").setPort(4028).setDriver("luxos"))
                .build())))
                .isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(codeOf(() -> inventory(org.viewerKey()).listSites(ListSitesRequest.getDefaultInstance())))
                .isEqualTo(Status.Code.OK);
        assertThat(codeOf(() -> inventory(org.operatorKey()).createSite(CreateSiteRequest.newBuilder().setName("s").build())))
                .isEqualTo(Status.Code.OK);
    }

    @Test
    void anotherOrganizationsDeviceIsNotFound() {
        var a = GrpcClients.newOrg("auth-a");
        var b = GrpcClients.newOrg("auth-b");
        var registered = inventory(b.adminKey()).registerDevices(RegisterDevicesRequest.newBuilder()
                .addDevices(DeviceRegistration.newBuilder().setIdentifier("b-miner").setHost("127.0.0.1").setPort(4028).setDriver("luxos"))
                .build());
        String bDeviceId = registered.getDevices(0).getDeviceId();
        assertThat(inventory(b.viewerKey()).getDevice(GetDeviceRequest.newBuilder().setDeviceId(bDeviceId).build()).getIdentifier())
                .isEqualTo("b-miner");
        assertThatThrownBy(() -> inventory(a.adminKey()).getDevice(GetDeviceRequest.newBuilder().setDeviceId(bDeviceId).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
        assertThatThrownBy(() -> inventory(a.adminKey()).getDevice(GetDeviceRequest.newBuilder().setIdentifier("b-miner").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
    }

    @Test
    void validSessionTokenWorks() {
        var org = GrpcClients.newOrg("auth-jwt");
        String token = TestTokens.session(org.adminUserId(), org.orgId(), "ADMIN", Duration.ofMinutes(5));
        assertThat(codeOf(() -> inventory(token).createSite(CreateSiteRequest.newBuilder().setName("jwt-site").build())))
                .isEqualTo(Status.Code.OK);
        String viewerToken = TestTokens.session(org.viewerUserId(), org.orgId(), "VIEWER", Duration.ofMinutes(5));
        assertThat(codeOf(() -> inventory(viewerToken).createSite(CreateSiteRequest.newBuilder().setName("nope").build())))
                .isEqualTo(Status.Code.PERMISSION_DENIED);
    }

    @Test
    void expiredSessionTokenIsRefused() {
        var org = GrpcClients.newOrg("auth-expired");
        String expired = TestTokens.sign("jwt/private.pem", org.adminUserId(), org.orgId(), "ADMIN",
                Instant.now().minus(Duration.ofMinutes(10)), "fleet-curtailment");
        assertThat(codeOf(() -> inventory(expired).listSites(ListSitesRequest.getDefaultInstance())))
                .isEqualTo(Status.Code.UNAUTHENTICATED);
    }

    @Test
    void wronglySignedSessionTokenIsRefused() {
        var org = GrpcClients.newOrg("auth-badsig");
        String forged = TestTokens.signedWithWrongKey(org.adminUserId(), org.orgId(), "ADMIN");
        assertThat(codeOf(() -> inventory(forged).listSites(ListSitesRequest.getDefaultInstance())))
                .isEqualTo(Status.Code.UNAUTHENTICATED);
        String wrongIssuer = TestTokens.sign("jwt/private.pem", org.adminUserId(), org.orgId(), "ADMIN",
                Instant.now().plus(Duration.ofMinutes(5)), "someone-else");
        assertThat(codeOf(() -> inventory(wrongIssuer).listSites(ListSitesRequest.getDefaultInstance())))
                .isEqualTo(Status.Code.UNAUTHENTICATED);
    }

    @Test
    void sessionForAUserOfAnotherOrganizationIsRefused() {
        var a = GrpcClients.newOrg("auth-jwt-a");
        var b = GrpcClients.newOrg("auth-jwt-b");
        String mixed = TestTokens.session(a.adminUserId(), b.orgId(), "ADMIN", Duration.ofMinutes(5));
        assertThat(codeOf(() -> inventory(mixed).listSites(ListSitesRequest.getDefaultInstance())))
                .isEqualTo(Status.Code.UNAUTHENTICATED);
    }
}
