package fleet.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The images cannot be built here (no container engine), so their recipe is checked instead: a JRE-only OpenJDK 17
 * base, the Quarkus fast-jar layers, a non-root user, the service's port, and a build command in
 * docs/operations.md that tags the image with the name the manifests use.
 */
class ContainerImagesTest {

    private static List<String> instructions(String dockerfile) {
        return dockerfile.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"api-service", "reconciler-service"})
    void dockerfileRunsTheQuarkusAppOnAJreOnlyImageAsANonRootUser(String service) {
        String path = service + "/src/main/docker/Dockerfile.jvm";
        assertThat(Files.isRegularFile(Repository.path(path))).as(path).isTrue();
        List<String> lines = instructions(Repository.read(path));

        List<String> from = lines.stream().filter(l -> l.startsWith("FROM ")).toList();
        assertThat(from).as("a single runtime stage").hasSize(1);
        assertThat(from.get(0)).as("OpenJDK 17 runtime (JRE, no Maven)").matches("FROM \\S+/openjdk-17-runtime:[\\w.-]+");
        assertThat(lines).as("runtime image runs no build tool").noneMatch(l -> l.matches("(?i).*\\b(mvn|mvnw|gradle|gradlew)\\b.*"));
        assertThat(lines).as("copies the fast-jar layers").contains(
                "COPY --chown=185 target/quarkus-app/lib/ /deployments/lib/",
                "COPY --chown=185 target/quarkus-app/app/ /deployments/app/",
                "COPY --chown=185 target/quarkus-app/quarkus/ /deployments/quarkus/");
        assertThat(lines).anyMatch(l -> l.startsWith("COPY --chown=185 target/quarkus-app/*.jar"));
        assertThat(lines.stream().filter(l -> l.startsWith("USER ")).reduce((a, b) -> b))
                .as("last USER is the unprivileged 185").contains("USER 185");
        assertThat(lines).anyMatch(l -> l.matches("ENV JAVA_MAX_MEM_RATIO=\\d+"));
        assertThat(lines).anyMatch(l -> l.startsWith("ENV JAVA_OPTS_APPEND=") && l.contains("-XX:+ExitOnOutOfMemoryError"));
        assertThat(lines).contains("EXPOSE " + ServiceConfig.of(service).defaultHttpPort());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"api-service", "reconciler-service"})
    void operationsGuideBuildsTheImageUnderTheNameTheManifestsUse(String service) {
        String guide = Repository.read("docs/operations.md");
        Pattern build = Pattern.compile("docker build -f " + Pattern.quote(service + "/src/main/docker/Dockerfile.jvm")
                + " -t (\\S+) " + Pattern.quote(service));
        Matcher m = build.matcher(guide);
        assertThat(m.find()).as("docs/operations.md has the docker build command of " + service).isTrue();
        String documented = m.group(1).replaceAll("^\\$\\{?\\w+}?/", "");       // drop a ${REGISTRY}/ prefix
        assertThat(documented).matches(Pattern.quote(DeploymentManifestsTest.image(service)) + ":[\\w.-]+");

        for (String overlay : List.of("dev", "prod")) {
            String rendered = Manifests.containers(Kustomize.overlay(overlay).get("Deployment", service)).stream()
                    .filter(c -> c.path("name").asText().equals(service)).findFirst().orElseThrow()
                    .path("image").asText();
            String repository = rendered.substring(0, rendered.lastIndexOf(':'));
            assertThat(repository).as("%s image repository", overlay)
                    .matches("^([a-z0-9.-]+(:\\d+)?/)?" + Pattern.quote(DeploymentManifestsTest.image(service)));
            if (overlay.equals("dev")) {
                assertThat(rendered).as("dev runs the image the guide builds and loads").isEqualTo(documented);
            }
        }
    }
}
