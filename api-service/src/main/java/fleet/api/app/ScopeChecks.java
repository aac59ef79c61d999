package fleet.api.app;

import com.google.rpc.Code;
import fleet.api.error.ApiErrors;
import fleet.domain.scope.DeviceScope;
import fleet.persistence.scope.ScopeSql;
import io.grpc.StatusRuntimeException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** The errors every scope resolution answers alike: unknown topology ids or identifiers, and too many devices. */
public final class ScopeChecks {

    private ScopeChecks() {
    }

    /** Unknown or other-organization topology ids are NOT_FOUND, listing them. */
    public static Uni<Void> topologyExists(SqlClient db, UUID org, DeviceScope scope) {
        return ScopeSql.missingTopologyIds(db, org, scope).invoke(missing -> {
            if (!missing.isEmpty()) {
                throw ApiErrors.notFound(scope.kind().resource(), missing.stream().map(UUID::toString).toList());
            }
        }).replaceWithVoid();
    }

    /** For a device-identifier scope, identifiers that resolved to no device ({@code found}) are NOT_FOUND. */
    public static void identifiersFound(DeviceScope scope, Set<String> found) {
        if (scope.kind() == DeviceScope.Kind.DEVICES && found.size() < scope.identifiers().size()) {
            List<String> missing = scope.missingIdentifiers(found);
            throw ApiErrors.notFound("device", missing);
        }
    }

    /** RESOURCE_EXHAUSTED / SCOPE_TOO_LARGE: {@code what} ("scope", "selector") reaches more than {@code ceiling}. */
    public static StatusRuntimeException tooLarge(String what, int ceiling) {
        return ApiErrors.domain(Code.RESOURCE_EXHAUSTED, "SCOPE_TOO_LARGE",
                "the " + what + " resolves to more than " + ceiling + " devices; narrow it",
                Map.of("ceiling", Integer.toString(ceiling)));
    }
}
