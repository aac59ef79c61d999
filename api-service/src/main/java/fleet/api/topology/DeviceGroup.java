package fleet.api.topology;

import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.util.UUID;

/**
 * A device group ({@code device_group}). Its members ({@code device_group_member}) are written with the devices, in
 * bulk, by SQL: they are not mapped here.
 */
@Entity
@Table(name = "device_group")
public class DeviceGroup extends TopologyNode {

    protected DeviceGroup() {
    }

    public DeviceGroup(UUID orgId, String name) {
        super(orgId, name);
    }
}
