package fleet.api.app.schedules;

import io.quarkus.hibernate.reactive.panache.PanacheQuery;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.util.List;
import java.util.UUID;

/** The organization's live (not deleted) schedules; deleted rows are invisible to entity queries. */
@ApplicationScoped
public class ScheduleRepository implements PanacheRepositoryBase<ScheduleEntity, UUID> {

    /** The organization's schedule, or null. */
    public Uni<ScheduleEntity> findInOrg(UUID orgId, UUID id) {
        return find("orgId = ?1 and id = ?2", orgId, id).firstResult();
    }

    /** The organization's schedule locked for update ({@code FOR UPDATE}), or null. */
    public Uni<ScheduleEntity> findInOrgForUpdate(UUID orgId, UUID id) {
        return find("orgId = ?1 and id = ?2", orgId, id).withLock(LockModeType.PESSIMISTIC_WRITE).firstResult();
    }

    /** Up to {@code limit} schedules ordered by name after {@code afterName} (null: from the first). */
    public Uni<List<ScheduleEntity>> pageByName(UUID orgId, Boolean enabled, String afterName, int limit) {
        StringBuilder where = new StringBuilder("orgId = :org");
        Parameters params = Parameters.with("org", orgId);
        if (enabled != null) {
            where.append(" and enabled = :enabled");
            params.and("enabled", enabled);
        }
        if (afterName != null) {
            where.append(" and name > :after");
            params.and("after", afterName);
        }
        PanacheQuery<ScheduleEntity> query = find(where + " order by name", params);
        return query.page(Page.ofSize(limit)).list();
    }
}
