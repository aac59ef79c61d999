package fleet.deploy;

import static fleet.deploy.Manifests.containers;
import static fleet.deploy.Manifests.name;
import static fleet.deploy.Manifests.podLabels;
import static fleet.deploy.Manifests.podSpec;
import static fleet.deploy.Manifests.resolvePort;
import static fleet.deploy.Manifests.selects;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Renders both overlays with {@code kubectl kustomize} and checks them against the services' real configuration:
 * probes on the real health endpoints and HTTP ports, resources, restricted security contexts, replicas and
 * disruption budgets, image names, and that every configured variable is one the service reads.
 */
class DeploymentManifestsTest {

    static final String NAMESPACE = "fleet-curtailment";
    /** The two services: Deployment, container, Service and module directory all carry this name. */
    static final List<String> SERVICES = List.of("api-service", "reconciler-service");
    /** The reconciler's shutdown budget (stop new work, drain commands, last heartbeat, release leases). */
    static final int RECONCILER_SHUTDOWN_BUDGET_SECONDS = 30;

    static String image(String service) {
        return "fleet-curtailment/" + service;
    }

    private static JsonNode container(JsonNode workload, String name) {
        return containers(workload).stream().filter(c -> name.equals(c.path("name").asText())).findFirst()
                .orElseThrow(() -> new AssertionError(name(workload) + " has no container " + name));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dev", "prod"})
    void everyContainerHasResourcesProbesAndARestrictedSecurityContext(String overlay) {
        Manifests m = Kustomize.overlay(overlay);
        assertThat(m.workloads()).isNotEmpty();
        for (JsonNode workload : m.workloads()) {
            JsonNode podSecurity = podSpec(workload).path("securityContext");
            for (JsonNode c : containers(workload)) {
                String where = overlay + ": " + name(workload) + "/" + c.path("name").asText();
                JsonNode resources = c.path("resources");
                for (String section : List.of("requests", "limits")) {
                    for (String resource : List.of("cpu", "memory")) {
                        assertThat(resources.path(section).path(resource).asText())
                                .as("%s resources.%s.%s", where, section, resource).isNotBlank();
                    }
                }
                assertThat(c.has("livenessProbe")).as("%s livenessProbe", where).isTrue();
                assertThat(c.has("readinessProbe")).as("%s readinessProbe", where).isTrue();

                JsonNode security = c.path("securityContext");
                boolean nonRoot = security.path("runAsNonRoot").asBoolean(podSecurity.path("runAsNonRoot").asBoolean(false));
                assertThat(nonRoot).as("%s runAsNonRoot", where).isTrue();
                int uid = security.path("runAsUser").asInt(podSecurity.path("runAsUser").asInt(-1));
                assertThat(uid).as("%s runs as a fixed non-root uid", where).isPositive();
                assertThat(security.path("allowPrivilegeEscalation").asBoolean(true))
                        .as("%s allowPrivilegeEscalation", where).isFalse();
                assertThat(security.path("readOnlyRootFilesystem").asBoolean(false))
                        .as("%s readOnlyRootFilesystem", where).isTrue();
                List<String> dropped = new ArrayList<>();
                security.path("capabilities").path("drop").forEach(d -> dropped.add(d.asText()));
                assertThat(dropped).as("%s drops every capability", where).contains("ALL");
                assertThat(security.path("capabilities").path("add")).as("%s adds no capability", where).isEmpty();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dev", "prod"})
    void probesHitTheRealHealthEndpointsOnEachServicesHttpPort(String overlay) {
        Manifests m = Kustomize.overlay(overlay);
        for (String service : SERVICES) {
            JsonNode c = container(m.get("Deployment", service), service);
            int httpPort = ServiceConfig.of(service).httpPort(m.environment(c));
            assertThat(resolvePort(c, new com.fasterxml.jackson.databind.node.TextNode("http")))
                    .as("%s %s: containerPort 'http' is the port the service listens on", overlay, service)
                    .isEqualTo(httpPort);

            assertProbe(c, "livenessProbe", "/q/health/live", httpPort, overlay, service);
            assertProbe(c, "readinessProbe", "/q/health/ready", httpPort, overlay, service);
            if (c.has("startupProbe")) {
                assertThat(c.path("startupProbe").path("httpGet").path("path").asText())
                        .isIn("/q/health/live", "/q/health/started");
                assertThat(resolvePort(c, c.path("startupProbe").path("httpGet").path("port"))).isEqualTo(httpPort);
            }
        }
    }

    private static void assertProbe(JsonNode c, String probe, String path, int port, String overlay, String service) {
        JsonNode get = c.path(probe).path("httpGet");
        assertThat(get.path("path").asText()).as("%s %s %s path", overlay, service, probe).isEqualTo(path);
        assertThat(resolvePort(c, get.path("port"))).as("%s %s %s port", overlay, service, probe).isEqualTo(port);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dev", "prod"})
    void servicesSelectThePodsAndForwardToTheHttpPortAndTheApiAnnouncesH2c(String overlay) {
        Manifests m = Kustomize.overlay(overlay);
        for (String service : SERVICES) {
            JsonNode deployment = m.get("Deployment", service);
            JsonNode c = container(deployment, service);
            int httpPort = ServiceConfig.of(service).httpPort(m.environment(c));
            JsonNode svc = m.get("Service", service);
            assertThat(selects(svc.path("spec").path("selector"), podLabels(deployment)))
                    .as("%s Service %s selects its pods", overlay, service).isTrue();
            JsonNode port = svc.path("spec").path("ports").get(0);
            assertThat(port.path("name").asText()).isEqualTo("http");
            assertThat(resolvePort(c, port.path("targetPort"))).as("%s Service %s targetPort", overlay, service)
                    .isEqualTo(httpPort);
            if (service.equals("api-service")) {
                assertThat(port.path("appProtocol").asText()).as("gRPC over cleartext HTTP/2")
                        .isIn("kubernetes.io/h2c", "h2c");
            } else {
                assertThat(svc.path("spec").path("clusterIP").asText()).as("reconciler Service is headless")
                        .isEqualTo("None");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dev", "prod"})
    void theReconcilerRunsAtLeastTwoReplicasUnderADisruptionBudgetAndShutsDownWithinItsGracePeriod(String overlay) {
        Manifests m = Kustomize.overlay(overlay);
        JsonNode reconciler = m.get("Deployment", "reconciler-service");
        int replicas = reconciler.path("spec").path("replicas").asInt(1);
        assertThat(replicas).as("%s reconciler replicas", overlay).isGreaterThanOrEqualTo(2);
        assertThat(m.ofKind("HorizontalPodAutoscaler")).as("the reconciler is scaled by replicas alone")
                .noneMatch(h -> "reconciler-service".equals(h.path("spec").path("scaleTargetRef").path("name").asText()));

        JsonNode pdb = disruptionBudgetOf(m, reconciler);
        assertThat(protects(pdb, replicas)).as("%s reconciler PDB keeps at least one replica", overlay).isTrue();

        assertThat(podSpec(reconciler).path("terminationGracePeriodSeconds").asInt(30))
                .as("%s grace period above the %d s shutdown budget", overlay, RECONCILER_SHUTDOWN_BUDGET_SECONDS)
                .isGreaterThan(RECONCILER_SHUTDOWN_BUDGET_SECONDS);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dev", "prod"})
    void theApiServiceHasADisruptionBudgetAndAnAutoscaler(String overlay) {
        Manifests m = Kustomize.overlay(overlay);
        JsonNode api = m.get("Deployment", "api-service");
        int replicas = api.path("spec").path("replicas").asInt(1);
        assertThat(protects(disruptionBudgetOf(m, api), Math.max(replicas, 2))).isTrue();
        JsonNode hpa = m.ofKind("HorizontalPodAutoscaler").stream()
                .filter(h -> "api-service".equals(h.path("spec").path("scaleTargetRef").path("name").asText()))
                .findFirst().orElseThrow(() -> new AssertionError(overlay + ": no HPA targets the api-service"));
        assertThat(hpa.path("spec").path("scaleTargetRef").path("kind").asText()).isEqualTo("Deployment");
        assertThat(hpa.path("spec").path("minReplicas").asInt()).isBetween(1, hpa.path("spec").path("maxReplicas").asInt());
    }

    private static JsonNode disruptionBudgetOf(Manifests m, JsonNode workload) {
        return m.ofKind("PodDisruptionBudget").stream()
                .filter(p -> selects(p.path("spec").path("selector").path("matchLabels"), podLabels(workload)))
                .findFirst().orElseThrow(() -> new AssertionError("no PodDisruptionBudget selects " + name(workload)));
    }

    /** Whether the budget leaves at least one of {@code replicas} pods running during a voluntary disruption. */
    private static boolean protects(JsonNode pdb, int replicas) {
        JsonNode spec = pdb.path("spec");
        if (spec.has("maxUnavailable")) {
            return spec.path("maxUnavailable").isInt() && spec.path("maxUnavailable").asInt() < replicas;
        }
        return spec.path("minAvailable").isInt() && spec.path("minAvailable").asInt() >= 1;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dev", "prod"})
    void imagesAreTheDocumentedOnesWithAPinnedTag(String overlay) {
        Manifests m = Kustomize.overlay(overlay);
        for (String service : SERVICES) {
            String image = container(m.get("Deployment", service), service).path("image").asText();
            assertThat(image).as("%s %s image", overlay, service)
                    .matches("^([a-z0-9.-]+(:\\d+)?/)?" + image(service) + ":[A-Za-z0-9_][A-Za-z0-9_.-]*$")
                    .doesNotEndWith(":latest");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dev", "prod"})
    void everyVariableAServiceIsGivenIsOneItReads(String overlay) {
        Manifests m = Kustomize.overlay(overlay);
        for (String service : SERVICES) {
            ServiceConfig config = ServiceConfig.of(service);
            Map<String, String> env = m.environment(container(m.get("Deployment", service), service));
            assertThat(env.keySet()).as("%s %s: variables in its ConfigMaps and env", overlay, service)
                    .isNotEmpty()
                    .allSatisfy(variable -> assertThat(config.reads(variable))
                            .as("%s %s reads %s (application.properties has no ${%s...})", overlay, service, variable,
                                    variable)
                            .isTrue());
            assertThat(env).as("%s %s: the database password comes from a Secret", overlay, service)
                    .containsEntry("DB_PASSWORD", "<secret>");
            assertThat(env).containsKeys("DB_HOST", "DB_PORT", "DB_NAME", "DB_USER", "HTTP_PORT", "LOG_JSON");
        }
        Map<String, String> api = m.environment(container(m.get("Deployment", "api-service"), "api-service"));
        assertThat(api).containsKey("FLEET_JWT_ISSUER").containsEntry("FLEET_JWT_PUBLIC_KEY", "<secret>")
                .as("every replica signs page tokens with the same key, from a Secret")
                .containsEntry("FLEET_PAGE_TOKEN_KEY", "<secret>");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dev", "prod"})
    void everythingLivesInTheProjectNamespace(String overlay) {
        Manifests m = Kustomize.overlay(overlay);
        assertThat(m.find("Namespace", NAMESPACE)).isPresent();
        for (JsonNode doc : m.documents()) {
            if (!doc.path("kind").asText().equals("Namespace")) {
                assertThat(doc.path("metadata").path("namespace").asText())
                        .as("%s %s %s namespace", overlay, doc.path("kind").asText(), name(doc)).isEqualTo(NAMESPACE);
            }
        }
    }

    @Test
    void devRunsOneApiReplicaAgainstAnInClusterPostgresThatBothServicesReachDirectly() {
        Manifests m = Kustomize.overlay("dev");
        assertThat(m.get("Deployment", "api-service").path("spec").path("replicas").asInt()).isEqualTo(1);
        JsonNode postgres = m.get("StatefulSet", "postgres");
        assertThat(postgres.path("spec").path("replicas").asInt()).isEqualTo(1);
        assertThat(postgres.path("spec").path("volumeClaimTemplates")).as("persistent volume claim").hasSize(1);
        for (String service : SERVICES) {
            String host = m.environment(container(m.get("Deployment", service), service)).get("DB_HOST");
            JsonNode svc = m.get("Service", host);
            assertThat(selects(svc.path("spec").path("selector"), podLabels(postgres)))
                    .as("DB_HOST %s of %s is the PostgreSQL StatefulSet's Service", host, service).isTrue();
        }
        assertThat(m.ofKind("Secret")).extracting(Manifests::name).anyMatch(n -> n.startsWith("fleet-db"))
                .anyMatch(n -> n.startsWith("fleet-paging"));
    }

    @Test
    void prodUsesACloudNativePgClusterAndTheReconcilerReachesItsPrimaryWithoutAPooler() {
        Manifests m = Kustomize.overlay("prod");
        JsonNode cluster = m.ofKind("Cluster").stream()
                .filter(c -> c.path("apiVersion").asText().startsWith("postgresql.cnpg.io/")).findFirst()
                .orElseThrow(() -> new AssertionError("prod has no CloudNativePG Cluster"));
        assertThat(cluster.path("spec").path("instances").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(cluster.path("spec").path("bootstrap").path("initdb").path("secret").path("name").asText())
                .as("the Cluster and the services share the fleet-db credentials").isEqualTo("fleet-db");
        assertThat(m.ofKind("Pooler")).as("no transaction pooler in prod").isEmpty();
        for (String service : SERVICES) {
            Map<String, String> env = m.environment(container(m.get("Deployment", service), service));
            assertThat(env.get("DB_HOST")).as("%s connects to the primary's rw Service", service)
                    .isEqualTo(name(cluster) + "-rw");
            assertThat(env.get("DB_NAME")).isEqualTo(cluster.path("spec").path("bootstrap").path("initdb")
                    .path("database").asText());
            assertThat(env.get("DB_USER")).isEqualTo(cluster.path("spec").path("bootstrap").path("initdb")
                    .path("owner").asText());
        }
        assertThat(m.ofKind("Secret")).as("production credentials are never in the repository").isEmpty();
        Manifests dev = Kustomize.overlay("dev");
        for (String service : SERVICES) {
            assertThat(m.get("Deployment", service).path("spec").path("replicas").asInt())
                    .as("prod runs more %s replicas than dev", service)
                    .isGreaterThan(dev.get("Deployment", service).path("spec").path("replicas").asInt())
                    .isGreaterThanOrEqualTo(3);
        }
    }

    @Test
    void prodScrapesEveryServiceOnItsMetricsEndpoint() {
        Manifests m = Kustomize.overlay("prod");
        Set<String> scraped = new java.util.HashSet<>();
        for (JsonNode monitor : m.ofKind("ServiceMonitor")) {
            JsonNode endpoint = monitor.path("spec").path("endpoints").get(0);
            assertThat(endpoint.path("path").asText()).isEqualTo("/q/metrics");
            for (String service : SERVICES) {
                JsonNode svc = m.get("Service", service);
                if (selects(monitor.path("spec").path("selector").path("matchLabels"),
                        Manifests.strings(svc.path("metadata").path("labels")))) {
                    List<String> portNames = new ArrayList<>();
                    svc.path("spec").path("ports").forEach(p -> portNames.add(p.path("name").asText()));
                    assertThat(portNames).contains(endpoint.path("port").asText());
                    scraped.add(service);
                }
            }
        }
        assertThat(scraped).containsExactlyInAnyOrderElementsOf(SERVICES);
    }
}
