package fleet.api.topology;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class RackRepository implements PanacheRepositoryBase<Rack, UUID> {

    /** Up to {@code limit} racks (of one building when {@code buildingId} is set) ordered by id, after {@code afterId}. */
    public Uni<List<Rack>> pageById(UUID orgId, UUID buildingId, UUID afterId, int limit) {
        StringBuilder where = new StringBuilder("orgId = :org");
        Parameters params = Parameters.with("org", orgId);
        if (buildingId != null) {
            where.append(" and buildingId = :building");
            params.and("building", buildingId);
        }
        if (afterId != null) {
            where.append(" and id > :after");
            params.and("after", afterId);
        }
        return find(where + " order by id", params).page(Page.ofSize(limit)).list();
    }
}
