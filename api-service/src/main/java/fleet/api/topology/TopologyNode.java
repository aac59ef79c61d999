package fleet.api.topology;

import jakarta.persistence.Column;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.MappedSuperclass;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.hibernate.annotations.Generated;

/**
 * What every topology row has: an id generated before the flush (random v4, like the column's
 * {@code gen_random_uuid()} default), its organization, a name unique among its siblings (a constraint of each
 * table) and the database time it was created at. Parents are referenced by id, not as associations: the composite
 * foreign keys keep them in the organization (docs/decisions.md D3), and nothing here navigates.
 */
@MappedSuperclass
public abstract class TopologyNode {

    @Id
    @GeneratedValue(strategy = GenerationType.UUID)
    private UUID id;

    @Column(name = "org_id", nullable = false, updatable = false)
    private UUID orgId;

    @Column(nullable = false)
    private String name;

    /** The column default (database time), read back after the insert. */
    @Generated
    @Column(name = "created_at", insertable = false, updatable = false)
    private OffsetDateTime createdAt;

    protected TopologyNode() {
    }

    protected TopologyNode(UUID orgId, String name) {
        this.orgId = orgId;
        this.name = name;
    }

    public UUID getId() {
        return id;
    }

    public UUID getOrgId() {
        return orgId;
    }

    public String getName() {
        return name;
    }

    public OffsetDateTime getCreatedAt() {
        return createdAt;
    }
}
