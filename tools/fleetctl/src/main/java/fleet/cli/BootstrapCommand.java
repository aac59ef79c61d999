package fleet.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import fleet.persistence.Bootstrap;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.flywaydb.core.Flyway;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

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

    @Option(names = "--db-password", description = "The database password on the command line (discouraged: visible in"
            + " the process list and shell history; prints a warning). Prefer --db-password-file, $DB_PASSWORD or"
            + " $PGPASSWORD; none of them: no password.")
    String dbPassword;

    @Option(names = "--db-password-file", description = "A file holding the database password.")
    Path dbPasswordFile;

    @Spec
    CommandSpec spec;

    @Option(names = "--migrate", description = "Apply the schema migrations first (normally the api-service does).")
    boolean migrate;

    @Option(names = {"-o", "--output"}, defaultValue = "text", description = "text or json.")
    String output;

    @Override
    public Integer call() throws Exception {
        String url = dbUrl != null ? dbUrl : "jdbc:postgresql://" + env("DB_HOST", "127.0.0.1") + ":"
                + env("DB_PORT", "5432") + "/" + env("DB_NAME", "fleet");
        String user = dbUser != null ? dbUser : env("DB_USER", "postgres");
        PrintWriter err = spec.commandLine().getErr();
        if (dbUrl != null && dbUrl.toLowerCase(Locale.ROOT).contains("password=")) {
            err.println("warning: --db-url carries a password, visible in the process list and the shell history;"
                    + " use --db-password-file, $DB_PASSWORD or $PGPASSWORD instead");
        }
        String password;
        try {
            password = Secrets.resolve(new Secrets.Source("database password", "--db-password", dbPassword,
                    dbPasswordFile, "--db-password-file", "DB_PASSWORD", "PGPASSWORD"), err, false);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (password == null) {
            password = "";
        }
        if (migrate) {
            Flyway.configure().dataSource(url, user, password).locations("classpath:db/migration").load().migrate();
        }
        Bootstrap.Result result;
        try (Connection c = DriverManager.getConnection(url, user, password)) {
            result = Bootstrap.createOrganization(c, org, adminEmail);
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                err.println("The schema is missing: start the api-service once, or pass --migrate.");
                return 2;
            }
            if ("23505".equals(e.getSQLState())) {
                err.println("An organization named '" + org + "' already exists.");
                return 3;
            }
            throw e;
        }
        PrintWriter out = spec.commandLine().getOut();
        if ("json".equals(output)) {
            Map<String, String> json = new LinkedHashMap<>();
            json.put("org_id", result.orgId().toString());
            json.put("admin_user_id", result.userId().toString());
            json.put("api_key", result.apiKey());
            out.println(new ObjectMapper().writeValueAsString(json));
        } else {
            out.println("organization  " + result.orgId());
            out.println("admin user    " + result.userId() + " (" + adminEmail + ")");
            out.println("API key       " + result.apiKey());
            err.println("Store the key now: it is not shown again (only its hash is kept).");
        }
        out.flush();
        err.flush();
        return 0;
    }

    private static String env(String key, String fallback) {
        String v = Secrets.environment.apply(key);
        return v == null || v.isBlank() ? fallback : v;
    }
}
