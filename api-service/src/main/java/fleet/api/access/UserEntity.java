package fleet.api.access;

import fleet.auth.Role;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.hibernate.annotations.Generated;

/**
 * A user of an organization ({@code app_user}): sessions authenticate as a user, every API key belongs to one. The
 * e-mail is unique per organization (a constraint of the table); the role caps the roles of the user's keys.
 */
@Entity
@Table(name = "app_user")
public class UserEntity {

    @Id
    @GeneratedValue(strategy = GenerationType.UUID)
    private UUID id;

    @Column(name = "org_id", nullable = false, updatable = false)
    private UUID orgId;

    @Column(nullable = false)
    private String email;

    @Column(nullable = false)
    private String role;

    @Column(nullable = false)
    private boolean disabled;

    /** The column default (database time), read back after the insert. */
    @Generated
    @Column(name = "created_at", insertable = false, updatable = false)
    private OffsetDateTime createdAt;

    protected UserEntity() {
    }

    public UserEntity(UUID orgId, String email, Role role) {
        this.orgId = orgId;
        this.email = email;
        this.role = role.name();
    }

    public UUID getId() {
        return id;
    }

    public UUID getOrgId() {
        return orgId;
    }

    public String getEmail() {
        return email;
    }

    public Role getRole() {
        return Role.valueOf(role);
    }

    public boolean isDisabled() {
        return disabled;
    }

    public OffsetDateTime getCreatedAt() {
        return createdAt;
    }
}
