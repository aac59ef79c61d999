package fleet.reconciler;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import fleet.testsupport.IsolatedPostgresTestResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** The reconciler boots against a migrated schema and reports healthy. */
@QuarkusTest
@WithTestResource(value = IsolatedPostgresTestResource.class, scope = TestResourceScope.GLOBAL,
        initArgs = @io.quarkus.test.common.ResourceArg(name = "database", value = "fleet_test_reconciler_app"))
class ReconcilerStartsTest {

    @Test
    void healthAndMetricsAnswer() {
        given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.name", org.hamcrest.Matchers.hasItem("lease-connection"));
        given().when().get("/q/metrics").then().statusCode(200).body(containsString("jvm_threads_live_threads"));
    }
}
