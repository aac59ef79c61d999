package fleet.api.grpc;

import com.google.protobuf.util.Timestamps;
import fleet.api.access.Access;
import fleet.api.access.ApiKeyEntity;
import fleet.api.access.UserEntity;
import fleet.api.auth.Authenticator;
import fleet.api.error.Violations;
import fleet.auth.Role;
import fleet.curtailment.v1.AccessServiceGrpc;
import fleet.curtailment.v1.ApiKey;
import fleet.curtailment.v1.CreateApiKeyRequest;
import fleet.curtailment.v1.CreateApiKeyResponse;
import fleet.curtailment.v1.CreateUserRequest;
import fleet.curtailment.v1.ListApiKeysRequest;
import fleet.curtailment.v1.ListApiKeysResponse;
import fleet.curtailment.v1.ListUsersRequest;
import fleet.curtailment.v1.ListUsersResponse;
import fleet.curtailment.v1.MutinyAccessServiceGrpc;
import fleet.curtailment.v1.RevokeApiKeyRequest;
import fleet.curtailment.v1.RotateApiKeyRequest;
import fleet.curtailment.v1.RotateApiKeyResponse;
import fleet.curtailment.v1.User;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * AccessService (issue 13): users and API keys of the caller's organization. Every RPC needs the ADMIN role. The
 * token of a key leaves the server only in the Create/Rotate response that issued it.
 */
@GrpcService
public class AccessGrpcService extends MutinyAccessServiceGrpc.AccessServiceImplBase {

