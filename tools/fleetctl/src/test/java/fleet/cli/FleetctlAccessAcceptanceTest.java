package fleet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.JsonFormat;
import com.fasterxml.jackson.databind.ObjectMapper;
import fleet.curtailment.v1.CreateApiKeyResponse;
import fleet.curtailment.v1.RotateApiKeyResponse;
import fleet.testsupport.TestDatabase;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Issue 13's acceptance for access management, with the real pieces: the packaged api-service as a child process on
 * its own database, and the real {@code fleetctl} commands run in process. An organization is bootstrapped with
 * {@code fleetctl bootstrap}; {@code fleetctl access} creates a VIEWER and an OPERATOR key, each works with exactly
 * its role, a revoked key is refused on its next call, an expired key is refused, a rotated key hands over, and the
 * last admin key stays. The packaged api-service is required: this module depends on it (pom only) so the reactor
 * packages it first.
 */
class FleetctlAccessAcceptanceTest {

    private static TestDatabase db;
    private static Process api;
    private static String server;
    private static Path log;

    @TempDir
    Path dir;

    record Run(int exitCode, String out, String err) {
    }

    @BeforeAll
    static void startTheApiService() throws Exception {
        Path app = Path.of("../../api-service/target/quarkus-app/quarkus-run.jar").toAbsolutePath().normalize();
        assertThat(app).as("the packaged api-service (build with -am from the repository root)").isRegularFile();
        db = TestDatabase.get().fresh("fleet_fleetctl_access");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        log = Files.createTempFile("fleetctl-access-api-service-", ".log");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-jar", app.toString()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(Map.of("DB_HOST", db.host(), "DB_PORT", Integer.toString(db.port()),
                "DB_NAME", db.database(), "DB_USER", db.user(), "DB_PASSWORD", db.password(),
                "HTTP_PORT", Integer.toString(port), "HTTP_HOST", "127.0.0.1", "LOG_JSON", "false"));
        api = pb.start();
        server = "127.0.0.1:" + port;
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://" + server + "/q/health/ready"))
                .timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            assertThat(api.isAlive()).as("the api-service exited during start; see " + log).isTrue();
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    break;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            assertThat(System.nanoTime()).as("the api-service was not ready within 120 s; see " + log).isLessThan(deadline);
            Thread.sleep(250);
        }
    }

    @AfterAll
    static void stopTheApiService() throws Exception {
        Secrets.environment = System::getenv;
        if (api != null) {
            api.destroy();
            if (!api.waitFor(20, TimeUnit.SECONDS)) {
                api.destroyForcibly();
            }
        }
        if (db != null) {
            db.drop();
        }
    }

    /** fleetctl as a person would run it: the token (if any) in $FLEET_TOKEN, never on the command line. */
    private static Run fleetctl(String token, String... args) {
        Map<String, String> env = new HashMap<>();
        if (token != null) {
            env.put("FLEET_TOKEN", token);
        }
        env.put("DB_PASSWORD", db.password());
        Secrets.environment = env::get;
        List<String> all = new ArrayList<>(List.of(args));
        if (!"bootstrap".equals(args[0])) {
            all.addAll(List.of("--server", server));
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = FleetCtl.configure(new CommandLine(new FleetCtl()));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(all.toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }

    private static String bootstrap(String org) throws Exception {
        Run r = fleetctl(null, "bootstrap", "--org", org, "--db-url", db.jdbcUrl(), "--db-user", db.user(), "-o", "json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        return new ObjectMapper().readTree(r.out()).get("api_key").asText();
    }

    private static CreateApiKeyResponse createKey(String admin, String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of("access", "keys", "create", "-o", "json"));
        args.addAll(List.of(options));
        Run r = fleetctl(admin, args.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).contains(AccessCommand.STORE_IT);
        CreateApiKeyResponse.Builder key = CreateApiKeyResponse.newBuilder();
        JsonFormat.parser().merge(r.out(), key);
        return key.build();
    }

    private static void update(String sql, Object... params) throws Exception {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
                var ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            ps.executeUpdate();
        }
    }

    @Test
    void viewerAndOperatorKeysCreatedWithFleetctlWorkWithExactlyTheirRolesUntilRevoked() throws Exception {
        String admin = bootstrap("accept-roles-" + UUID.randomUUID());

        CreateApiKeyResponse viewer = createKey(admin, "--name", "dashboard", "--role", "viewer");
        CreateApiKeyResponse operator = createKey(admin, "--name", "automation", "--role", "operator");

        assertThat(fleetctl(viewer.getToken(), "devices", "list").exitCode()).isZero();
        Run viewerWrites = fleetctl(viewer.getToken(), "devices", "register", "--count", "1", "--first-address",
                "127.77.0.1");
        assertThat(viewerWrites.exitCode()).isEqualTo(1);
        assertThat(viewerWrites.err()).contains("PERMISSION_DENIED");

        Run operatorWrites = fleetctl(operator.getToken(), "devices", "register", "--count", "2", "--first-address",
                "127.77.0.1");
        assertThat(operatorWrites.exitCode()).as(operatorWrites.err()).isZero();
        assertThat(operatorWrites.out()).contains("registered 2 devices");
        Run operatorManages = fleetctl(operator.getToken(), "access", "keys", "list");
        assertThat(operatorManages.exitCode()).isEqualTo(1);
        assertThat(operatorManages.err()).contains("PERMISSION_DENIED");

        Run list = fleetctl(admin, "access", "keys", "list");
        assertThat(list.exitCode()).isZero();
        assertThat(list.out()).contains(viewer.getKey().getKeyId(), operator.getKey().getKeyId(), "dashboard", "VIEWER",
                "OPERATOR").doesNotContain(secret(viewer.getToken()), secret(operator.getToken()), secret(admin));

        Run revoke = fleetctl(admin, "access", "keys", "revoke", viewer.getKey().getKeyId());
        assertThat(revoke.exitCode()).as(revoke.err()).isZero();
        Run refused = fleetctl(viewer.getToken(), "devices", "list");
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).contains("UNAUTHENTICATED");
        assertThat(fleetctl(operator.getToken(), "devices", "list").exitCode()).isZero();
    }

    @Test
    void anExpiredKeyIsRefusedAndARotatedKeyHandsOverToItsReplacement() throws Exception {
        String admin = bootstrap("accept-rotate-" + UUID.randomUUID());
        CreateApiKeyResponse temp = createKey(admin, "--name", "temp", "--role", "viewer", "--expires-in", "1h");
        assertThat(temp.getKey().hasExpireTime()).isTrue();
        Path tokenFile = Files.writeString(dir.resolve("temp.token"), temp.getToken() + "\n");
        assertThat(fleetctl(null, "devices", "list", "--token-file", tokenFile.toString()).exitCode()).isZero();

        update("UPDATE api_key SET expires_at = now() - interval '1 second' WHERE key_id = ?", temp.getKey().getKeyId());

        Run expired = fleetctl(null, "devices", "list", "--token-file", tokenFile.toString());
        assertThat(expired.exitCode()).isEqualTo(1);
        assertThat(expired.err()).contains("UNAUTHENTICATED", "expired");

        CreateApiKeyResponse ops = createKey(admin, "--name", "exporter", "--role", "operator");
        Run rotate = fleetctl(admin, "access", "keys", "rotate", ops.getKey().getKeyId(), "-o", "json");
        assertThat(rotate.exitCode()).as(rotate.err()).isZero();
        assertThat(rotate.err()).contains(AccessCommand.STORE_IT);
        RotateApiKeyResponse.Builder rotated = RotateApiKeyResponse.newBuilder();
        JsonFormat.parser().merge(rotate.out(), rotated);
        assertThat(fleetctl(rotated.getToken(), "devices", "list").exitCode()).isZero();
        assertThat(fleetctl(ops.getToken(), "devices", "list").exitCode()).as("within the 24 h grace").isZero();
        update("UPDATE api_key SET expires_at = now() - interval '1 second' WHERE key_id = ?", ops.getKey().getKeyId());
        assertThat(fleetctl(ops.getToken(), "devices", "list").exitCode()).as("after the grace").isEqualTo(1);
        assertThat(fleetctl(rotated.getToken(), "devices", "list").exitCode()).isZero();

        Run text = fleetctl(admin, "access", "keys", "rotate", rotated.getNewKey().getKeyId(), "--grace", "0s");
        assertThat(text.exitCode()).as(text.err()).isZero();
        assertThat(text.out()).contains("token    fk_", "old key  " + rotated.getNewKey().getKeyId());
    }

    @Test
    void theLastAdminKeyStaysAndUsersAreManagedWithFleetctl() throws Exception {
        String admin = bootstrap("accept-admin-" + UUID.randomUUID());

        Run last = fleetctl(admin, "access", "keys", "revoke", admin.split("_")[1]);
        assertThat(last.exitCode()).isEqualTo(1);
        assertThat(last.err()).contains("FAILED_PRECONDITION", "LAST_ADMIN_KEY");
        assertThat(fleetctl(admin, "devices", "list").exitCode()).isZero();

        Run user = fleetctl(admin, "access", "users", "create", "--email", "night-shift@example.com", "--role", "operator");
        assertThat(user.exitCode()).as(user.err()).isZero();
        Run users = fleetctl(admin, "access", "users", "list");
        assertThat(users.out()).contains("admin@localhost", "night-shift@example.com", "OPERATOR");
        String userId = user.out().split("\\s+")[1];
        CreateApiKeyResponse theirs = createKey(admin, "--name", "night", "--role", "operator", "--user", userId);
        assertThat(theirs.getKey().getUserId()).isEqualTo(userId);
        Run above = fleetctl(admin, "access", "keys", "create", "--name", "too-much", "--role", "admin", "--user", userId);
        assertThat(above.exitCode()).isEqualTo(1);
        assertThat(above.err()).contains("INVALID_ARGUMENT", "role");
    }

    @Test
    void bootstrapTakesTheDatabasePasswordFromAFileOrWarnsAboutTheFlag() throws Exception {
        Path passwordFile = Files.writeString(dir.resolve("pgpass"), db.password().isEmpty() ? "unused\n" : db.password());
        Run fromFile = fleetctl(null, "bootstrap", "--org", "accept-file-" + UUID.randomUUID(), "--db-url", db.jdbcUrl(),
                "--db-user", db.user(), "--db-password-file", passwordFile.toString());
        assertThat(fromFile.exitCode()).as(fromFile.err()).isZero();
        assertThat(fromFile.err()).doesNotContain("warning").contains("Store the key now");
        assertThat(fromFile.out()).contains("API key       fk_");

        String flagValue = db.password().isEmpty() ? "unused" : db.password();
        Run fromFlag = fleetctl(null, "bootstrap", "--org", "accept-flag-" + UUID.randomUUID(), "--db-url", db.jdbcUrl(),
                "--db-user", db.user(), "--db-password", flagValue);
        assertThat(fromFlag.exitCode()).as(fromFlag.err()).isZero();
        assertThat(fromFlag.err()).contains("warning: --db-password puts the database password in the process list");

        Run missing = fleetctl(null, "bootstrap", "--org", "accept-missing", "--db-url", db.jdbcUrl(),
                "--db-password-file", dir.resolve("nope").toString());
        assertThat(missing.exitCode()).isEqualTo(2);
    }

    private static String secret(String token) {
        return token.substring(token.lastIndexOf('_') + 1);
    }
}
