package fleet.api.metrics;

import static fleet.api.metrics.FleetRows.ACTIVE;
import static fleet.api.metrics.FleetRows.COMPLETED;
import static fleet.api.metrics.FleetRows.EMERGENCY;
import static fleet.api.metrics.FleetRows.NORMAL;
import static fleet.api.metrics.FleetRows.PENDING;
import static fleet.api.metrics.FleetRows.RESTORING;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import fleet.domain.state.TargetState;
import fleet.metrics.MetricNames;
import fleet.testsupport.PostgresTestResource;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The api-service's fleet gauges read the right rows. The test database is shared with the other test classes,
 * so each test compares the gauges before and after inserting its own rows (and deletes them afterwards).
 */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL)
class FleetGaugesTest {

    /** Every gauge the api-service publishes (the api-service section of {@link MetricNames}). */
    static final List<String> API_SIDE = List.of(MetricNames.EVENTS_BY_STATE, MetricNames.TARGETS_BY_STATE,
            MetricNames.CONFIRMED_KW, MetricNames.TARGET_KW, MetricNames.PENDING_OVERDUE, MetricNames.LIVE_RECONCILERS,
            MetricNames.HEARTBEAT_AGE, MetricNames.OWNED_EVENTS, MetricNames.TELEMETRY_OLDEST_SAMPLE_AGE,
            MetricNames.TELEMETRY_STALE_DEVICES);

    @Inject
    FleetGauges gauges;

    @Inject
    MeterRegistry registry;

    private Map<String, Double> refreshAndRead() {
        gauges.refresh().await().atMost(Duration.ofSeconds(30));
        Map<String, Double> values = new HashMap<>();
        for (String name : API_SIDE) {
            for (Gauge g : registry.find(name).gauges()) {
                String state = g.getId().getTag("state");
                String replica = g.getId().getTag("replica");
                String key = name + (state != null ? "|" + state : "") + (replica != null ? "|" + replica : "");
                values.put(key, g.value());
            }
        }
        return values;
    }

    private static double delta(Map<String, Double> before, Map<String, Double> after, String key) {
        return after.get(key) - before.get(key);
    }

    private static String targets(TargetState state) {
        return MetricNames.TARGETS_BY_STATE + "|" + state.name();
    }

    private static String events(String state) {
        return MetricNames.EVENTS_BY_STATE + "|" + state;
    }

    @Test
    void countsLiveEventsAndTheirTargetsByStateAndSumsKilowatts() throws Exception {
        try (FleetRows rows = new FleetRows()) {
            var org = rows.org("gauges-events");
            Map<String, Double> before = refreshAndRead();

            var pending = rows.event(org, PENDING, 100.0);
            rows.target(org, pending, TargetState.PENDING.wire(), 3000.0);
            rows.target(org, pending, TargetState.DISPATCHING.wire(), 3000.0);
            var active = rows.event(org, ACTIVE, 50.0);
            rows.target(org, active, TargetState.CONFIRMED.wire(), 3000.0);
            rows.target(org, active, TargetState.CONFIRMED.wire(), 3500.0);
            rows.target(org, active, TargetState.CONFIRMED.wire(), null);     // hash-only: no kW to claim
            rows.target(org, active, TargetState.DRIFTED.wire(), 3200.0);
            rows.event(org, ACTIVE, null);                                     // FULL_FLEET: no kW target
            var restoring = rows.event(org, RESTORING, 30.0);                 // restoring: its target no longer counts
            rows.target(org, restoring, TargetState.PENDING.wire(), 3000.0);
            rows.target(org, restoring, TargetState.RESOLVED.wire(), 3000.0);
            var completed = rows.event(org, COMPLETED, 70.0);                 // terminal: ignored entirely
            rows.target(org, completed, TargetState.RESOLVED.wire(), 3000.0);
            rows.target(org, completed, TargetState.RESTORE_FAILED.wire(), 3000.0);

            Map<String, Double> after = refreshAndRead();
            assertThat(delta(before, after, events("PENDING"))).isEqualTo(1);
            assertThat(delta(before, after, events("ACTIVE"))).isEqualTo(2);
            assertThat(delta(before, after, events("RESTORING"))).isEqualTo(1);
            assertThat(after).doesNotContainKeys(events("COMPLETED"), events("CANCELLED"));
            assertThat(delta(before, after, targets(TargetState.PENDING))).isEqualTo(2);
            assertThat(delta(before, after, targets(TargetState.DISPATCHING))).isEqualTo(1);
            assertThat(delta(before, after, targets(TargetState.CONFIRMED))).isEqualTo(3);
            assertThat(delta(before, after, targets(TargetState.DRIFTED))).isEqualTo(1);
            assertThat(delta(before, after, targets(TargetState.RESOLVED))).isEqualTo(1);
            assertThat(delta(before, after, targets(TargetState.RESTORE_FAILED))).isEqualTo(0);
            assertThat(delta(before, after, targets(TargetState.CURTAIL_FAILED))).isEqualTo(0);
            assertThat(delta(before, after, MetricNames.CONFIRMED_KW)).isCloseTo(6.5, within(1e-9));
            assertThat(delta(before, after, MetricNames.TARGET_KW)).isCloseTo(150.0, within(1e-9));
        }
    }

