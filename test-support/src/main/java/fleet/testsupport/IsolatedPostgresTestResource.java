package fleet.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Like {@link PostgresTestResource}, but on a database of its own (init arg {@code database}, default
 * {@code fleet_test_isolated}), created fresh for the test run. For applications that act on every row they can see,
 * such as the reconciler.
 */
public class IsolatedPostgresTestResource implements QuarkusTestResourceLifecycleManager {

    private String database = "fleet_test_isolated";
    private TestDatabase db;

    @Override
    public void init(Map<String, String> initArgs) {
        database = initArgs.getOrDefault("database", database);
    }

    @Override
    public Map<String, String> start() {
        db = TestDatabase.get().fresh(database).migrate();
        return db.quarkusProperties();
    }

    @Override
    public void stop() {
        if (db != null) {
            db.drop();
        }
    }
}
