package fleet.api.topology;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Page;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class DeviceGroupRepository implements PanacheRepositoryBase<DeviceGroup, UUID> {

    /** Up to {@code limit} groups ordered by name, after {@code afterName} (null: from the first). */
    public Uni<List<DeviceGroup>> pageByName(UUID orgId, String afterName, int limit) {
        var query = afterName == null
                ? find("orgId = ?1 order by name", orgId)
                : find("orgId = ?1 and name > ?2 order by name", orgId, afterName);
        return query.page(Page.ofSize(limit)).list();
    }
}
