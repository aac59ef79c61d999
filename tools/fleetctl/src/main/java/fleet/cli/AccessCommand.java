package fleet.cli;

import com.google.protobuf.Timestamp;
import fleet.curtailment.v1.ApiKey;
import fleet.curtailment.v1.CreateApiKeyRequest;
import fleet.curtailment.v1.CreateApiKeyResponse;
import fleet.curtailment.v1.CreateUserRequest;
import fleet.curtailment.v1.ListApiKeysRequest;
import fleet.curtailment.v1.ListApiKeysResponse;
import fleet.curtailment.v1.ListUsersRequest;
import fleet.curtailment.v1.ListUsersResponse;
import fleet.curtailment.v1.RevokeApiKeyRequest;
import fleet.curtailment.v1.RotateApiKeyRequest;
import fleet.curtailment.v1.RotateApiKeyResponse;
import fleet.curtailment.v1.User;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code fleetctl access users create|list} and {@code fleetctl access keys create|list|revoke|rotate}: the
 * AccessService (ADMIN only). A new key's token is printed once, on stdout (so a script can capture it), with a
 * reminder on stderr to store it.
 */
@Command(name = "access", mixinStandardHelpOptions = true, description = "Manage users and API keys (ADMIN).",
        subcommands = {AccessCommand.Users.class, AccessCommand.Keys.class})
public class AccessCommand {

    /** The three roles, as typed on the command line. */
    public enum RoleName {
        viewer(fleet.curtailment.v1.Role.ROLE_VIEWER),
        operator(fleet.curtailment.v1.Role.ROLE_OPERATOR),
        admin(fleet.curtailment.v1.Role.ROLE_ADMIN);

        final fleet.curtailment.v1.Role proto;

        RoleName(fleet.curtailment.v1.Role proto) {
            this.proto = proto;
        }
    }

    static final String STORE_IT = "Store the token now: it is not shown again (only its hash is kept).";

    @Command(name = "users", mixinStandardHelpOptions = true, description = "Create and list users.",
            subcommands = {CreateUser.class, ListUsers.class})
    public static class Users {
    }

    @Command(name = "keys", mixinStandardHelpOptions = true, description = "Create, list, revoke and rotate API keys.",
            subcommands = {CreateKey.class, ListKeys.class, RevokeKey.class, RotateKey.class})
    public static class Keys {
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a user.")
    public static class CreateUser implements Callable<Integer> {

        @Mixin
        ClientOptions client;

        @Option(names = "--email", required = true, description = "The user's e-mail (unique in the organization).")
        String email;

        @Option(names = "--role", required = true, description = "viewer, operator or admin.")
        RoleName role;

