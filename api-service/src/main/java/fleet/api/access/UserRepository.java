package fleet.api.access;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Page;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class UserRepository implements PanacheRepositoryBase<UserEntity, UUID> {

    /** The organization's user, or null (another organization's user is not found either). */
    public Uni<UserEntity> findInOrg(UUID orgId, UUID id) {
        return find("orgId = ?1 and id = ?2", orgId, id).firstResult();
    }

    /** Up to {@code limit} users ordered by e-mail, after {@code afterEmail} (null: from the first). */
    public Uni<List<UserEntity>> pageByEmail(UUID orgId, String afterEmail, int limit) {
        var query = afterEmail == null
                ? find("orgId = ?1 order by email", orgId)
                : find("orgId = ?1 and email > ?2 order by email", orgId, afterEmail);
        return query.page(Page.ofSize(limit)).list();
    }
}
