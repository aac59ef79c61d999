package fleet.testsupport;

import java.util.Optional;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/** A Testcontainers PostgreSQL, used only where a Docker engine answers (never on the CI machines here). */
final class ContainerDatabase {

    private ContainerDatabase() {
    }

    static Optional<TestDatabase> startIfDockerAvailable(String name) {
        boolean docker;
        try {
            docker = DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            docker = false;
        }
        if (!docker) {
            return Optional.empty();
        }
        PostgreSQLContainer container = new PostgreSQLContainer("postgres:15-alpine")
                .withDatabaseName(name)
                .withUsername("postgres")
                .withPassword("postgres");
        container.start();
        Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "testcontainers-postgres-stop"));
        return Optional.of(TestDatabase.of(container.getHost(), container.getMappedPort(5432), name,
                "postgres", "postgres", "testcontainers"));
    }
}
