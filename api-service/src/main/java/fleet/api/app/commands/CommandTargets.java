package fleet.api.app.commands;

import fleet.api.app.ScopeChecks;
import fleet.domain.scope.DeviceScope;
import fleet.persistence.scope.ScopeSql;
import fleet.persistence.StateSql;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
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
    public static final int MAX_DEVICES = DeviceScope.MAX_DEVICE_IDENTIFIERS;

    /**
     * A live target: any state that still holds the device (SPEC §5: RESOLVED, RELEASED, RESTORE_FAILED free it).
     * {@code %s} is the scope predicate (its parameters $2, $3).
     */
    private static final String DEVICES = StateSql.render("""
            SELECT d.id, d.identifier, d.driver, d.capabilities, lt.event_id
            FROM device d
            LEFT JOIN curtailment_target lt ON lt.device_id = d.id AND lt.state NOT IN {TargetState.TERMINAL}
            WHERE d.org_id = $1 AND %s
            ORDER BY d.identifier
            LIMIT $4
            """);

    private CommandTargets() {
    }

    /** One selected device. {@code liveEventId} is the curtailment event holding it, or null. */
    public record TargetDevice(UUID id, String identifier, String driver, Set<String> capabilities, UUID liveEventId) {
    }

    public static Uni<List<TargetDevice>> resolve(SqlClient db, UUID org, DeviceScope scope) {
        ScopeSql sql = ScopeSql.of(scope, 2);
        return ScopeChecks.topologyExists(db, org, scope)
                .chain(() -> db.preparedQuery(String.format(DEVICES, sql.predicate()))
                        .execute(sql.tuple(List.of(org), MAX_DEVICES + 1)))
                .map(rows -> {
                    if (rows.size() > MAX_DEVICES) {
                        throw ScopeChecks.tooLarge("selector", MAX_DEVICES);
                    }
                    List<TargetDevice> out = new ArrayList<>(rows.size());
                    Set<String> found = new HashSet<>();
                    for (Row r : rows) {
                        String[] caps = r.getArrayOfStrings("capabilities");
                        out.add(new TargetDevice(r.getUUID("id"), r.getString("identifier"), r.getString("driver"),
                                caps == null ? Set.of() : Set.of(caps), r.getUUID("event_id")));
                        found.add(r.getString("identifier"));
                    }
                    ScopeChecks.identifiersFound(scope, found);
                    return out;
                });
    }
}
