package fleet.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import fleet.persistence.Bootstrap;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.flywaydb.core.Flyway;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Creates the first organization, its admin user and an API key, and prints the key once. Talks to PostgreSQL
 * directly (there is no credential to call the API with yet).
 */
@Command(name = "bootstrap", mixinStandardHelpOptions = true,
        description = "Create an organization, an admin user and an API key (printed once).")
public class BootstrapCommand implements Callable<Integer> {

    @Option(names = "--org", required = true, description = "Organization name (1..128 characters).")
    String org;

    @Option(names = "--admin-email", defaultValue = "admin@localhost", description = "The admin user's e-mail.")
    String adminEmail;

    @Option(names = "--db-url", description = "JDBC URL; default from DB_HOST, DB_PORT, DB_NAME (127.0.0.1:5432/fleet).")
    String dbUrl;

    @Option(names = "--db-user", description = "Default DB_USER or postgres.")
    String dbUser;

    @Option(names = "--db-password", description = "Default DB_PASSWORD or empty.")
    String dbPassword;

    @Option(names = "--migrate", description = "Apply the schema migrations first (normally the api-service does).")
    boolean migrate;

    @Option(names = {"-o", "--output"}, defaultValue = "text", description = "text or json.")
    String output;

    @Override
    public Integer call() throws Exception {
        String url = dbUrl != null ? dbUrl : "jdbc:postgresql://" + env("DB_HOST", "127.0.0.1") + ":"
                + env("DB_PORT", "5432") + "/" + env("DB_NAME", "fleet");
        String user = dbUser != null ? dbUser : env("DB_USER", "postgres");
        String password = dbPassword != null ? dbPassword : env("DB_PASSWORD", "");
        if (migrate) {
            Flyway.configure().dataSource(url, user, password).locations("classpath:db/migration").load().migrate();
        }
        Bootstrap.Result result;
        try (Connection c = DriverManager.getConnection(url, user, password)) {
            result = Bootstrap.createOrganization(c, org, adminEmail);
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                System.err.println("The schema is missing: start the api-service once, or pass --migrate.");
                return 2;
            }
            if ("23505".equals(e.getSQLState())) {
                System.err.println("An organization named '" + org + "' already exists.");
                return 3;
            }
            throw e;
        }
        if ("json".equals(output)) {
            Map<String, String> out = new LinkedHashMap<>();
            out.put("org_id", result.orgId().toString());
            out.put("admin_user_id", result.userId().toString());
            out.put("api_key", result.apiKey());
            System.out.println(new ObjectMapper().writeValueAsString(out));
        } else {
            System.out.println("organization  " + result.orgId());
            System.out.println("admin user    " + result.userId() + " (" + adminEmail + ")");
            System.out.println("API key       " + result.apiKey());
            System.out.println("Store the key now: it is not shown again (only its hash is kept).");
        }
        return 0;
    }

    private static String env(String key, String fallback) {
        String v = System.getenv(key);
        return v == null || v.isBlank() ? fallback : v;
    }
}
