package fleet.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Points a {@code @QuarkusTest} at {@link TestDatabase}. Use with
 * {@code @WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL)}.
 */
public class PostgresTestResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        if (System.getenv("QUARKUS_DATASOURCE_REACTIVE_URL") != null) {
            return Map.of();
        }
        return TestDatabase.get().quarkusProperties();
    }

    @Override
    public void stop() {
        // the database outlives the application: other test classes of this JVM reuse it
    }
}
