package fleet.api.app;

import fleet.api.error.Violations;
import fleet.curtailment.v1.DeviceIdentifierList;
import fleet.curtailment.v1.DeviceSelector;
import fleet.curtailment.v1.IdList;
import fleet.curtailment.v1.Scope;
import fleet.domain.scope.DeviceScope;
import fleet.domain.scope.DeviceScope.Kind;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The contract's {@link Scope} and {@link DeviceSelector} ↔ {@link DeviceScope}: validation (exactly one selector type,
 * duplicates dropped, bounds; INVALID_ARGUMENT naming the field under the caller's prefix) and the response mapping.
 * A {@link DeviceSelector} is a {@link Scope} without {@code whole_org}.
 */
public final class ScopeProtos {

    private ScopeProtos() {
    }

    /** Validates {@code scope} (field prefix {@code prefix}, e.g. "scope"); null when invalid (violations recorded). */
    public static DeviceScope scope(Violations v, String prefix, Scope scope, boolean present) {
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
                yield DeviceScope.wholeOrg();
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

    /** Validates a device selector (field {@code field}, e.g. "selector"); null when invalid (violations recorded). */
    public static DeviceScope selector(Violations v, String field, DeviceSelector selector, boolean present) {
        if (!present || selector.getSelectorCase() == DeviceSelector.SelectorCase.SELECTOR_NOT_SET) {
            v.add(field, "exactly one selector is required: device_identifiers, site_ids, building_ids, rack_ids or"
                    + " group_ids");
            return null;
        }
        Scope.Builder scope = Scope.newBuilder();
        switch (selector.getSelectorCase()) {
            case DEVICE_IDENTIFIERS -> scope.setDeviceIdentifiers(selector.getDeviceIdentifiers());
            case SITE_IDS -> scope.setSiteIds(selector.getSiteIds());
            case BUILDING_IDS -> scope.setBuildingIds(selector.getBuildingIds());
            case RACK_IDS -> scope.setRackIds(selector.getRackIds());
            case GROUP_IDS -> scope.setGroupIds(selector.getGroupIds());
            default -> throw new IllegalStateException("unreachable");
        }
        return scope(v, field, scope.build(), true);
    }

    private static DeviceScope ids(Violations v, String prefix, Kind kind, List<String> raw) {
        String field = prefix + "." + kind.wireName() + ".ids";
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
        if (unique.size() > DeviceScope.MAX_TOPOLOGY_IDS) {
            v.add(field, "at most " + DeviceScope.MAX_TOPOLOGY_IDS + " distinct ids (got " + unique.size() + ")");
            return null;
        }
        return DeviceScope.topology(kind, unique);
    }

    private static DeviceScope identifiers(Violations v, String prefix, List<String> raw) {
        String field = prefix + "." + Kind.DEVICES.wireName() + ".identifiers";
        if (raw.isEmpty()) {
            v.add(field, "at least one identifier is required");
            return null;
        }
        Set<String> unique = new LinkedHashSet<>(raw);
        if (unique.size() > DeviceScope.MAX_DEVICE_IDENTIFIERS) {
            v.add(field, "at most " + DeviceScope.MAX_DEVICE_IDENTIFIERS + " distinct identifiers (got " + unique.size()
                    + ")");
            return null;
        }
        for (String s : unique) {
            if (s.isEmpty() || s.length() > 128) {
                v.add(field, "identifiers must be 1..128 characters");
                return null;
            }
        }
        return DeviceScope.devices(unique);
    }

    public static Scope toProto(DeviceScope scope) {
        Scope.Builder s = Scope.newBuilder();
        IdList ids = IdList.newBuilder().addAllIds(scope.ids().stream().map(UUID::toString).toList()).build();
        switch (scope.kind()) {
            case WHOLE_ORG -> s.setWholeOrg(true);
            case SITES -> s.setSiteIds(ids);
            case BUILDINGS -> s.setBuildingIds(ids);
            case RACKS -> s.setRackIds(ids);
            case GROUPS -> s.setGroupIds(ids);
            case DEVICES -> s.setDeviceIdentifiers(
                    DeviceIdentifierList.newBuilder().addAllIdentifiers(scope.identifiers()));
        }
        return s.build();
    }

    /** A selector's scope in the contract's {@link DeviceSelector} form (never {@code whole_org}). */
    public static DeviceSelector toSelector(DeviceScope scope) {
        Scope s = toProto(scope);
        DeviceSelector.Builder out = DeviceSelector.newBuilder();
        switch (s.getSelectorCase()) {
            case DEVICE_IDENTIFIERS -> out.setDeviceIdentifiers(s.getDeviceIdentifiers());
            case SITE_IDS -> out.setSiteIds(s.getSiteIds());
            case BUILDING_IDS -> out.setBuildingIds(s.getBuildingIds());
            case RACK_IDS -> out.setRackIds(s.getRackIds());
            case GROUP_IDS -> out.setGroupIds(s.getGroupIds());
            default -> throw new IllegalStateException("a device selector is never " + s.getSelectorCase());
        }
        return out.build();
    }
}