    @Test
    void aPendingEventIsOverdueAfterItsOrganizationsConfirmationBudgetPlusItsPacing() throws Exception {
        try (FleetRows rows = new FleetRows()) {
            var strict = rows.org("gauges-overdue");
            rows.config(strict, "curtail_confirm_timeout_sec", 10);
            rows.config(strict, "curtail_retry_budget", 2);                      // budget 10 × (2 + 1) = 30 s
            var defaults = rows.org("gauges-overdue-defaults");                  // budget 30 × (5 + 1) = 180 s
            Map<String, Double> before = refreshAndRead();

            rows.event(strict, PENDING, 10.0, 60, NORMAL, 0, 0, 5);              // 60 s > 30 s: overdue
            rows.event(strict, PENDING, 10.0, 20, NORMAL, 0, 0, 5);              // 20 s: within budget
            rows.event(strict, PENDING, 10.0, 100, NORMAL, 1, 60, 3);            // 3 batches 60 s apart: 30 + 120 s
            rows.event(strict, PENDING, 10.0, 100, EMERGENCY, 1, 60, 3);         // EMERGENCY ignores pacing: overdue
            rows.event(strict, ACTIVE, 10.0, 1000, NORMAL, 0, 0, 5);             // not PENDING
            rows.event(defaults, PENDING, 10.0, 200, NORMAL, 0, 0, 5);           // 200 s > 180 s: overdue
            rows.event(defaults, PENDING, 10.0, 150, NORMAL, 0, 0, 5);           // 150 s: within budget

            Map<String, Double> after = refreshAndRead();
            assertThat(delta(before, after, MetricNames.PENDING_OVERDUE)).isEqualTo(3);
        }
    }

    @Test
    void liveReconcilersAreFreshHeartbeatsAndEachPublishesItsOwnedEvents() throws Exception {
        try (FleetRows rows = new FleetRows()) {
            Map<String, Double> before = refreshAndRead();
            String fresh = rows.member(0, 4);
            String recent = rows.member(3, 1);
            String dead = rows.member(60, 7);

            Map<String, Double> after = refreshAndRead();
            assertThat(delta(before, after, MetricNames.LIVE_RECONCILERS)).isEqualTo(2);
            assertThat(after.get(MetricNames.OWNED_EVENTS + "|" + fresh)).isEqualTo(4);
            assertThat(after.get(MetricNames.OWNED_EVENTS + "|" + recent)).isEqualTo(1);
            assertThat(after).doesNotContainKey(MetricNames.OWNED_EVENTS + "|" + dead);
            assertThat(after.get(MetricNames.HEARTBEAT_AGE)).isBetween(0.0, 5.0);

            rows.ageMember(fresh, 30);
            rows.ageMember(recent, 30);
            Map<String, Double> later = refreshAndRead();
            assertThat(delta(before, later, MetricNames.LIVE_RECONCILERS)).isEqualTo(0);
            assertThat(later).doesNotContainKeys(MetricNames.OWNED_EVENTS + "|" + fresh,
                    MetricNames.OWNED_EVENTS + "|" + recent);
        }
    }

    @Test
    void staleDevicesFollowEachOrganizationsFreshnessWindow() throws Exception {
        try (FleetRows rows = new FleetRows()) {
            var standard = rows.org("gauges-telemetry");                         // freshness 180 s (default)
            var lenient = rows.org("gauges-telemetry-lenient");
            rows.config(lenient, "telemetry_freshness_sec", 3600);
            Map<String, Double> before = refreshAndRead();

            rows.sample(standard, rows.device(standard), 5);                     // fresh
            rows.sample(standard, rows.device(standard), 1000);                  // stale
            rows.device(standard);                                               // never sampled: stale
            rows.sample(lenient, rows.device(lenient), 1000);                    // fresh within 3600 s
            rows.sample(lenient, rows.device(lenient), 864_000);                 // ten days: stale

            Map<String, Double> after = refreshAndRead();
            assertThat(delta(before, after, MetricNames.TELEMETRY_STALE_DEVICES)).isEqualTo(3);
            assertThat(after.get(MetricNames.TELEMETRY_OLDEST_SAMPLE_AGE)).isGreaterThanOrEqualTo(864_000 - 1);
        }
    }

    private static final Pattern SAMPLE = Pattern.compile("^([a-z_:][a-z0-9_:]*)(\\{[^}]*})? (\\S+)$",
            Pattern.MULTILINE);

    @Test
    void everyApiSideGaugeIsExportedOnTheMetricsEndpoint() throws Exception {
        try (FleetRows rows = new FleetRows()) {
            String replica = rows.member(0, 2);
            refreshAndRead();
            String body = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
            Map<String, List<String>> series = SAMPLE.matcher(body).results()
                    .collect(Collectors.groupingBy(m -> m.group(1),
                            Collectors.mapping(m -> m.group(2) == null ? "" : m.group(2), Collectors.toList())));

            for (String name : API_SIDE) {
                assertThat(series).as("exported on /q/metrics").containsKey(name.replace('.', '_'));
            }
            assertThat(series.get("fleet_curtailment_events"))
                    .anyMatch(l -> l.contains("state=\"PENDING\"")).anyMatch(l -> l.contains("state=\"RESTORING\""));
            for (TargetState state : TargetState.values()) {
                assertThat(series.get("fleet_curtailment_targets")).anyMatch(l -> l.contains("state=\"" + state + "\""));
            }
            assertThat(series.get("fleet_reconciler_owned_events")).anyMatch(l -> l.contains("replica=\"" + replica + "\""));
        }
    }
}
