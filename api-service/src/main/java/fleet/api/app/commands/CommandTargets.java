package fleet.api.app.commands;

import com.google.rpc.Code;
import fleet.api.app.ScopeSpec;
import fleet.api.error.ApiErrors;
import fleet.api.error.Violations;
import fleet.curtailment.v1.DeviceSelector;
import fleet.curtailment.v1.Scope;
import fleet.persistence.StateSql;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Resolves a {@link DeviceSelector} to the organization's devices, each with its driver, capability flags and the
 * live curtailment event holding it (if any), in one set-based query. Unknown or other-organization identifiers and
 * topology ids are NOT_FOUND, listing them; a selector resolving to more than {@link #MAX_DEVICES} devices is
 * RESOURCE_EXHAUSTED (the batch and its response must stay bounded).
 */
public final class CommandTargets {

    /** The most devices one command request may address: the identifier-list bound applies to topology scopes too. */
    public static final int MAX_DEVICES = ScopeSpec.MAX_DEVICE_IDENTIFIERS;

    /** A live target: any state that still holds the device (SPEC §5: RESOLVED, RELEASED, RESTORE_FAILED free it). */
    private static final String DEVICES = StateSql.render("""
            SELECT d.id, d.identifier, d.driver, d.capabilities, lt.event_id
            FROM device d
            LEFT JOIN curtailment_target lt ON lt.device_id = d.id AND lt.state NOT IN {TargetState.TERMINAL}
            WHERE d.org_id = $1 AND (%s) AND $2::uuid[] IS NOT NULL AND $3::text[] IS NOT NULL
            ORDER BY d.identifier
            LIMIT $4
            """);

    private CommandTargets() {
    }

    /** One selected device. {@code liveEventId} is the curtailment event holding it, or null. */
    public record TargetDevice(UUID id, String identifier, String driver, Set<String> capabilities, UUID liveEventId) {
    }

    /** Validates the selector (field {@code selector}); null when invalid (the violations are recorded). */
    public static ScopeSpec selector(Violations v, DeviceSelector selector, boolean present) {
        if (!present || selector.getSelectorCase() == DeviceSelector.SelectorCase.SELECTOR_NOT_SET) {
            v.add("selector", "exactly one selector is required: device_identifiers, site_ids, building_ids, rack_ids"
                    + " or group_ids");
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
        return ScopeSpec.of(v, "selector", scope.build(), true);
    }

    public static Uni<List<TargetDevice>> resolve(SqlClient db, UUID org, ScopeSpec scope) {
        return checkTopologyIds(db, org, scope).chain(() -> {
            String predicate = switch (scope.kind()) {
                case SITES -> "d.site_id = ANY($2)";
                case BUILDINGS -> "d.building_id = ANY($2)";
                case RACKS -> "d.rack_id = ANY($2)";
                case GROUPS -> "EXISTS (SELECT 1 FROM device_group_member m WHERE m.device_id = d.id AND m.group_id = ANY($2))";
                case DEVICES -> "d.identifier = ANY($3)";
                case WHOLE_ORG -> throw new IllegalArgumentException("a device selector has no whole_org");
            };
            Tuple params = Tuple.from(Arrays.asList(org, scope.ids().toArray(UUID[]::new),
                    scope.identifiers().toArray(String[]::new), MAX_DEVICES + 1));
            return db.preparedQuery(String.format(DEVICES, predicate)).execute(params).map(rows -> {
                if (rows.size() > MAX_DEVICES) {
                    throw ApiErrors.domain(Code.RESOURCE_EXHAUSTED, "SCOPE_TOO_LARGE",
                            "the selector resolves to more than " + MAX_DEVICES + " devices; narrow it",
                            Map.of("ceiling", Integer.toString(MAX_DEVICES)));
                }
                List<TargetDevice> out = new ArrayList<>(rows.size());
                for (Row r : rows) {
                    String[] caps = r.getArrayOfStrings("capabilities");
                    out.add(new TargetDevice(r.getUUID("id"), r.getString("identifier"), r.getString("driver"),
                            caps == null ? Set.of() : Set.of(caps), r.getUUID("event_id")));
                }
                if (scope.kind() == ScopeSpec.Kind.DEVICES && out.size() < scope.identifiers().size()) {
                    Set<String> found = new HashSet<>();
                    out.forEach(d -> found.add(d.identifier()));
                    throw ApiErrors.notFound("device",
                            scope.identifiers().stream().filter(id -> !found.contains(id)).toList());
                }
                return out;
            });
        });
    }

    /** Unknown or other-organization topology ids are NOT_FOUND, listing them. */
    private static Uni<Void> checkTopologyIds(SqlClient db, UUID org, ScopeSpec scope) {
        String table = scope.kind().table();
        if (table == null) {
            return Uni.createFrom().voidItem();
        }
        return db.preparedQuery("SELECT id FROM " + table + " WHERE org_id = $1 AND id = ANY($2)")
                .execute(Tuple.of(org, scope.ids().toArray(UUID[]::new)))
                .invoke(rows -> {
                    Set<UUID> found = new HashSet<>();
                    rows.forEach(r -> found.add(r.getUUID("id")));
                    List<String> missing = scope.ids().stream().filter(id -> !found.contains(id)).map(UUID::toString)
                            .toList();
                    if (!missing.isEmpty()) {
                        throw ApiErrors.notFound(table.replace("device_", ""), missing);
                    }
                })
                .replaceWithVoid();
    }
}
