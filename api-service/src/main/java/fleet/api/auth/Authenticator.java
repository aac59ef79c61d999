package fleet.api.auth;

import fleet.api.error.ApiErrors;
import fleet.auth.ApiKeys;
import fleet.auth.Role;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Turns the call's bearer token into a {@link Caller} and enforces the required role. Every RPC starts with
 * {@code auth.require(Role.X)}; it must be called synchronously at the start of the RPC (it reads the gRPC context).
 */
@ApplicationScoped
public class Authenticator {

    /**
     * The key's row if its secret matches, it is not revoked and its user is enabled; {@code expired} compares
     * {@code expires_at} (a rotated key's grace end, or the expiry it was created with) with the database's time, so
     * every replica agrees. Only a usable key is touched.
     */
    private static final String LOOKUP_KEY = """
            WITH k AS (
                SELECT k.key_id, k.org_id, k.user_id, k.role, k.actor_type,
                       (k.expires_at IS NOT NULL AND k.expires_at <= now()) AS expired
                FROM api_key k
                JOIN app_user u ON u.org_id = k.org_id AND u.id = k.user_id
                WHERE k.key_id = $1 AND k.secret_sha256 = $2 AND k.revoked_at IS NULL AND NOT u.disabled
            ), touch AS (
                UPDATE api_key SET last_used_at = now()
                WHERE key_id IN (SELECT key_id FROM k WHERE NOT expired)
                  AND (last_used_at IS NULL OR last_used_at < now() - interval '60 seconds')
            )
            SELECT key_id, org_id, user_id, role, actor_type, expired FROM k
            """;
    private static final String LOOKUP_USER =
            "SELECT 1 FROM app_user WHERE org_id = $1 AND id = $2 AND NOT disabled";

    @Inject
    Pool pool;

    @Inject
    Clock clock;

    @ConfigProperty(name = "fleet.auth.jwt.public-key")
    Optional<String> publicKeyPem;

    @ConfigProperty(name = "fleet.auth.jwt.public-key-location")
    Optional<String> publicKeyLocation;

    @ConfigProperty(name = "fleet.auth.jwt.issuer", defaultValue = "fleet-curtailment")
    String issuer;

    private JwtVerifier jwt;

    @PostConstruct
    void init() {
        try {
            RSAPublicKey key = JwtVerifier.readPublicKey(publicKeyPem.orElse(null), publicKeyLocation.orElse(null));
            jwt = key == null ? null : new JwtVerifier(key, issuer, clock);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The caller, if it holds at least {@code role}; otherwise UNAUTHENTICATED or PERMISSION_DENIED. */
    public Uni<Caller> require(Role role) {
        String token = AuthInterceptor.TOKEN.get();
        return authenticate(token).map(caller -> {
            if (!caller.role().atLeast(role)) {
                throw ApiErrors.permissionDenied("this call requires the " + role + " role; the caller is "
                        + caller.role());
            }
            CallContext.bind(caller);
            return caller;
        });
    }

    /** An ADMIN with a user session (API keys refused), for the recovery RPCs of SPEC §6.7. */
    public Uni<Caller> requireAdminSession() {
        return require(Role.ADMIN).map(caller -> {
            if (!caller.session()) {
                throw ApiErrors.permissionDenied("this call requires a user session; API keys are not accepted");
            }
            return caller;
        });
    }

    Uni<Caller> authenticate(String token) {
        if (token == null || token.isEmpty()) {
            return Uni.createFrom().failure(ApiErrors.unauthenticated("missing bearer credentials"));
        }
        if (ApiKeys.looksLikeApiKey(token)) {
            Optional<ApiKeys.ParsedKey> parsed = ApiKeys.parse(token);
            if (parsed.isEmpty()) {
                return Uni.createFrom().failure(ApiErrors.unauthenticated("malformed API key"));
            }
            return pool.preparedQuery(LOOKUP_KEY)
                    .execute(Tuple.of(parsed.get().keyId(), io.vertx.core.buffer.Buffer.buffer(parsed.get().secretSha256())))
                    .map(rows -> {
                        if (rows.size() == 0) {
                            throw ApiErrors.unauthenticated("unknown or revoked API key");
                        }
                        Row r = rows.iterator().next();
                        if (r.getBoolean("expired")) {
                            throw ApiErrors.unauthenticated("API key expired");
                        }
                        return new Caller(r.getUUID("org_id"), r.getUUID("user_id"), Role.valueOf(r.getString("role")),
                                r.getString("actor_type"), r.getString("key_id"), false);
                    });
        }
        if (jwt == null) {
            return Uni.createFrom().failure(ApiErrors.unauthenticated("user sessions are not configured on this server"));
        }
        Optional<JwtVerifier.SessionClaims> claims = jwt.verify(token);
        if (claims.isEmpty()) {
            return Uni.createFrom().failure(ApiErrors.unauthenticated("invalid, expired or wrongly signed session token"));
        }
        UUID org = claims.get().orgId();
        UUID user = claims.get().userId();
        return pool.preparedQuery(LOOKUP_USER).execute(Tuple.of(org, user)).map(rows -> {
            if (rows.size() == 0) {
                throw ApiErrors.unauthenticated("the session's user does not exist or is disabled");
            }
            return new Caller(org, user, claims.get().role(), "user", user.toString(), true);
        });
    }
}
