package fleet.persistence.scope;

import fleet.domain.scope.DeviceScope;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * A {@link DeviceScope} as SQL: the predicate over {@code device d} selecting its devices, and the check that the
 * topology ids it names exist in the organization. The one place scope SQL is written; the api-service (selection,
 * commands, schedule conflicts) and the reconciler (schedule windows) all render scopes here.
 *
 * <p>The predicate always takes two parameters, whatever the kind, so a statement's parameter numbering does not
 * depend on the scope: {@code $n} the ids ({@code uuid[]}) and {@code $n+1} the identifiers ({@code text[]}), bound
 * from {@link #params()} in that order. It does not restrict the organization: the statement does ({@code d.org_id}).
 */
public final class ScopeSql {

    private final String predicate;
    private final UUID[] ids;
    private final String[] identifiers;

    private ScopeSql(String predicate, UUID[] ids, String[] identifiers) {
        this.predicate = predicate;
        this.ids = ids;
        this.identifiers = identifiers;
    }

    /** {@code scope}'s predicate with its parameters numbered from {@code firstParam}. */
    public static ScopeSql of(DeviceScope scope, int firstParam) {
        String ids = "$" + firstParam + "::uuid[]";
        String identifiers = "$" + (firstParam + 1) + "::text[]";
        String predicate = switch (scope.kind()) {
            case WHOLE_ORG -> ids + " IS NOT NULL AND " + identifiers + " IS NOT NULL";
            case SITES -> "d.site_id = ANY(" + ids + ") AND " + identifiers + " IS NOT NULL";
            case BUILDINGS -> "d.building_id = ANY(" + ids + ") AND " + identifiers + " IS NOT NULL";
            case RACKS -> "d.rack_id = ANY(" + ids + ") AND " + identifiers + " IS NOT NULL";
            case GROUPS -> "EXISTS (SELECT 1 FROM device_group_member m WHERE m.device_id = d.id AND m.group_id = ANY("
                    + ids + ")) AND " + identifiers + " IS NOT NULL";
            case DEVICES -> "d.identifier = ANY(" + identifiers + ") AND " + ids + " IS NOT NULL";
        };
        return new ScopeSql("(" + predicate + ")", scope.ids().toArray(UUID[]::new),
                scope.identifiers().toArray(String[]::new));
    }

    /** The parenthesised predicate over {@code device d}. */
    public String predicate() {
        return predicate;
    }

    /** The two parameter values, in order: ids, identifiers (never null; the unused one is empty). */
    public List<Object> params() {
        return List.of(ids, identifiers);
    }

    /**
     * A statement's parameters: {@code before} (so this scope's start at {@code before.size() + 1}), this scope's two,
     * then {@code after}.
     */
    public Tuple tuple(List<?> before, Object... after) {
        List<Object> all = new ArrayList<>(before);
        all.addAll(params());
        all.addAll(Arrays.asList(after));
        return Tuple.from(all);
    }

    /**
     * The topology ids of {@code scope} that name no row of the organization (unknown, or another organization's),
     * in scope order; empty for a scope that names no topology.
     */
    public static Uni<List<UUID>> missingTopologyIds(SqlClient db, UUID org, DeviceScope scope) {
        if (!scope.kind().isTopology()) {
            return Uni.createFrom().item(List.of());
        }
        return db.preparedQuery("SELECT id FROM " + table(scope.kind()) + " WHERE org_id = $1 AND id = ANY($2)")
                .execute(Tuple.of(org, scope.ids().toArray(UUID[]::new)))
                .map(rows -> {
                    Set<UUID> found = new HashSet<>();
                    rows.forEach(r -> found.add(r.getUUID("id")));
                    return scope.missingIds(found);
                });
    }

    private static String table(DeviceScope.Kind kind) {
        return switch (kind) {
            case SITES -> "site";
            case BUILDINGS -> "building";
            case RACKS -> "rack";
            case GROUPS -> "device_group";
            case WHOLE_ORG, DEVICES -> throw new IllegalArgumentException(kind.wireName() + " names no topology");
        };
    }
}
