package fleet.reconciler;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import fleet.testsupport.IsolatedPostgresTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every metric the alert rules and the dashboard read from the reconciler is exported by the running service
 * (issue 8): the expected names come from the deployed files themselves, minus the api-service's gauges.
 */
@QuarkusTest
@WithTestResource(value = IsolatedPostgresTestResource.class, scope = TestResourceScope.GLOBAL,
        initArgs = @ResourceArg(name = "database", value = "fleet_test_reconciler_app"))
class ExportedMetricsTest {

    private static final Path MONITORING = Path.of("..", "deploy", "k8s", "components", "monitoring");
    /** Gauges the api-service exports from PostgreSQL (checked by its own FleetGaugesTest). */
    private static final Set<String> API_SIDE = Set.of("fleet_curtailment_events", "fleet_curtailment_targets",
            "fleet_curtailment_confirmed_kw", "fleet_curtailment_target_kw", "fleet_curtailment_pending_overdue_events",
            "fleet_reconciler_live_replicas", "fleet_reconciler_heartbeat_age", "fleet_reconciler_owned_events",
            "fleet_telemetry_oldest_sample_age", "fleet_telemetry_stale_devices");

    @Test
    void everyReconcilerMetricUsedByAlertsAndTheDashboardIsExported() throws IOException {
        Set<String> used = new TreeSet<>();
        Pattern name = Pattern.compile("fleet_[a-z0-9_]+[a-z0-9]");
        for (Path file : new Path[] {MONITORING.resolve("prometheusrule.yaml"),
                MONITORING.resolve("dashboards").resolve("fleet-curtailment.json")}) {
            Matcher m = name.matcher(Files.readString(file));
            while (m.find()) {
                used.add(m.group());
            }
        }
        used.removeIf(n -> API_SIDE.contains(n) || n.equals("fleet_curtailment") || n.equals("fleet_telemetry"));
        String scrape = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        Set<String> exported = new TreeSet<>();
        for (String line : scrape.split("\n")) {
            if (!line.startsWith("#") && !line.isBlank()) {
                exported.add(line.split("[{ ]", 2)[0]);
            }
        }
        assertThat(used).isNotEmpty();
        assertThat(exported).containsAll(used);
        assertThat(scrape).contains("fleet_miner_commands_total{command=\"curtail\",outcome=\"accepted\"")
                .contains("fleet_curtailment_start_to_first_command_seconds_bucket{le=")
                .containsPattern("fleet_curtailment_confirmation_latency_seconds_bucket\\{[^}]*le=")
                .contains("fleet_reconciler_leases_lost_total{cause=");
    }
}
