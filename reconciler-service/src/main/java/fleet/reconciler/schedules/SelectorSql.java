package fleet.reconciler.schedules;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A stored {@code schedule.selector} (the api-service's ScopeSpec JSON: {@code {"kind": "site_ids", "ids": [...]}} or
 * {@code {"kind": "device_identifiers", "identifiers": [...]}}) as a predicate over {@code device d}.
 */
record SelectorSql(String kind, UUID[] ids, String[] identifiers) {

    static SelectorSql of(JsonObject selector) {
        List<UUID> ids = new ArrayList<>();
        JsonArray a = selector.getJsonArray("ids");
        if (a != null) {
            a.forEach(x -> ids.add(UUID.fromString((String) x)));
        }
        List<String> identifiers = new ArrayList<>();
        JsonArray b = selector.getJsonArray("identifiers");
        if (b != null) {
            b.forEach(x -> identifiers.add((String) x));
        }
        return new SelectorSql(selector.getString("kind"), ids.toArray(UUID[]::new), identifiers.toArray(String[]::new));
    }

    /** The predicate; {@code $idsParam} binds {@link #ids}, {@code $identifiersParam} binds {@link #identifiers}. */
    String predicate(int idsParam, int identifiersParam) {
        String idList = "$" + idsParam + "::uuid[]";
        String names = "$" + identifiersParam + "::text[]";
        return switch (kind) {
            case "site_ids" -> "d.site_id = ANY(" + idList + ")";
            case "building_ids" -> "d.building_id = ANY(" + idList + ")";
            case "rack_ids" -> "d.rack_id = ANY(" + idList + ")";
            case "group_ids" -> "EXISTS (SELECT 1 FROM device_group_member m WHERE m.device_id = d.id AND m.group_id = ANY("
                    + idList + "))";
            case "device_identifiers" -> "d.identifier = ANY(" + names + ")";
            default -> throw new IllegalArgumentException("unknown selector kind " + kind);
        };
    }
}
