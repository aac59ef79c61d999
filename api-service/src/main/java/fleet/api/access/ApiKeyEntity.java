package fleet.api.access;

import fleet.auth.ApiKeys;
import fleet.auth.Role;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.hibernate.annotations.Generated;

/**
 * An API key ({@code api_key}): {@code fk_<key_id>_<secret>}, of which only the SHA-256 of the secret is stored
 * (docs/decisions.md D4). The id is the key id ({@link ApiKeys#generate}), assigned before the insert.
 *
 * <p>{@code last_used_at} is written by authentication only (one SQL statement per call at most once a minute), so it
 * is neither inserted nor updated here: an entity loaded before a concurrent touch never writes it back. Revocation
 * and rotation set their times to the database time of their transaction.
 */
@Entity
@Table(name = "api_key")
public class ApiKeyEntity {

    @Id
    @Column(name = "key_id")
    private String keyId;

    @Column(name = "org_id", nullable = false, updatable = false)
    private UUID orgId;

    @Column(name = "user_id", nullable = false, updatable = false)
    private UUID userId;

    @Column(nullable = false, updatable = false)
    private String role;

    @Column(name = "actor_type", nullable = false, updatable = false)
    private String actorType;

    @Column(nullable = false, updatable = false)
    private String name;

    @Column(name = "secret_sha256", nullable = false, updatable = false)
    private byte[] secretSha256;

    @Generated
    @Column(name = "created_at", insertable = false, updatable = false)
    private OffsetDateTime createdAt;

    @Column(name = "expires_at")
    private OffsetDateTime expiresAt;

    @Column(name = "revoked_at")
    private OffsetDateTime revokedAt;

    @Column(name = "last_used_at", insertable = false, updatable = false)
    private OffsetDateTime lastUsedAt;

    @Column(name = "replaced_by")
    private String replacedBy;

    protected ApiKeyEntity() {
    }

    /** A new key of this user; the secret's hash comes from {@code key}, whose token is shown once. */
    public ApiKeyEntity(UUID orgId, UUID userId, Role role, String actorType, String name, OffsetDateTime expiresAt,
            ApiKeys.NewKey key) {
        this.keyId = key.keyId();
        this.orgId = orgId;
        this.userId = userId;
        this.role = role.name();
        this.actorType = actorType;
        this.name = name;
        this.expiresAt = expiresAt;
        this.secretSha256 = key.secretSha256();
    }

    /** Usable at {@code now} (database time): not revoked, not expired. The user's state is checked separately. */
    public boolean activeAt(OffsetDateTime now) {
        return revokedAt == null && (expiresAt == null || expiresAt.isAfter(now));
    }

    void revoke(OffsetDateTime now) {
        this.revokedAt = now;
    }

    /** The rotation of this key: it works until {@code graceEnd} (never longer than it would have). */
    void replaceBy(String newKeyId, OffsetDateTime graceEnd) {
        this.replacedBy = newKeyId;
        if (expiresAt == null || graceEnd.isBefore(expiresAt)) {
            this.expiresAt = graceEnd;
        }
    }

    public String getKeyId() {
        return keyId;
    }

    public UUID getOrgId() {
        return orgId;
    }

    public UUID getUserId() {
        return userId;
    }

    public Role getRole() {
        return Role.valueOf(role);
    }

    public String getActorType() {
        return actorType;
    }

    public String getName() {
        return name;
    }

    public OffsetDateTime getCreatedAt() {
        return createdAt;
    }

    public OffsetDateTime getExpiresAt() {
        return expiresAt;
    }

    public OffsetDateTime getRevokedAt() {
        return revokedAt;
    }

    public OffsetDateTime getLastUsedAt() {
        return lastUsedAt;
    }

    public String getReplacedBy() {
        return replacedBy;
    }
}