        @Override
        public Integer call() {
            try (ClientOptions c = client) {
                User user = client.access().createUser(CreateUserRequest.newBuilder().setEmail(email)
                        .setRole(role.proto).build());
                PrintWriter out = client.out();
                if (client.json()) {
                    out.println(Output.json(user));
                } else {
                    out.println("user  " + user.getUserId() + "  " + user.getEmail() + "  "
                            + Output.name(user.getRole(), "ROLE_"));
                }
                out.flush();
                return 0;
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the organization's users.")
    public static class ListUsers implements Callable<Integer> {

        @Mixin
        ClientOptions client;

        @Override
        public Integer call() {
            try (ClientOptions c = client) {
                ListUsersResponse.Builder all = ListUsersResponse.newBuilder();
                String page = "";
                do {
                    ListUsersResponse r = client.access().listUsers(ListUsersRequest.newBuilder().setPageSize(200)
                            .setPageToken(page).build());
                    all.addAllUsers(r.getUsersList());
                    page = r.getNextPageToken();
                } while (!page.isEmpty());
                PrintWriter out = client.out();
                if (client.json()) {
                    out.println(Output.json(all));
                } else {
                    Output.Table t = new Output.Table("USER", "EMAIL", "ROLE", "DISABLED", "CREATED");
                    all.getUsersList().forEach(u -> t.row(u.getUserId(), u.getEmail(), Output.name(u.getRole(), "ROLE_"),
                            u.getDisabled() ? "yes" : "no", Output.time(u.getCreateTime())));
                    t.print(out);
                }
                out.flush();
                return 0;
            }
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Create an API key; its token is printed once.")
    public static class CreateKey implements Callable<Integer> {

        @Mixin
        ClientOptions client;

        @Option(names = "--name", required = true, description = "What the key is for (1..128 characters).")
        String name;

        @Option(names = "--role", required = true, description = "viewer, operator or admin (at most the user's role).")
        RoleName role;

        @Option(names = "--user", description = "The user id the key belongs to (default: your own user).")
        String user;

        @ArgGroup(exclusive = true)
        Expiry expiry;

        static class Expiry {
            @Option(names = "--expires-in", converter = ClientOptions.DurationConverter.class,
                    description = "Expire after this long: 90d, 12h, 30m (at most 730 days).")
            Duration in;

            @Option(names = "--expires-at", description = "Expire at this instant (ISO-8601, e.g. 2027-06-30T00:00:00Z).")
            Instant at;
        }

        @Override
        public Integer call() {
            CreateApiKeyRequest.Builder request = CreateApiKeyRequest.newBuilder().setName(name).setRole(role.proto);
            if (user != null) {
                request.setUserId(user);
            }
            if (expiry != null) {
                Instant at = expiry.at != null ? expiry.at : Instant.now().plus(expiry.in);
                request.setExpireTime(Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()));
            }
            try (ClientOptions c = client) {
                CreateApiKeyResponse r = client.access().createApiKey(request.build());
                PrintWriter out = client.out();
                if (client.json()) {
                    out.println(Output.json(r));
                } else {
                    printKey(out, r.getKey());
                    out.println("token    " + r.getToken());
                }
                out.flush();
                warnStoreIt(client);
                return 0;
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List API keys (never their secrets).")
    public static class ListKeys implements Callable<Integer> {

        @Mixin
        ClientOptions client;

        @Option(names = "--user", description = "Only this user's keys.")
        String user;

        @Option(names = "--all", description = "Include revoked and expired keys.")
        boolean all;

        @Override
        public Integer call() {
            try (ClientOptions c = client) {
                ListApiKeysResponse.Builder keys = ListApiKeysResponse.newBuilder();
                String page = "";
                do {
                    ListApiKeysRequest.Builder request = ListApiKeysRequest.newBuilder().setPageSize(200)
                            .setIncludeInactive(all).setPageToken(page);
                    if (user != null) {
                        request.setUserId(user);
                    }
                    ListApiKeysResponse r = client.access().listApiKeys(request.build());
                    keys.addAllKeys(r.getKeysList());
                    page = r.getNextPageToken();
                } while (!page.isEmpty());
                PrintWriter out = client.out();
                if (client.json()) {
                    out.println(Output.json(keys));
                } else {
                    Output.Table t = new Output.Table("KEY", "NAME", "ROLE", "USER", "CREATED", "EXPIRES", "REVOKED",
                            "LAST USED", "REPLACED BY", "ACTIVE");
                    keys.getKeysList().forEach(k -> t.row(k.getKeyId(), k.getName(), Output.name(k.getRole(), "ROLE_"),
                            k.getUserId(), Output.time(k.getCreateTime()), Output.time(k.getExpireTime()),
                            Output.time(k.getRevokeTime()), Output.time(k.getLastUsedTime()), k.getReplacedByKeyId(),
                            k.getActive() ? "yes" : "no"));
                    t.print(out);
                }
                out.flush();
                return 0;
            }
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Revoke an API key (refused for the organization's last active ADMIN key).")
    public static class RevokeKey implements Callable<Integer> {

        @Mixin
        ClientOptions client;

        @Parameters(index = "0", paramLabel = "KEY_ID", description = "The key id (the part after fk_, before the secret).")
        String keyId;

        @Override
        public Integer call() {
            try (ClientOptions c = client) {
                ApiKey key = client.access().revokeApiKey(RevokeApiKeyRequest.newBuilder().setKeyId(keyId).build());
                PrintWriter out = client.out();
                if (client.json()) {
                    out.println(Output.json(key));
                } else {
                    printKey(out, key);
                }
                out.flush();
                return 0;
            }
        }
    }

    @Command(name = "rotate", mixinStandardHelpOptions = true,
            description = "Issue a new key in place of KEY_ID; the old key keeps working for the grace period.")
    public static class RotateKey implements Callable<Integer> {

        @Mixin
        ClientOptions client;

        @Parameters(index = "0", paramLabel = "KEY_ID", description = "The key id to rotate.")
        String keyId;

        @Option(names = "--grace", converter = ClientOptions.DurationConverter.class,
                description = "How long the old key keeps working: 0s..7d (default on the server: 24h).")
        Duration grace;

        @Override
        public Integer call() {
            RotateApiKeyRequest.Builder request = RotateApiKeyRequest.newBuilder().setKeyId(keyId);
            if (grace != null) {
                request.setGracePeriodSeconds((int) Math.min(Integer.MAX_VALUE, Math.max(0, grace.toSeconds())));
            }
            try (ClientOptions c = client) {
                RotateApiKeyResponse r = client.access().rotateApiKey(request.build());
                PrintWriter out = client.out();
                if (client.json()) {
                    out.println(Output.json(r));
                } else {
                    printKey(out, r.getNewKey());
                    out.println("token    " + r.getToken());
                    out.println("old key  " + r.getOldKey().getKeyId() + " works until "
                            + Output.time(r.getOldKey().getExpireTime()));
                }
                out.flush();
                warnStoreIt(client);
                return 0;
            }
        }
    }

    private static void printKey(PrintWriter out, ApiKey k) {
        out.println("key      " + k.getKeyId() + "  " + k.getName() + "  " + Output.name(k.getRole(), "ROLE_")
                + "  user " + k.getUserId());
        out.println("expires  " + Output.time(k.getExpireTime()) + (k.hasRevokeTime()
                ? "  revoked " + Output.time(k.getRevokeTime()) : ""));
    }

    private static void warnStoreIt(ClientOptions client) {
        PrintWriter err = client.spec.commandLine().getErr();
        err.println(STORE_IT);
        err.flush();
    }
}
