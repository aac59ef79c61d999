package fleet.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The alert rules and the Grafana dashboard, as the prod overlay deploys them, use only metric names of the
 * catalogue (fleet.metrics.MetricNames) in the Prometheus form their Micrometer type produces, and every alert links
 * a runbook paragraph that exists in docs/operations.md.
 */
class ObservabilityTest {

    private static final Pattern METRIC = Pattern.compile("fleet_[a-z0-9_]+");
    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.+?)\\s*$", Pattern.MULTILINE);
    /** The alerts issue 8 asks for, by what they watch. */
    private static final List<String> REQUIRED_ALERTS = List.of("FleetReconcilerNoLiveReplica",
            "FleetCurtailmentPendingOverdue", "FleetRestoreFailures", "FleetReconcilerLeaseChurn",
            "FleetMinerCommandErrorRate");
    private static final List<String> REQUIRED_PANELS = List.of("Events by state", "Confirmed kW vs target kW",
            "Start → first curtail command", "Miner command outcomes", "Telemetry freshness", "Leases per replica");

    private final MetricCatalogue catalogue = new MetricCatalogue();

    private static List<JsonNode> alertRules() {
        List<JsonNode> rules = new ArrayList<>();
        for (JsonNode rule : Kustomize.overlay("prod").ofKind("PrometheusRule")) {
            for (JsonNode group : rule.path("spec").path("groups")) {
                group.path("rules").forEach(rules::add);
            }
        }
        return rules;
    }

    private static JsonNode dashboard() throws Exception {
        JsonNode configMap = Kustomize.overlay("prod").ofKind("ConfigMap").stream()
                .filter(c -> c.path("metadata").path("labels").has("grafana_dashboard")).findFirst()
                .orElseThrow(() -> new AssertionError("no ConfigMap labelled grafana_dashboard"));
        assertThat(configMap.path("data").size()).isEqualTo(1);
        return new ObjectMapper().readTree(configMap.path("data").elements().next().asText());
    }

    private static Map<String, List<String>> panelExpressions(JsonNode dashboard) {
        Map<String, List<String>> byPanel = new LinkedHashMap<>();
        List<JsonNode> panels = new ArrayList<>();
        dashboard.path("panels").forEach(panels::add);
        for (int i = 0; i < panels.size(); i++) {
            panels.get(i).path("panels").forEach(panels::add);        // panels inside collapsed rows
        }
        for (JsonNode panel : panels) {
            List<String> exprs = new ArrayList<>();
            panel.path("targets").forEach(t -> exprs.add(t.path("expr").asText()));
            if (!exprs.isEmpty()) {
                byPanel.put(panel.path("title").asText(), exprs);
            }
        }
        return byPanel;
    }

    private Set<String> unknownMetrics(List<String> expressions) {
        Set<String> unknown = new LinkedHashSet<>();
        for (String expr : expressions) {
            Matcher m = METRIC.matcher(expr);
            while (m.find()) {
                if (catalogue.resolve(m.group()).isEmpty()) {
                    unknown.add(m.group());
                }
            }
        }
        return unknown;
    }

    private static Set<String> anchors(String markdown) {
        Set<String> anchors = new LinkedHashSet<>();
        Matcher m = HEADING.matcher(markdown);
        while (m.find()) {
            anchors.add(m.group(1).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 _-]", "").replace(' ', '-'));
        }
        return anchors;
    }

    @Test
    void alertExpressionsUseOnlyCataloguedMetricsInTheirPrometheusForm() {
        List<String> exprs = alertRules().stream().map(r -> r.path("expr").asText()).toList();
        assertThat(exprs).isNotEmpty().allSatisfy(e -> assertThat(METRIC.matcher(e).find()).as(e).isTrue());
        assertThat(unknownMetrics(exprs)).as("series not in MetricNames (or with a suffix its type does not have)")
                .isEmpty();
    }

    @Test
    void everyAlertHasASeverityADurationAndARunbookParagraph() {
        Set<String> anchors = anchors(Repository.read("docs/operations.md"));
        List<JsonNode> rules = alertRules();
        assertThat(rules.stream().map(r -> r.path("alert").asText())).containsAll(REQUIRED_ALERTS);
        for (JsonNode rule : rules) {
            String alert = rule.path("alert").asText();
            assertThat(rule.path("labels").path("severity").asText()).as(alert).isIn("critical", "warning");
            assertThat(rule.path("for").asText()).as(alert + " for").matches("\\d+[smh]");
            assertThat(rule.path("annotations").path("summary").asText()).as(alert + " summary").isNotBlank();
            String runbook = rule.path("annotations").path("runbook_url").asText();
            assertThat(runbook).as(alert + " runbook_url").startsWith("docs/operations.md#");
            assertThat(anchors).as(alert + ": docs/operations.md has the heading " + runbook)
                    .contains(runbook.substring(runbook.indexOf('#') + 1));
        }
    }

    @Test
    void dashboardHasTheRequiredPanelsAndUsesOnlyCataloguedMetrics() throws Exception {
        Map<String, List<String>> panels = panelExpressions(dashboard());
        assertThat(panels.keySet()).containsAll(REQUIRED_PANELS);
        List<String> exprs = panels.values().stream().flatMap(List::stream).toList();
        assertThat(unknownMetrics(exprs)).as("series not in MetricNames (or with a suffix its type does not have)")
                .isEmpty();
    }

    @Test
    void dashboardShowsEveryCataloguedMetric() throws Exception {
        String all = String.join("\n", panelExpressions(dashboard()).values().stream().flatMap(List::stream).toList());
        Set<String> shown = METRIC.matcher(all).results().map(java.util.regex.MatchResult::group)
                .map(catalogue::resolve).flatMap(java.util.Optional::stream)
                .map(MetricCatalogue.Metric::constant).collect(Collectors.toSet());
        assertThat(catalogue.all().values().stream().map(MetricCatalogue.Metric::constant))
                .as("MetricNames entries the dashboard shows").allMatch(shown::contains);
    }

    @Test
    void theCatalogueResolvesSeriesByType() {
        assertThat(catalogue.resolve("fleet_miner_commands_total")).isPresent();
        assertThat(catalogue.resolve("fleet_miner_commands")).as("a counter has no bare series").isEmpty();
        assertThat(catalogue.resolve("fleet_curtailment_start_to_first_command_seconds_bucket")).isPresent();
        assertThat(catalogue.resolve("fleet_reconciler_tick_duration_seconds_bucket")).as("no histogram").isEmpty();
        assertThat(catalogue.resolve("fleet_reconciler_tick_duration_seconds_max")).isPresent();
        assertThat(catalogue.resolve("fleet_reconciler_live_replicas")).isPresent();
        assertThat(catalogue.resolve("fleet_reconciler_live_replicas_total")).as("a gauge has no _total").isEmpty();
        assertThat(catalogue.resolve("fleet_no_such_metric")).isEmpty();
    }
}
