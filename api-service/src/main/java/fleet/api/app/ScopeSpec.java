package fleet.api.app;

import fleet.api.error.Violations;
import fleet.curtailment.v1.Scope;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * A validated scope: exactly one selector type, duplicates dropped, ids sorted (so equal scopes fingerprint equally).
 */
public record ScopeSpec(Kind kind, List<UUID> ids, List<String> identifiers) {

    public static final int MAX_TOPOLOGY_IDS = 256;
    public static final int MAX_DEVICE_IDENTIFIERS = 10_000;

    public enum Kind {
        WHOLE_ORG("whole_org", null),
        SITES("site_ids", "site"),
        BUILDINGS("building_ids", "building"),
        RACKS("rack_ids", "rack"),
        GROUPS("group_ids", "device_group"),
        DEVICES("device_identifiers", null);

        private final String field;
        private final String table;

        Kind(String field, String table) {
            this.field = field;
            this.table = table;
        }

        public String field() {
            return field;
        }

        /** The topology table the ids refer to, or null. */
        public String table() {
            return table;
        }
    }

    /** Validates {@code scope} (field prefix {@code prefix}, e.g. "scope"); null when invalid (violations recorded). */
    public static ScopeSpec of(Violations v, String prefix, Scope scope, boolean present) {
        if (!present) {
            v.add(prefix, "is required");
            return null;
        }
        return switch (scope.getSelectorCase()) {
            case WHOLE_ORG -> {
                if (!scope.getWholeOrg()) {
                    v.add(prefix + ".whole_org", "must be true when set");
                    yield null;
                }
                yield new ScopeSpec(Kind.WHOLE_ORG, List.of(), List.of());
            }
            case SITE_IDS -> ids(v, prefix, Kind.SITES, scope.getSiteIds().getIdsList());
            case BUILDING_IDS -> ids(v, prefix, Kind.BUILDINGS, scope.getBuildingIds().getIdsList());
            case RACK_IDS -> ids(v, prefix, Kind.RACKS, scope.getRackIds().getIdsList());
            case GROUP_IDS -> ids(v, prefix, Kind.GROUPS, scope.getGroupIds().getIdsList());
            case DEVICE_IDENTIFIERS -> identifiers(v, prefix, scope.getDeviceIdentifiers().getIdentifiersList());
            default -> {
                v.add(prefix, "exactly one selector is required: whole_org, site_ids, building_ids, rack_ids,"
                        + " group_ids or device_identifiers");
                yield null;
            }
        };
    }

    private static ScopeSpec ids(Violations v, String prefix, Kind kind, List<String> raw) {
        String field = prefix + "." + kind.field() + ".ids";
        if (raw.isEmpty()) {
            v.add(field, "at least one id is required");
            return null;
        }
        Set<UUID> unique = new TreeSet<>();
        for (int i = 0; i < raw.size(); i++) {
            UUID id = v.uuid(field + "[" + i + "]", raw.get(i), true);
            if (id != null) {
                unique.add(id);
            }
        }
        if (unique.size() > MAX_TOPOLOGY_IDS) {
            v.add(field, "at most " + MAX_TOPOLOGY_IDS + " distinct ids (got " + unique.size() + ")");
            return null;
        }
        return new ScopeSpec(kind, List.copyOf(unique), List.of());
    }

    private static ScopeSpec identifiers(Violations v, String prefix, List<String> raw) {
        String field = prefix + ".device_identifiers.identifiers";
        if (raw.isEmpty()) {
            v.add(field, "at least one identifier is required");
            return null;
        }
        Set<String> unique = new LinkedHashSet<>(raw);
        if (unique.size() > MAX_DEVICE_IDENTIFIERS) {
            v.add(field, "at most " + MAX_DEVICE_IDENTIFIERS + " distinct identifiers (got " + unique.size() + ")");
            return null;
        }
        for (String s : unique) {
            if (s.isEmpty() || s.length() > 128) {
                v.add(field, "identifiers must be 1..128 characters");
                return null;
            }
        }
        return new ScopeSpec(Kind.DEVICES, List.of(), List.copyOf(new TreeSet<>(unique)));
    }

    public JsonObject toJson() {
        JsonObject o = new JsonObject().put("kind", kind.field());
        if (!ids.isEmpty()) {
            JsonArray a = new JsonArray();
            ids.forEach(id -> a.add(id.toString()));
            o.put("ids", a);
        }
        if (!identifiers.isEmpty()) {
            o.put("identifiers", new JsonArray(new ArrayList<>(identifiers)));
        }
        return o;
    }

    public static ScopeSpec fromJson(JsonObject o) {
        String field = o.getString("kind");
        Kind kind = null;
        for (Kind k : Kind.values()) {
            if (k.field().equals(field)) {
                kind = k;
            }
        }
        List<UUID> ids = new ArrayList<>();
        JsonArray a = o.getJsonArray("ids");
        if (a != null) {
            a.forEach(x -> ids.add(UUID.fromString((String) x)));
        }
        List<String> identifiers = new ArrayList<>();
        JsonArray b = o.getJsonArray("identifiers");
        if (b != null) {
            b.forEach(x -> identifiers.add((String) x));
        }
        return new ScopeSpec(kind, ids, identifiers);
    }

    public Scope toProto() {
        Scope.Builder s = Scope.newBuilder();
        List<String> idStrings = ids.stream().map(UUID::toString).toList();
        switch (kind) {
            case WHOLE_ORG -> s.setWholeOrg(true);
            case SITES -> s.setSiteIds(fleet.curtailment.v1.IdList.newBuilder().addAllIds(idStrings));
            case BUILDINGS -> s.setBuildingIds(fleet.curtailment.v1.IdList.newBuilder().addAllIds(idStrings));
            case RACKS -> s.setRackIds(fleet.curtailment.v1.IdList.newBuilder().addAllIds(idStrings));
            case GROUPS -> s.setGroupIds(fleet.curtailment.v1.IdList.newBuilder().addAllIds(idStrings));
            case DEVICES -> s.setDeviceIdentifiers(fleet.curtailment.v1.DeviceIdentifierList.newBuilder()
                    .addAllIdentifiers(identifiers));
        }
        return s.build();
    }
}
