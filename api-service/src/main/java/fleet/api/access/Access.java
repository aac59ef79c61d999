package fleet.api.access;

import com.google.rpc.Code;
import fleet.api.app.ActivityLog;
import fleet.api.app.UniqueViolation;
import fleet.api.auth.Caller;
import fleet.api.error.ApiErrors;
import fleet.api.paging.PageKey;
import fleet.api.paging.PageTokens;
import fleet.auth.ApiKeys;
import fleet.auth.Role;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiFunction;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * The access use cases (issue 13, docs/decisions.md D36): users and API keys, edited one at a time through their
 * entities. Every change is ONE transaction that starts by locking the caller's organization row
 * ({@code FOR NO KEY UPDATE}: it serialises access changes of one organization without blocking inserts that
 * reference it) and reading the database time, then reads, checks, writes, and writes its activity row on the same
 * session. The lock is what makes the last-admin-key rule race-safe: two revocations of an organization's last two
 * ADMIN keys run one after the other, and the second sees the first.
 *
 * <p>Tokens leave this class only in {@link IssuedKey#token()}; nothing here logs, stores or records a secret.
 */
@ApplicationScoped
public class Access {

    /** How long a rotated key keeps working when the request does not say. */
    public static final Duration DEFAULT_GRACE = Duration.ofHours(24);
    public static final Duration MAX_GRACE = Duration.ofDays(7);
    /** The furthest expiry a new key may have. */
    public static final Duration MAX_EXPIRY = Duration.ofDays(730);

    private static final String ORG_LOCK = "SELECT now() FROM organization WHERE id = ?1 FOR NO KEY UPDATE";

    /** ADMIN keys of the organization, other than {@code ?2}, that still let someone in and are not rotated out. */
    private static final String OTHER_LASTING_ADMIN_KEYS = """
            SELECT count(*) FROM api_key k JOIN app_user u ON u.org_id = k.org_id AND u.id = k.user_id
            WHERE k.org_id = ?1 AND k.key_id <> ?2 AND k.role = 'ADMIN' AND k.revoked_at IS NULL
              AND k.replaced_by IS NULL AND (k.expires_at IS NULL OR k.expires_at > now()) AND NOT u.disabled
            """;

    private static final String USER_FILTER = "users";

    @Inject
    UserRepository users;

    @Inject
    ApiKeyRepository keys;

    /** A key as read at {@code now} (database time), which decides whether it is active. */
    public record KeyAt(ApiKeyEntity key, OffsetDateTime now) {
    }

    /** A newly issued key and its token, shown once. */
    public record IssuedKey(ApiKeyEntity key, String token, OffsetDateTime now) {
    }

    public record Rotation(ApiKeyEntity newKey, String token, ApiKeyEntity oldKey, OffsetDateTime now) {
    }

    public record UserPage(List<UserEntity> users, String nextPageToken) {
    }

    public record KeyPage(List<ApiKeyEntity> keys, OffsetDateTime now, String nextPageToken) {
    }

    // ---- users ------------------------------------------------------------------------------------------------

    public Uni<UserEntity> createUser(Caller caller, String email, Role role) {
        return inOrgTransaction(caller, (session, now) -> users.persistAndFlush(new UserEntity(caller.orgId(), email, role))
                        .call(user -> ActivityLog.record(session, caller, "user_created", null, null, new JsonObject()
                                .put("user_id", user.getId().toString()).put("email", email).put("role", role.name()))))
                .onFailure(e -> UniqueViolation.in(e)).transform(e -> ApiErrors.nameTaken("user", email));
    }

    public Uni<UserPage> listUsers(Caller caller, int requestedSize, String pageToken) {
        int size = PageTokens.pageSize(requestedSize);
        String after = PageTokens.decode("page_token", pageToken, USER_FILTER, PageKey.TEXT);
        return Panache.withSession(() -> users.pageByEmail(caller.orgId(), after, size + 1)).map(rows -> {
            List<UserEntity> out = new ArrayList<>(rows.subList(0, Math.min(size, rows.size())));
            String next = rows.size() > size ? PageTokens.encode(USER_FILTER, PageKey.TEXT, out.get(size - 1).getEmail()) : "";
            return new UserPage(out, next);
        });
    }

    // ---- keys -------------------------------------------------------------------------------------------------

    /**
     * Issues a key to {@code userId} (null: the caller's own user). The user must be of the caller's organization
     * (NOT_FOUND otherwise) and hold at least the key's role (INVALID_ARGUMENT naming {@code role}).
     */
    public Uni<IssuedKey> createKey(Caller caller, String name, Role role, UUID userId, Instant expiresAt) {
        UUID owner = userId != null ? userId : caller.userId();
        return inOrgTransaction(caller, (session, now) -> users.findInOrg(caller.orgId(), owner).chain(user -> {
            if (user == null) {
                throw ApiErrors.notFound("user", List.of(owner.toString()));
            }
            if (!user.getRole().atLeast(role)) {
                throw ApiErrors.invalidArgument("role", "a " + role + " key cannot belong to a user whose role is "
                        + user.getRole());
            }
            ApiKeys.NewKey secret = ApiKeys.generate();
            ApiKeyEntity key = new ApiKeyEntity(caller.orgId(), owner, role, "api_key", name,
                    expiresAt == null ? null : expiresAt.atOffset(now.getOffset()), secret);
            return keys.persistAndFlush(key)
                    .call(k -> ActivityLog.record(session, caller, "api_key_created", null, null, describe(k)))
                    .map(k -> new IssuedKey(k, secret.token(), now));
        }));
    }

    public Uni<KeyPage> listKeys(Caller caller, UUID userId, boolean includeInactive, int requestedSize,
            String pageToken) {
        int size = PageTokens.pageSize(requestedSize);
        String filters = "api_keys|" + userId + "|" + includeInactive;
        String after = PageTokens.decode("page_token", pageToken, filters, PageKey.TEXT);
        return Panache.withSession(() -> Panache.getSession().chain(session -> dbNow(session)
                .chain(now -> keys.pageByKeyId(caller.orgId(), userId, includeInactive ? null : now, after, size + 1)
                        .map(rows -> {
                            List<ApiKeyEntity> out = new ArrayList<>(rows.subList(0, Math.min(size, rows.size())));
                            String next = rows.size() > size
                                    ? PageTokens.encode(filters, PageKey.TEXT, out.get(size - 1).getKeyId()) : "";
                            return new KeyPage(out, now, next);
                        }))));
    }

    /**
     * Revokes a key; a revoked key stays revoked and writes nothing more. The organization's last lasting ADMIN key
     * (not revoked, not expired, not rotated out, its user enabled) is refused: FAILED_PRECONDITION LAST_ADMIN_KEY.
     */
    public Uni<KeyAt> revokeKey(Caller caller, String keyId) {
        return inOrgTransaction(caller, (session, now) -> keys.findInOrg(caller.orgId(), keyId).chain(key -> {
            if (key == null) {
                throw ApiErrors.notFound("api key", List.of(keyId));
            }
            if (key.getRevokedAt() != null) {
                return Uni.createFrom().item(new KeyAt(key, now));
            }
            boolean lasting = key.getRole() == Role.ADMIN && key.activeAt(now) && key.getReplacedBy() == null;
            Uni<Long> others = lasting
                    ? session.createNativeQuery(OTHER_LASTING_ADMIN_KEYS, Long.class).setParameter(1, caller.orgId())
                            .setParameter(2, keyId).getSingleResult()
                    : Uni.createFrom().item(1L);
            return others.chain(n -> {
                if (n == 0) {
                    throw ApiErrors.domain(Code.FAILED_PRECONDITION, "LAST_ADMIN_KEY", "API key " + keyId
                            + " is the organization's last active ADMIN key: revoking it would lock every API client"
                            + " out of access management. Create another ADMIN key (or rotate this one) first.",
                            Map.of("key_id", keyId));
                }
                key.revoke(now);
                return session.flush()
                        .call(() -> ActivityLog.record(session, caller, "api_key_revoked", null, null, describe(key)))
                        .map(flushed -> new KeyAt(key, now));
            });
        }));
    }

    /**
     * Issues a key in place of {@code keyId} (same name, role, user, actor type and expiry) and lets the old one work
     * until {@code now + grace} (never longer than it would have). The old key must be active and not rotated yet.
     */
    public Uni<Rotation> rotateKey(Caller caller, String keyId, Duration grace) {
        return inOrgTransaction(caller, (session, now) -> keys.findInOrg(caller.orgId(), keyId).chain(old -> {
            if (old == null) {
                throw ApiErrors.notFound("api key", List.of(keyId));
            }
            if (!old.activeAt(now)) {
                throw ApiErrors.domain(Code.FAILED_PRECONDITION, "KEY_NOT_ACTIVE", "API key " + keyId
                        + " is revoked or expired; create a new key instead", Map.of("key_id", keyId));
            }
            if (old.getReplacedBy() != null) {
                throw ApiErrors.domain(Code.FAILED_PRECONDITION, "KEY_ALREADY_ROTATED", "API key " + keyId
                        + " was already rotated to " + old.getReplacedBy() + "; rotate that key instead",
                        Map.of("key_id", keyId, "replaced_by", old.getReplacedBy()));
            }
            ApiKeys.NewKey secret = ApiKeys.generate();
            ApiKeyEntity fresh = new ApiKeyEntity(caller.orgId(), old.getUserId(), old.getRole(), old.getActorType(),
                    old.getName(), old.getExpiresAt(), secret);
            return keys.persistAndFlush(fresh).chain(() -> {
                old.replaceBy(fresh.getKeyId(), now.plus(grace));
                return session.flush();
            }).call(() -> ActivityLog.record(session, caller, "api_key_rotated", null, null, describe(fresh)
                    .put("old_key_id", old.getKeyId()).put("grace_seconds", grace.toSeconds())
                    .put("old_key_expires_at", old.getExpiresAt().toString())))
                    .map(flushed -> new Rotation(fresh, secret.token(), old, now));
        }));
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    /** One transaction on the organization's lock; {@code work} gets the session and the database time. */
    private static <T> Uni<T> inOrgTransaction(Caller caller,
            BiFunction<Mutiny.Session, OffsetDateTime, Uni<T>> work) {
        return Panache.withTransaction(() -> Panache.getSession().chain(session -> session
                .createNativeQuery(ORG_LOCK, OffsetDateTime.class).setParameter(1, caller.orgId()).getSingleResult()
                .chain(now -> work.apply(session, now))));
    }

    private static Uni<OffsetDateTime> dbNow(Mutiny.Session session) {
        return session.createNativeQuery("SELECT now()", OffsetDateTime.class).getSingleResult();
    }

    /** What an activity row says about a key: never its secret or its hash. */
    private static JsonObject describe(ApiKeyEntity k) {
        JsonObject out = new JsonObject().put("key_id", k.getKeyId()).put("name", k.getName())
                .put("role", k.getRole().name()).put("user_id", k.getUserId().toString());
        if (k.getExpiresAt() != null) {
            out.put("expires_at", k.getExpiresAt().toString());
        }
        return out;
    }
}
