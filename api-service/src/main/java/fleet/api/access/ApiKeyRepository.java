package fleet.api.access;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class ApiKeyRepository implements PanacheRepositoryBase<ApiKeyEntity, String> {

    /** The organization's key, or null (another organization's key is not found either). */
    public Uni<ApiKeyEntity> findInOrg(UUID orgId, String keyId) {
        return find("orgId = ?1 and keyId = ?2", orgId, keyId).firstResult();
    }

    /**
     * Up to {@code limit} keys ordered by key id after {@code afterKeyId} (null: from the first), of one user when
     * {@code userId} is set; with {@code activeAt} set, only keys neither revoked nor expired at that time.
     */
    public Uni<List<ApiKeyEntity>> pageByKeyId(UUID orgId, UUID userId, OffsetDateTime activeAt, String afterKeyId,
            int limit) {
        StringBuilder where = new StringBuilder("orgId = :org");
        Parameters params = Parameters.with("org", orgId);
        if (userId != null) {
            where.append(" and userId = :user");
            params.and("user", userId);
        }
        if (activeAt != null) {
            where.append(" and revokedAt is null and (expiresAt is null or expiresAt > :now)");
            params.and("now", activeAt);
        }
        if (afterKeyId != null) {
            where.append(" and keyId > :after");
            params.and("after", afterKeyId);
        }
        return find(where + " order by keyId", params).page(Page.ofSize(limit)).list();
    }
}
