package fleet.api.app.schedules;

import fleet.api.app.ScopeSpec;

/**
 * The SQL predicate over {@code device d} selecting a schedule's devices; {@code $ids} is a uuid[] parameter and
 * {@code $identifiers} a text[] parameter (both always bound, one of them unused).
 */
final class SelectorSql {

    private SelectorSql() {
    }

    static String predicate(ScopeSpec scope, int idsParam, int identifiersParam) {
        String ids = "$" + idsParam + "::uuid[]";
        String identifiers = "$" + identifiersParam + "::text[]";
        return switch (scope.kind()) {
            case SITES -> "d.site_id = ANY(" + ids + ")";
            case BUILDINGS -> "d.building_id = ANY(" + ids + ")";
            case RACKS -> "d.rack_id = ANY(" + ids + ")";
            case GROUPS -> "EXISTS (SELECT 1 FROM device_group_member m WHERE m.device_id = d.id AND m.group_id = ANY(" + ids
                    + "))";
            case DEVICES -> "d.identifier = ANY(" + identifiers + ")";
            case WHOLE_ORG -> throw new IllegalArgumentException("a schedule selector has no whole_org");
        };
    }
}
