package fleet.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The documents of one rendered overlay, with the look-ups the checks need. */
record Manifests(List<JsonNode> documents) {

    List<JsonNode> ofKind(String kind) {
        return documents.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
    }

    Optional<JsonNode> find(String kind, String name) {
        return ofKind(kind).stream().filter(d -> name.equals(name(d))).findFirst();
    }

    JsonNode get(String kind, String name) {
        Optional<JsonNode> found = find(kind, name);
        assertThat(found).as("%s %s in the rendered overlay", kind, name).isPresent();
        return found.get();
    }

    /** Deployments and StatefulSets: everything that runs containers. */
    List<JsonNode> workloads() {
        List<JsonNode> all = new ArrayList<>(ofKind("Deployment"));
        all.addAll(ofKind("StatefulSet"));
        return all;
    }

    static String name(JsonNode doc) {
        return doc.path("metadata").path("name").asText();
    }

    static JsonNode podSpec(JsonNode workload) {
        return workload.path("spec").path("template").path("spec");
    }

    static Map<String, String> podLabels(JsonNode workload) {
        return strings(workload.path("spec").path("template").path("metadata").path("labels"));
    }

    static List<JsonNode> containers(JsonNode workload) {
        List<JsonNode> all = new ArrayList<>();
        podSpec(workload).path("initContainers").forEach(all::add);
        podSpec(workload).path("containers").forEach(all::add);
        return all;
    }

    static Map<String, String> strings(JsonNode object) {
        Map<String, String> map = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            var e = it.next();
            map.put(e.getKey(), e.getValue().asText());
        }
        return map;
    }

    /** Whether a label selector ({@code matchLabels} form) selects pods with these labels. */
    static boolean selects(JsonNode matchLabels, Map<String, String> labels) {
        Map<String, String> wanted = strings(matchLabels);
        return !wanted.isEmpty() && wanted.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }

    /**
     * The environment a container starts with, as far as the manifests decide it: ConfigMaps of {@code envFrom}
     * (resolved in this overlay), then {@code env} entries (literal values, or a marker for secret references).
     */
    Map<String, String> environment(JsonNode container) {
        Map<String, String> env = new HashMap<>();
        for (JsonNode from : container.path("envFrom")) {
            if (from.has("configMapRef")) {
                String name = from.path("configMapRef").path("name").asText();
                env.putAll(strings(get("ConfigMap", name).path("data")));
            }
            assertThat(from.has("secretRef")).as("envFrom secretRef would hide which variables a container reads")
                    .isFalse();
        }
        for (JsonNode e : container.path("env")) {
            String value = e.has("value") ? e.path("value").asText()
                    : e.path("valueFrom").has("secretKeyRef") ? "<secret>" : "<reference>";
            env.put(e.path("name").asText(), value);
        }
        return env;
    }

    /** A container port number from a probe or Service port that is either a number or a port name. */
    static int resolvePort(JsonNode container, JsonNode port) {
        if (port.isInt() || port.asText().matches("\\d+")) {
            return port.asInt();
        }
        for (JsonNode p : container.path("ports")) {
            if (port.asText().equals(p.path("name").asText())) {
                return p.path("containerPort").asInt();
            }
        }
        throw new AssertionError("container " + container.path("name").asText() + " has no port named " + port.asText());
    }
}
