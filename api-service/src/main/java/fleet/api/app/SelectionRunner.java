package fleet.api.app;

import fleet.api.app.CurtailmentRequests.SelectionSpec;
import fleet.domain.DeviceStatus;
import fleet.domain.scope.DeviceScope;
import fleet.domain.selection.Candidate;
import fleet.domain.selection.Plan;
import fleet.domain.selection.SelectionParams;
import fleet.domain.selection.SelectionPlanner;
import fleet.persistence.scope.ScopeSql;
import fleet.persistence.StateSql;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Loads a scope's live devices with their latest telemetry (one set-based query) and runs the pure
 * {@link SelectionPlanner} over them (SPEC §4). Shared by Preview and Start; reads only.
 */
public final class SelectionRunner {

    public static final int SCOPE_CEILING = 100_000;

    private static final String ORG_CONFIG = """
            SELECT coalesce(c.default_max_duration_sec, 14400) AS default_max_duration_sec,
                   coalesce(c.candidate_min_power_w, 1500) AS candidate_min_power_w,
                   coalesce(c.telemetry_freshness_sec, 180) AS telemetry_freshness_sec,
                   now() AS db_now
            FROM organization o LEFT JOIN curtailment_org_config c ON c.org_id = o.id
            WHERE o.id = $1
            """;

    /**
     * Candidates of a scope; {@code %s} is the scope predicate (its parameters $2, $3). Power from a constant estimate
     * counts as absent.
     */
    private static final String CANDIDATES = StateSql.render("""
            SELECT d.id, d.identifier, 'curtail_full' = ANY (d.capabilities) AS curtail_full, d.maintenance,
                   lt.device_id IS NOT NULL AS in_live_event, r.last_resolved_at,
                   t.status, t.sampled_at,
                   CASE WHEN t.power_source IN ('MEASURED_PSU', 'FIRMWARE_ESTIMATE') THEN t.power_w END AS power_w,
                   t.hashrate_ths, t.efficiency_j_per_th
            FROM device d
            LEFT JOIN device_telemetry_latest t ON t.device_id = d.id
            LEFT JOIN (SELECT device_id FROM curtailment_target WHERE org_id = $1 AND state NOT IN {TargetState.TERMINAL}) lt
                   ON lt.device_id = d.id
            LEFT JOIN (SELECT device_id, max(resolved_at) AS last_resolved_at FROM curtailment_target
                       WHERE org_id = $1 AND $4::int > 0 AND resolved_at > now() - make_interval(secs => $4::int)
                       GROUP BY device_id) r ON r.device_id = d.id
            WHERE d.org_id = $1 AND %s
            LIMIT $5
            """);

    private SelectionRunner() {
    }

    /** The organization's curtailment defaults and the database's clock. */
    public record OrgConfig(int defaultMaxDurationSec, int candidateMinPowerW, int freshnessSec, Instant now) {
    }

    /** The plan and what went into it. */
    public record Selection(OrgConfig config, Plan plan, int effectiveMinPowerW) {
    }

    public static Uni<OrgConfig> orgConfig(SqlClient db, UUID org) {
        return db.preparedQuery(ORG_CONFIG).execute(Tuple.of(org)).map(rows -> {
            Row r = rows.iterator().next();
            return new OrgConfig(r.getInteger("default_max_duration_sec"), r.getInteger("candidate_min_power_w"),
                    r.getInteger("telemetry_freshness_sec"), r.getOffsetDateTime("db_now").toInstant());
        });
    }

    public static Uni<Selection> select(SqlClient db, UUID org, SelectionSpec spec) {
        return orgConfig(db, org).chain(config -> ScopeChecks.topologyExists(db, org, spec.scope())
                .chain(() -> loadCandidates(db, org, spec))
                .map(candidates -> {
                    int minPower = spec.candidateMinPowerOverrideW() > 0 ? spec.candidateMinPowerOverrideW()
                            : config.candidateMinPowerW();
                    SelectionParams params = new SelectionParams(spec.mode(), spec.targetKw(), spec.toleranceKw(),
                            minPower, Duration.ofSeconds(config.freshnessSec()),
                            Duration.ofSeconds(spec.postEventCooldownSec()), spec.priority(), spec.includeMaintenance(),
                            config.now());
                    return new Selection(config, SelectionPlanner.plan(candidates, params), minPower);
                }));
    }

    private static Uni<List<Candidate>> loadCandidates(SqlClient db, UUID org, SelectionSpec spec) {
        DeviceScope scope = spec.scope();
        ScopeSql sql = ScopeSql.of(scope, 2);
        // rows become Candidates as they are decoded, so a 100 000-device scope never holds both forms at once
        return db.preparedQuery(String.format(CANDIDATES, sql.predicate())).mapping(SelectionRunner::candidate)
                .execute(sql.tuple(List.of(org), spec.postEventCooldownSec(), SCOPE_CEILING + 1))
                .map(rows -> toCandidates(rows, scope));
    }

    private static Candidate candidate(Row r) {
        return new Candidate(r.getUUID(0), r.getString(1), r.getBoolean(2), r.getBoolean(3), r.getBoolean(4),
                instant(r.getOffsetDateTime(5)), DeviceStatus.fromDb(r.getString(6)), instant(r.getOffsetDateTime(7)),
                r.getDouble(8), r.getDouble(9), r.getDouble(10));
    }

    private static List<Candidate> toCandidates(RowSet<Candidate> rows, DeviceScope scope) {
        if (rows.size() > SCOPE_CEILING) {
            throw ScopeChecks.tooLarge("scope", SCOPE_CEILING);
        }
        List<Candidate> out = new ArrayList<>(rows.size());
        Set<String> found = scope.kind() == DeviceScope.Kind.DEVICES ? new HashSet<>() : null;
        for (Candidate c : rows) {
            if (found != null) {
                found.add(c.identifier());
            }
            out.add(c);
        }
        if (found != null) {
            ScopeChecks.identifiersFound(scope, found);
        }
        return out;
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }
}
