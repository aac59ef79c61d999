package fleet.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import fleet.curtailment.v1.CurtailmentServiceGrpc;
import fleet.curtailment.v1.GetCurtailmentEventRequest;
import fleet.testsupport.PostgresTestResource;
import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass;
import io.grpc.Status;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Reflection, health (HTTP and gRPC), metrics, and authentication ahead of every RPC. */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL)
class ServicePlumbingTest {

    @Test
    void reflectionListsTheServices() throws Exception {
        CompletableFuture<List<String>> services = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(GrpcClients.channel())
                .serverReflectionInfo(new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse value) {
                        services.complete(value.getListServicesResponse().getServiceList().stream()
                                .map(ServiceResponse::getName).toList());
                    }

                    @Override
                    public void onError(Throwable t) {
                        services.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        List<String> names = services.get(10, TimeUnit.SECONDS);
        requests.onCompleted();
        assertThat(names).contains("fleet.curtailment.v1.CurtailmentService", "fleet.curtailment.v1.InventoryService",
                "fleet.curtailment.v1.MinerCommandService");
    }

    @Test
    void grpcHealthServiceAnswersServing() {
        var response = HealthGrpc.newBlockingStub(GrpcClients.channel()).withDeadlineAfter(Duration.ofSeconds(10))
                .check(HealthOuterClass.HealthCheckRequest.getDefaultInstance());
        assertThat(response.getStatus()).isEqualTo(HealthOuterClass.HealthCheckResponse.ServingStatus.SERVING);
    }

    @Test
    void httpHealthEndpointsAnswer() {
        given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void prometheusMetricsAreExported() {
        given().when().get("/q/metrics").then().statusCode(200).body(containsString("jvm_memory_used_bytes"));
    }

    @Test
    void credentialsAreCheckedBeforeTheRequestIsValidated() {
        var org = GrpcClients.newOrg("plumbing");
        var stub = CurtailmentServiceGrpc.newBlockingStub(GrpcClients.channel()).withDeadlineAfter(Duration.ofSeconds(10));
        var anonymous = Errors.failure(() -> stub.getCurtailmentEvent(GetCurtailmentEventRequest.getDefaultInstance()));
        assertThat(anonymous.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(Errors.fields(anonymous)).as("the request was never read").isEmpty();

        var invalid = Errors.failure(() -> stub.withCallCredentials(GrpcClients.bearer(org.viewerKey()))
                .getCurtailmentEvent(GetCurtailmentEventRequest.getDefaultInstance()));
        assertThat(invalid.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(Errors.fields(invalid)).containsExactly("event_id");
    }
}
