package fleet.api.topology;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.util.UUID;

/** A rack of a building ({@code rack}); the building is referenced by id (see {@link TopologyNode}). */
@Entity
@Table(name = "rack")
public class Rack extends TopologyNode {

    @Column(name = "building_id", nullable = false, updatable = false)
    private UUID buildingId;

    protected Rack() {
    }

    public Rack(Building building, String name) {
        super(building.getOrgId(), name);
        this.buildingId = building.getId();
    }

    public UUID getBuildingId() {
        return buildingId;
    }
}