    /** One '@' between non-empty parts, no whitespace or control characters: a plausible address, not a proof. */
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s\\p{Cntrl}]+@[^@\\s\\p{Cntrl}]+$");
    private static final Pattern KEY_ID = Pattern.compile("^[a-z0-9]{12,32}$");

    @Inject
    Authenticator auth;

    @Inject
    Access access;

    @Inject
    Clock clock;

    @Override
    public Uni<User> createUser(CreateUserRequest request) {
        return auth.require(Role.ADMIN).chain(caller -> {
            Violations v = new Violations();
            String email = v.requiredText("email", request.getEmail(), 254);
            if (email != null && (email.length() < 3 || !EMAIL.matcher(email).matches())) {
                v.add("email", "must be an e-mail address (one '@', no spaces)");
            }
            Role role = role(v, "role", request.getRole());
            v.throwIfAny();
            return access.createUser(caller, email, role).map(AccessGrpcService::toProto);
        });
    }

    @Override
    public Uni<ListUsersResponse> listUsers(ListUsersRequest request) {
        return auth.require(Role.ADMIN).chain(caller -> {
            Violations v = new Violations();
            int size = v.int32("page_size", request.getPageSize());
            v.throwIfAny();
            return access.listUsers(caller, size, request.getPageToken()).map(page -> {
                ListUsersResponse.Builder out = ListUsersResponse.newBuilder().setNextPageToken(page.nextPageToken());
                page.users().forEach(u -> out.addUsers(toProto(u)));
                return out.build();
            });
        });
    }

    @Override
    public Uni<CreateApiKeyResponse> createApiKey(CreateApiKeyRequest request) {
        return auth.require(Role.ADMIN).chain(caller -> {
            Violations v = new Violations();
            String name = v.requiredText("name", request.getName(), 128);
            Role role = role(v, "role", request.getRole());
            UUID user = v.uuid("user_id", request.getUserId(), false);
            Instant expires = null;
            if (request.hasExpireTime()) {
                Instant now = clock.instant();
                expires = Timestamps.isValid(request.getExpireTime()) ? ProtoTime.instant(request.getExpireTime()) : null;
                if (expires == null || !expires.isAfter(now)) {
                    v.add("expire_time", "must be in the future");
                } else if (expires.isAfter(now.plus(Access.MAX_EXPIRY))) {
                    v.add("expire_time", "must be at most " + Access.MAX_EXPIRY.toDays() + " days ahead");
                }
            }
            v.throwIfAny();
            return access.createKey(caller, name, role, user, expires).map(issued -> CreateApiKeyResponse.newBuilder()
                    .setKey(toProto(issued.key(), issued.now())).setToken(issued.token()).build());
        });
    }

    @Override
    public Uni<ListApiKeysResponse> listApiKeys(ListApiKeysRequest request) {
        return auth.require(Role.ADMIN).chain(caller -> {
            Violations v = new Violations();
            int size = v.int32("page_size", request.getPageSize());
            UUID user = v.uuid("user_id", request.getUserId(), false);
            v.throwIfAny();
            return access.listKeys(caller, user, request.getIncludeInactive(), size, request.getPageToken()).map(page -> {
                ListApiKeysResponse.Builder out = ListApiKeysResponse.newBuilder().setNextPageToken(page.nextPageToken());
                page.keys().forEach(k -> out.addKeys(toProto(k, page.now())));
                return out.build();
            });
        });
    }

    @Override
    public Uni<ApiKey> revokeApiKey(RevokeApiKeyRequest request) {
        return auth.require(Role.ADMIN).chain(caller -> {
            Violations v = new Violations();
            String keyId = keyId(v, request.getKeyId());
            v.throwIfAny();
            return access.revokeKey(caller, keyId).map(k -> toProto(k.key(), k.now()));
        });
    }

    @Override
    public Uni<RotateApiKeyResponse> rotateApiKey(RotateApiKeyRequest request) {
        return auth.require(Role.ADMIN).chain(caller -> {
            Violations v = new Violations();
            String keyId = keyId(v, request.getKeyId());
            Duration grace = Access.DEFAULT_GRACE;
            if (request.hasGracePeriodSeconds()) {
                grace = Duration.ofSeconds(v.bounded("grace_period_seconds", request.getGracePeriodSeconds(), 0,
                        (int) Access.MAX_GRACE.toSeconds()));
            }
            v.throwIfAny();
            return access.rotateKey(caller, keyId, grace).map(r -> RotateApiKeyResponse.newBuilder()
                    .setNewKey(toProto(r.newKey(), r.now())).setToken(r.token()).setOldKey(toProto(r.oldKey(), r.now()))
                    .build());
        });
    }

    // ---- mapping ----------------------------------------------------------------------------------------------

    private static Role role(Violations v, String field, fleet.curtailment.v1.Role role) {
        return switch (role) {
            case ROLE_VIEWER -> Role.VIEWER;
            case ROLE_OPERATOR -> Role.OPERATOR;
            case ROLE_ADMIN -> Role.ADMIN;
            default -> {
                v.add(field, "is required: ROLE_VIEWER, ROLE_OPERATOR or ROLE_ADMIN");
                yield null;
            }
        };
    }

    /** A key id; a whole token is refused without being echoed (it is a secret). */
    private static String keyId(Violations v, String value) {
        if (value == null || value.isEmpty()) {
            v.add("key_id", "is required");
            return null;
        }
        if (value.startsWith("fk_")) {
            v.add("key_id", "is the key id (the part after fk_), not the whole token");
            return null;
        }
        if (!KEY_ID.matcher(value).matches()) {
            v.add("key_id", "must be 12..32 lowercase letters and digits");
            return null;
        }
        return value;
    }

    private static fleet.curtailment.v1.Role toProto(Role role) {
        return switch (role) {
            case VIEWER -> fleet.curtailment.v1.Role.ROLE_VIEWER;
            case OPERATOR -> fleet.curtailment.v1.Role.ROLE_OPERATOR;
            case ADMIN -> fleet.curtailment.v1.Role.ROLE_ADMIN;
        };
    }

    static User toProto(UserEntity u) {
        return User.newBuilder().setUserId(u.getId().toString()).setEmail(u.getEmail()).setRole(toProto(u.getRole()))
                .setDisabled(u.isDisabled()).setCreateTime(ProtoTime.of(u.getCreatedAt())).build();
    }

    static ApiKey toProto(ApiKeyEntity k, OffsetDateTime now) {
        ApiKey.Builder b = ApiKey.newBuilder().setKeyId(k.getKeyId()).setName(k.getName()).setRole(toProto(k.getRole()))
                .setUserId(k.getUserId().toString()).setCreateTime(ProtoTime.of(k.getCreatedAt()))
                .setActive(k.activeAt(now));
        if (k.getExpiresAt() != null) {
            b.setExpireTime(ProtoTime.of(k.getExpiresAt()));
        }
        if (k.getRevokedAt() != null) {
            b.setRevokeTime(ProtoTime.of(k.getRevokedAt()));
        }
        if (k.getLastUsedAt() != null) {
            b.setLastUsedTime(ProtoTime.of(k.getLastUsedAt()));
        }
        if (k.getReplacedBy() != null) {
            b.setReplacedByKeyId(k.getReplacedBy());
        }
        return b.build();
    }
}
