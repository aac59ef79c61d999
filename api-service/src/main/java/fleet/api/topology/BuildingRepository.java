package fleet.api.topology;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class BuildingRepository implements PanacheRepositoryBase<Building, UUID> {

    /** The organization's building, or null (another organization's building is not found either). */
    public Uni<Building> findInOrg(UUID orgId, UUID id) {
        return find("orgId = ?1 and id = ?2", orgId, id).firstResult();
    }

    /** Up to {@code limit} buildings (of one site when {@code siteId} is set) ordered by id, after {@code afterId}. */
    public Uni<List<Building>> pageById(UUID orgId, UUID siteId, UUID afterId, int limit) {
        StringBuilder where = new StringBuilder("orgId = :org");
        Parameters params = Parameters.with("org", orgId);
        if (siteId != null) {
            where.append(" and siteId = :site");
            params.and("site", siteId);
        }
        if (afterId != null) {
            where.append(" and id > :after");
            params.and("after", afterId);
        }
        return find(where + " order by id", params).page(Page.ofSize(limit)).list();
    }
}
