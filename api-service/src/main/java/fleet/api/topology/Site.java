package fleet.api.topology;

import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.util.UUID;

/** A site of an organization ({@code site}); names are unique per organization. */
@Entity
@Table(name = "site")
public class Site extends TopologyNode {

    protected Site() {
    }

    public Site(UUID orgId, String name) {
        super(orgId, name);
    }
}
