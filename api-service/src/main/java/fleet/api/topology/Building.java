package fleet.api.topology;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.util.UUID;

/** A building of a site ({@code building}); the site is referenced by id (see {@link TopologyNode}). */
@Entity
@Table(name = "building")
public class Building extends TopologyNode {

    @Column(name = "site_id", nullable = false, updatable = false)
    private UUID siteId;

    protected Building() {
    }

    public Building(Site site, String name) {
        super(site.getOrgId(), name);
        this.siteId = site.getId();
    }

    public UUID getSiteId() {
        return siteId;
    }
}
