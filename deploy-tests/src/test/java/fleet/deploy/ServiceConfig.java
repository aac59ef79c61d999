package fleet.deploy;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a service really reads, taken from its {@code src/main/resources/application.properties}: the environment
 * variables its properties reference ({@code ${VAR}} or {@code ${VAR:default}}) with their defaults. Profile
 * entries ({@code %test.}, {@code %dev.}) are ignored: the cluster runs the prod profile.
 */
final class ServiceConfig {

    private static final Pattern REFERENCE = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)(?::([^}]*))?}");

    /** Read by the image's launcher (run-java.sh), not by the application. */
    private static final java.util.Set<String> LAUNCHER_VARIABLES = java.util.Set.of("JAVA_OPTS_APPEND",
            "JAVA_MAX_MEM_RATIO", "JAVA_OPTS");

    final String service;
    private final Map<String, String> properties = new LinkedHashMap<>();
    /** Environment variable → its default in the properties ("" when none). */
    private final Map<String, String> variables = new LinkedHashMap<>();

    private ServiceConfig(String service) {
        this.service = service;
        Properties p = new Properties();
        try {
            p.load(new StringReader(Repository.read(service + "/src/main/resources/application.properties")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith("%")) {
                continue;
            }
            String value = p.getProperty(key);
            properties.put(key, value);
            Matcher m = REFERENCE.matcher(value);
            while (m.find()) {
                variables.put(m.group(1), m.group(2) == null ? "" : m.group(2));
            }
        }
    }

    static ServiceConfig of(String service) {
        return new ServiceConfig(service);
    }

    /**
     * Whether the service reads this environment variable: its properties reference it, Quarkus maps it onto a
     * property ({@code QUARKUS_*}), or the image's launcher reads it.
     */
    boolean reads(String variable) {
        return variables.containsKey(variable) || variable.startsWith("QUARKUS_") || LAUNCHER_VARIABLES.contains(variable);
    }

    java.util.Set<String> variables() {
        return variables.keySet();
    }

    /**
     * The value a property takes in a container with this environment: a {@code QUARKUS_*} variable overrides the
     * property; otherwise a property of the form {@code ${VAR:default}} takes the variable or its default.
     */
    Optional<String> effective(String property, Map<String, String> environment) {
        String envName = property.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
        if (environment.containsKey(envName)) {
            return Optional.of(environment.get(envName));
        }
        String value = properties.get(property);
        if (value == null) {
            return Optional.empty();
        }
        Matcher m = REFERENCE.matcher(value);
        if (m.matches()) {
            return Optional.of(environment.getOrDefault(m.group(1), m.group(2) == null ? "" : m.group(2)));
        }
        return Optional.of(value);
    }

    /** The HTTP port of the service (health, metrics and, for the api-service, gRPC) in that environment. */
    int httpPort(Map<String, String> environment) {
        return Integer.parseInt(effective("quarkus.http.port", environment)
                .orElseThrow(() -> new AssertionError(service + " does not configure quarkus.http.port")));
    }

    /** Its default HTTP port, with no environment at all. */
    int defaultHttpPort() {
        return httpPort(Map.of());
    }
}
